package custindex_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"tend/internal/custindex"
	"tend/internal/domain"
	"tend/internal/store"
)

func entriesOf(c *domain.Customer, kinds ...string) []string {
	var out []string
	for _, e := range custindex.Entries(c) {
		if slices.Contains(kinds, e.Kind) {
			out = append(out, e.Kind+":"+e.Value)
		}
	}
	return out
}

func TestTokens(t *testing.T) {
	tests := []struct {
		name string
		c    domain.Customer
		want []string
	}{
		{"name words folded, code, e-mail", domain.Customer{Name: "  NGUYỄN  Văn  Ánh ", Code: "KH000042", Email: "Anh.Nguyen@Example.VN"},
			[]string{"w:anh", "w:anh.nguyen@example.vn", "w:kh000042", "w:nguyen", "w:van"}},
		{"decomposed accents fold as precomposed", domain.Customer{Name: "Nguye\u0302\u0303n Đức"}, []string{"w:duc", "w:nguyen"}},
		{"a name split at punctuation, each word once", domain.Customer{Name: "Công ty TNHH (Công-Ty) An"}, []string{"w:an", "w:cong", "w:tnhh", "w:ty"}},
		{"phone national", domain.Customer{Phone: "+84912345678"}, []string{"p:0912345678", "r:8765432190"}},
		{"phone as typed", domain.Customer{Phone: "0912 345 678"}, []string{"p:0912345678", "r:8765432190"}},
		{"legacy phone renumbered", domain.Customer{Phone: "0168 123 4567"}, []string{"p:0381234567", "r:7654321830"}},
		{"foreign phone with its calling code", domain.Customer{Phone: "+16502530000"}, []string{"p:16502530000", "r:00003520561"}},
		{"nothing to index", domain.Customer{}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := entriesOf(&tc.c, custindex.KindWord, custindex.KindPhone, custindex.KindReversed)
			if !slices.Equal(got, tc.want) {
				t.Errorf("tokens %q, want %q", got, tc.want)
			}
		})
	}
}

func TestSortValues(t *testing.T) {
	at := time.Date(2026, 5, 1, 7, 30, 0, 0, time.FixedZone("ICT", 7*3600))
	c := domain.Customer{Name: "Đặng  Thu", Code: "KH\x0007", Revenue: -42, LastCareAt: &at, UpdatedAt: at}
	want := []string{"name:dang thu", "code:KH07", "revenue:" + custindex.RevenueSortValue(-42), "last_care_at:2026-05-01T00:30:00.000000000Z",
		"next_appointment_at:", "updated_at:2026-05-01T00:30:00.000000000Z"}
	if got := entriesOf(&c, custindex.SortFields...); !slices.Equal(got, want) {
		t.Errorf("sort entries %q, want %q", got, want)
	}
	if got := entriesOf(&domain.Customer{}, "name", "revenue"); !slices.Equal(got, []string{"name:", "revenue:"}) {
		t.Errorf("no name, no revenue: %q", got)
	}
	amounts := []int64{-1 << 63, -9_000_000_000, -1, 1, 2, 10, 999, 1000, 9_000_000_000, 1<<63 - 1}
	for i := 1; i < len(amounts); i++ {
		a, b := custindex.RevenueSortValue(amounts[i-1]), custindex.RevenueSortValue(amounts[i])
		if len(a) != len(b) || a >= b {
			t.Errorf("revenue %d sorts as %q, not before %d as %q", amounts[i-1], a, amounts[i], b)
		}
	}
}

func TestDeletedCustomerHasNoEntries(t *testing.T) {
	now := time.Date(2026, 5, 4, 2, 0, 0, 0, time.UTC) // any time: a deletion stamp
	if e := custindex.Entries(&domain.Customer{Name: "An", DeletedAt: &now}); e != nil {
		t.Errorf("entries of a deleted customer: %v", e)
	}
	if e := custindex.Entries(nil); e != nil {
		t.Errorf("entries of no customer: %v", e)
	}
}

func opKeys(ops []store.TxOp) (puts, deletes []string) {
	for _, op := range ops {
		if op.IsPut() {
			puts = append(puts, op.Key.SK)
		} else if op.IsDelete() {
			deletes = append(deletes, op.Key.SK)
		}
	}
	slices.Sort(puts)
	slices.Sort(deletes)
	return puts, deletes
}

func TestOps(t *testing.T) {
	at := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	base := domain.Customer{ID: "cus_1", Name: "An Bình", Phone: "0912345678", UpdatedAt: at}
	with := func(edit func(c *domain.Customer)) *domain.Customer {
		c := base
		edit(&c)
		return &c
	}
	allTokens := []string{"IX#T#p:0912345678", "IX#T#r:8765432190", "IX#T#w:an", "IX#T#w:binh"}
	allSorts := []string{"IX#S#code", "IX#S#last_care_at", "IX#S#name", "IX#S#next_appointment_at", "IX#S#revenue", "IX#S#updated_at"}
	every := slices.Sorted(slices.Values(append(slices.Clone(allSorts), allTokens...)))
	tests := []struct {
		name          string
		before, after *domain.Customer
		puts, deletes []string
	}{
		{"unchanged", &base, &base, nil, nil},
		{"created", nil, &base, slices.Sorted(slices.Values(append(slices.Clone(allSorts), allTokens...))), nil},
		{"a sort value changed: one put", &base, with(func(c *domain.Customer) { c.Revenue = 5 }), []string{"IX#S#revenue"}, nil},
		{"renamed: every token put again, the gone one deleted", &base, with(func(c *domain.Customer) { c.Name = "An Chi" }),
			[]string{"IX#S#name", "IX#T#p:0912345678", "IX#T#r:8765432190", "IX#T#w:an", "IX#T#w:chi"}, []string{"IX#T#w:binh"}},
		{"deleted", &base, with(func(c *domain.Customer) { c.DeletedAt = &at }), nil, every},
		// Every item's document names the owner and the warehouse.
		{"assigned: every item put again", &base, with(func(c *domain.Customer) { c.OwnerID = "usr_1" }), every, nil},
		{"moved to a warehouse: every item put again", &base, with(func(c *domain.Customer) { c.WarehouseID = "wh_1" }), every, nil},
		{"moved to another step: its step token only", with(func(c *domain.Customer) { c.Pipelines = map[string]string{"pl_1": "st_1"} }),
			with(func(c *domain.Customer) { c.Pipelines = map[string]string{"pl_1": "st_2"} }), []string{"IX#T#s:pl_1:st_2"}, []string{"IX#T#s:pl_1:st_1"}},
		{"tagged: one put, folded", &base, with(func(c *domain.Customer) { c.Tags = []string{"VIP", "vip"} }), []string{"IX#T#g:vip"}, nil},
		{"many tags: one token for all", with(func(c *domain.Customer) { c.Tags = []string{"vip"} }),
			with(func(c *domain.Customer) {
				for i := range 11 {
					c.Tags = append(c.Tags, fmt.Sprint("t", i))
				}
			}), []string{"IX#T#g:"}, []string{"IX#T#g:vip"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var before []custindex.Entry
			if tc.before != nil {
				before = custindex.Entries(tc.before)
			}
			ops := custindex.Ops("ws_1", "cus_1", before, custindex.Entries(tc.after))
			if len(ops) == 0 && ops != nil {
				t.Error("no ops but not nil")
			}
			puts, deletes := opKeys(ops)
			if !slices.Equal(puts, tc.puts) || !slices.Equal(deletes, tc.deletes) {
				t.Errorf("puts %q deletes %q, want %q %q", puts, deletes, tc.puts, tc.deletes)
			}
			for _, op := range ops {
				if op.IsPut() && (op.Key.PK != "T#ws_1#C#cus_1" || !strings.HasPrefix(op.Item.Index[0].PK, "T#ws_1#")) {
					t.Errorf("put %v in the wrong partition", op.Item)
				}
			}
		})
	}
}

// FuzzSearchQuery: whatever a user types parses into well-formed terms,
// and a customer named so is found by it.
func FuzzSearchQuery(f *testing.F) {
	for _, q := range []string{"nguyen van", "NGUYỄN", "0912 345 678", "+84 912.345.678", "(binh),", "o'neil-pham", "an.nguyen@example.vn",
		"2024 1234", "+", "   ", "\u0303", "a\x00b", "\xff\xfe", "ngu-", "1-2-3-4", strings.Repeat("dài ", 40), strings.Repeat("x", 300)} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, q string) {
		if err := custindex.CheckQuery(q); err != nil {
			t.Fatalf("query %q: %v", q, err)
		}
		if !custindex.NameIndexed(q) {
			return
		}
		c := &domain.Customer{ID: "cus_fuzz", Name: q}
		found, err := custindex.Finds(q, c)
		if err != nil {
			t.Fatalf("query %q: %v", q, err)
		}
		if !found && hasTerms(q) {
			t.Fatalf("a customer named %q is not found by it", q)
		}
	})
}

// hasTerms reports whether q holds a letter or digit to search by.
func hasTerms(q string) bool {
	return strings.IndexFunc(domain.Fold(q), func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0
}

// indexedWhole reports whether an e-mail or a code is indexed as one word.
func indexedWhole(s string) bool { return !strings.Contains(domain.Fold(s), " ") }

// typedAsPhone reports whether s is written as people type phone numbers.
func typedAsPhone(s string) bool {
	return strings.Trim(s, "0123456789 +.-()") == "" && len(strings.Trim(s, " +.-()")) >= 4
}

// FuzzTokens: the index entries of any customer make keys DynamoDB takes
// (valid UTF-8, under 1 KB), fit its transaction, and find it by its
// name, e-mail, phone and code.
func FuzzTokens(f *testing.F) {
	f.Add("Nguyễn Văn An", "an@example.vn", "0912345678", "KH000001", int64(5))
	f.Add("", "", "", "", int64(0))
	f.Add(strings.Repeat("từ ", 100), strings.Repeat("a", 250)+"@x.vn", "0168 123 4567", "KH1", int64(-1))
	f.Add("\xff\x01\x00", "a b@c", "+1 650 253 0000", "kh 2", int64(1<<62))
	f.Fuzz(func(t *testing.T, name, email, phone, code string, revenue int64) {
		at := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
		c := &domain.Customer{ID: "cus_fuzz", Name: name, Email: email, Phone: phone, Code: code, Revenue: revenue, UpdatedAt: at}
		entries := custindex.Entries(c)
		if again := custindex.Entries(c); !slices.Equal(entries, again) {
			t.Fatal("entries differ between two calls")
		}
		ops := custindex.Ops("ws_fuzz", c.ID, nil, entries)
		if len(ops) > 40 {
			t.Fatalf("%d index ops for one customer", len(ops))
		}
		if again := custindex.Ops("ws_fuzz", c.ID, entries, entries); again != nil {
			t.Fatalf("ops between equal entries: %d", len(again))
		}
		for _, op := range ops {
			for _, k := range []string{op.Key.SK, op.Item.Index[0].PK, op.Item.Index[0].SK} {
				if !utf8.ValidString(k) || len(k) > 1024 {
					t.Fatalf("key %q", k)
				}
			}
			if !json.Valid(op.Item.Doc) {
				t.Fatalf("document %s", op.Item.Doc)
			}
		}
		if gone := custindex.Ops("ws_fuzz", c.ID, entries, nil); len(gone) != len(ops) {
			t.Fatalf("%d puts but %d deletes", len(ops), len(gone))
		}
		for _, q := range []string{name, code, email, phone} {
			switch {
			case !hasTerms(q),
				q == name && !custindex.NameIndexed(name),
				(q == email || q == code) && !indexedWhole(q),
				q == phone && !typedAsPhone(q):
				continue
			}
			found, err := custindex.Finds(q, c)
			if err != nil || !found {
				t.Fatalf("customer %q/%q/%q/%q not found by %q: %v", name, email, phone, code, q, err)
			}
		}
	})
}

// The worst write a customer's index can take (every word, tag, step and
// value replaced, and a new owner) stays under 80 operations, leaving the
// rest of DynamoDB's 100 items a transaction to the customer, its history
// and its duplicate claims.
func TestOpsFitATransaction(t *testing.T) {
	at := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	worst := func(p string) *domain.Customer {
		words := func(n int) string {
			var ws []string
			for i := range n {
				ws = append(ws, fmt.Sprintf("%s%d", p, i))
			}
			return strings.Join(ws, " ")
		}
		c := &domain.Customer{ID: "cus_1", Name: words(30), BusinessAddress: "b" + words(30), OfficeAddress: "o" + words(30),
			Code: p + "code", Email: p + "@example.vn", TaxCode: p + "0101", Phone: "0912" + fmt.Sprint(len(p)) + "45678",
			Revenue: int64(len(p)), LastCareAt: &at, NextAppointmentAt: &at, UpdatedAt: at.Add(time.Duration(len(p))),
			OwnerID: "usr_" + p, WarehouseID: "wh_" + p, Pipelines: map[string]string{}}
		for i := range 10 {
			c.Tags = append(c.Tags, fmt.Sprintf("%s-tag-%d", p, i))
		}
		for i := range 6 {
			c.Pipelines[fmt.Sprintf("pl_%d", i)] = p + "-step"
		}
		return c
	}
	before, after := worst("a"), worst("bb")
	after.Name = "Zz " + after.Name
	ops := custindex.Ops("ws_1", "cus_1", custindex.Entries(before), custindex.Entries(after))
	if len(ops) > 80 {
		t.Errorf("%d index operations in the worst write, want at most 80", len(ops))
	}
	t.Logf("%d index operations in the worst write", len(ops))
}
