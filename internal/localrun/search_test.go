package localrun_test

import (
	"net/url"
	"slices"
	"testing"
)

// q finds customers through the search index, written in each customer's
// own transaction: by any word of the name without accents or case, by a
// word's prefix, by the phone in any form or its last digits, by the
// email whole or before @, by the code; several words must all match. The
// count of a query is the number of its matches.
func TestSearchFindsCustomersEveryWayTheyAreTyped(t *testing.T) {
	s := start(t, false)
	admin, _ := s.workspace("Công ty Tìm")
	an := admin.createCustomer(map[string]any{"name": "Nguyễn Văn Ân", "phone": "0912 345 678", "email": "an.nguyen@congty.vn"})
	binh := admin.createCustomer(map[string]any{"name": "Trần Thị Bình", "phone": "+84 987 654 321", "email": "binh@khac.vn"})
	cuong := admin.createCustomer(map[string]any{"name": "Lê Văn Cường", "phone": "0168 123 4567"}) // a legacy 11-digit number
	admin.createCustomer(map[string]any{"name": "Phạm Ngữ", "email": "ngu@pham.vn"})
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"nguyen", []string{an.ID}},
		{"NGUYỄN", []string{an.ID}},
		{"an", []string{an.ID}},
		{"ngu", []string{an.ID, "Phạm Ngữ"}},
		{"van", []string{an.ID, cuong.ID}},
		{"van cuong", []string{cuong.ID}},
		{"tran binh", []string{binh.ID}},
		{"0912345678", []string{an.ID}},
		{"0912 345 678", []string{an.ID}},
		{"+84912345678", []string{an.ID}},
		{"84912345678", []string{an.ID}},
		{"5678", []string{an.ID}},
		{"654321", []string{binh.ID}},
		{"01681234567", []string{cuong.ID}},
		{"0381234567", []string{cuong.ID}},
		{"an.nguyen@congty.vn", []string{an.ID}},
		{"an.nguyen", []string{an.ID}},
		{"binh@khac.vn", []string{binh.ID}},
		{an.Code, []string{an.ID}},
		{"khong co ai", nil},
	} {
		page := admin.list("?q=" + url.QueryEscape(tc.q))
		got := namesOrIDs(page.Items, tc.want)
		if !sameSet(got, tc.want) || page.NextCursor != "" {
			t.Errorf("q=%q found %v (next %q), want %v", tc.q, got, page.NextCursor, tc.want)
		}
		var n struct{ Count int }
		admin.do("GET", "/v1/customers/count?q="+url.QueryEscape(tc.q), nil).ok(200).into(&n)
		if n.Count != len(tc.want) {
			t.Errorf("count q=%q = %d, want %d", tc.q, n.Count, len(tc.want))
		}
	}
}

// namesOrIDs names each found customer by its id, or by its name when want
// names it so.
func namesOrIDs(cs []customer, want []string) []string {
	out := []string{}
	for _, c := range cs {
		if slices.Contains(want, c.Name) {
			out = append(out, c.Name)
		} else {
			out = append(out, c.ID)
		}
	}
	return out
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b) || (len(a) == 0 && len(b) == 0)
}
