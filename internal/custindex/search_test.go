package custindex_test

import (
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"testing"

	"tend/internal/custindex"
	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/tendtest"
)

// searchWorld is a workspace of a few customers to search, by name.
type searchWorld struct {
	w     *tendtest.World
	names map[string]string // id → name
}

func newSearchWorld(t *testing.T, customers ...string) *searchWorld {
	t.Helper()
	sw := &searchWorld{w: tendtest.MustOpen(t, tendtest.Options{Name: "Tìm Kiếm"}), names: map[string]string{}}
	for _, js := range customers {
		in, err := customer.ParseInput([]byte(js))
		if err != nil {
			t.Fatal(err)
		}
		c, err := sw.w.Customers.CreateCustomer(t.Context(), sw.w.Admin(), in)
		if err != nil {
			t.Fatalf("create %s: %v", js, err)
		}
		sw.names[c.ID] = c.Name
	}
	return sw
}

// search pages through every hit of q, limit at a time, and returns the
// names found, failing on an id found twice.
func (sw *searchWorld) search(t *testing.T, q string, limit int) []string {
	t.Helper()
	var names []string
	seen := map[string]bool{}
	cursor := ""
	for range 100 {
		hits, err := custindex.Search(t.Context(), sw.w.DB, sw.w.AdminUser.TenantID, q, cursor, limit)
		if err != nil {
			t.Fatalf("Search(%q): %v", q, err)
		}
		if hits.IDs == nil {
			t.Fatalf("Search(%q): nil ids", q)
		}
		for _, id := range hits.IDs {
			if seen[id] {
				t.Fatalf("Search(%q): %s (%s) twice", q, id, sw.names[id])
			}
			seen[id] = true
			names = append(names, sw.names[id])
		}
		if cursor = hits.Cursor; cursor == "" {
			slices.Sort(names)
			return names
		}
	}
	t.Fatalf("Search(%q): no end", q)
	return nil
}

var searchCustomers = []string{
	`{"name":"Nguyễn Văn An","phone":"0912345678","email":"an.nguyen@example.vn"}`,
	`{"name":"Trần Thị Bình","phone":"0168 123 4567","email":"binh@tran.vn"}`,
	`{"name":"Lê Anh","phone":"+84 903 111 222","email":"ceo.office@congty.vn"}`,
	`{"name":"Nguyễn Thị Ánh","email":"Anh@Example.vn"}`,
	`{"name":"Khách hàng số 99999"}`,
	`{"name":"Công ty O'Neil-Phạm","phone":"+1 650 253 0000"}`,
}

func TestSearch(t *testing.T) {
	sw := newSearchWorld(t, searchCustomers...)
	an, binh, le, anh, so, oneil := "Nguyễn Văn An", "Trần Thị Bình", "Lê Anh", "Nguyễn Thị Ánh", "Khách hàng số 99999", "Công ty O'Neil-Phạm"
	tests := []struct {
		name, q string
		want    []string
	}{
		{"a name word without accents", "nguyen", []string{an, anh}},
		{"a name word in capitals with accents", "NGUYỄN", []string{an, anh}},
		{"two words, both needed", "nguyen van", []string{an}},
		{"words in any order", "van nguyen", []string{an}},
		{"each word by prefix", "an nguyen", []string{an, anh}},
		{"a word prefix", "ngu", []string{an, anh}},
		{"a prefix matching several words of one customer, listed once", "an", []string{an, le, anh}},
		{"no customer has both words", "nguyen binh", nil},
		{"punctuation around a word", "(binh),", []string{binh}},
		{"a name with a number", "khach hang so 99999", []string{so}},
		{"phone national", "0912345678", []string{an}},
		{"phone spaced", "0912 345 678", []string{an}},
		{"phone E.164", "+84912345678", []string{an}},
		{"phone international without plus", "84912345678", []string{an}},
		{"phone international spaced", "+84 912.345.678", []string{an}},
		{"phone legacy 11 digits", "01681234567", []string{binh}},
		{"phone legacy number as renumbered", "0381234567", []string{binh}},
		{"phone beginning", "0903", []string{le}},
		{"phone beginning written internationally", "+84903", []string{le}},
		{"phone last 4 digits", "5678", []string{an}},
		{"phone last 6 digits", "111222", []string{le}},
		{"phone middle digits match nothing", "3456", nil},
		{"phone and a name word", "thi 4567", []string{binh}},
		{"three digits are no phone", "222", nil},
		{"email whole", "an.nguyen@example.vn", []string{an}},
		{"email whole in capitals", "ANH@EXAMPLE.VN", []string{anh}},
		{"email local part", "ceo.office", []string{le}},
		{"email local part prefix", "ceo.off", []string{le}},
		{"email local part, or its parts as name words", "an.nguyen", []string{an, anh}},
		{"email prefix", "binh@tr", []string{binh}},
		{"email domain alone matches nothing", "example.vn", nil},
		{"code", "KH000002", []string{binh}},
		{"code folded", "kh000003", []string{le}},
		{"a word with inner punctuation, by its parts", "o'neil-pham", []string{oneil}},
		{"parts by prefix", "neil-ph", []string{oneil}},
		{"a foreign phone", "+16502530000", []string{oneil}},
		{"a foreign phone's last digits", "0000", []string{oneil}},
		{"nothing", "khong co ai", nil},
		{"only spaces", "   ", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := slices.Clone(tc.want)
			slices.Sort(want)
			for _, limit := range []int{1, 2, 50} {
				if got := sw.search(t, tc.q, limit); !slices.Equal(got, want) {
					t.Errorf("Search(%q) limit %d = %q, want %q", tc.q, limit, got, want)
				}
			}
		})
	}
}

// A customer's index follows it: renamed, it is found by its new name
// only; in the trash, by nothing; restored, again.
func TestSearchFollowsTheCustomer(t *testing.T) {
	sw := newSearchWorld(t, searchCustomers[0])
	ctx := t.Context()
	var id string
	for k := range sw.names {
		id = k
	}
	admin := sw.w.Admin()
	in, err := customer.ParseInput([]byte(`{"name":"Phạm Minh Châu","phone":"0987 654 321"}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sw.w.Customers.UpdateCustomer(ctx, admin, id, in); err != nil {
		t.Fatal(err)
	}
	sw.names[id] = "Phạm Minh Châu"
	for q, want := range map[string]int{"nguyen": 0, "van an": 0, "5678": 0, "chau": 1, "pham minh": 1, "4321": 1, "an.nguyen": 1} {
		if got := sw.search(t, q, 10); len(got) != want {
			t.Errorf("after a rename, Search(%q) = %q, want %d", q, got, want)
		}
	}
	if err := sw.w.Customers.DeleteCustomer(ctx, admin, id); err != nil {
		t.Fatal(err)
	}
	if got := sw.search(t, "chau", 10); len(got) != 0 {
		t.Errorf("in the trash, Search(chau) = %q", got)
	}
	if _, err := sw.w.Customers.RestoreCustomer(ctx, admin, id); err != nil {
		t.Fatal(err)
	}
	if got := sw.search(t, "chau", 10); !slices.Equal(got, []string{"Phạm Minh Châu"}) {
		t.Errorf("restored, Search(chau) = %q", got)
	}
}

// A query whose longest word matches every customer and another word one
// answers that one on its first request, reading little: the probe reads
// the rare word's ranges. (Reading the longest word's, the first request
// would stop at its read cap with no id.)
func TestSearchReadsTheRarestTerm(t *testing.T) {
	clock := tendtest.NewClock(tendtest.DefaultTime)
	db := tendtest.Store(t, clock)
	for i := range 300 {
		c := &domain.Customer{ID: fmt.Sprintf("cus_%03d", i), Name: fmt.Sprintf("Khách hàng số %d", i), UpdatedAt: tendtest.DefaultTime}
		if err := db.Transact(t.Context(), custindex.Ops("ws_1", c.ID, nil, custindex.Entries(c))); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range []string{"khach hang so 299", "299 khách hàng"} {
		hits, err := custindex.Search(t.Context(), db, "ws_1", q, "", 1)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(hits.IDs, []string{"cus_299"}) || hits.Cursor != "" || hits.Read > 40 {
			t.Errorf("Search(%q) = %q, cursor %q, read %d: want cus_299 alone, at once", q, hits.IDs, hits.Cursor, hits.Read)
		}
	}
}

func TestSearchRefusesABadCursor(t *testing.T) {
	sw := newSearchWorld(t)
	for _, c := range []string{"%%%", "AA", base64.RawURLEncoding.EncodeToString([]byte("1|w:an#cus_1")), base64.RawURLEncoding.EncodeToString([]byte("w:an#cus_1"))} {
		_, err := custindex.Search(t.Context(), sw.w.DB, sw.w.AdminUser.TenantID, "an", c, 10)
		var de *domain.Error
		if !errors.As(err, &de) || len(de.Fields) != 1 || de.Fields[0].Code != "invalid_cursor" {
			t.Errorf("cursor %q: err %v, want invalid_cursor", c, err)
		}
	}
}
