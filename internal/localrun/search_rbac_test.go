package localrun_test

import (
	"net/url"
	"slices"
	"testing"
)

// A staff member's search, count and list never show another's
// customers, through the search index that holds the whole workspace;
// a lookup shows every customer of the workspace (and none of another
// workspace) but only their code, name and owner. An admin's search sees
// their whole workspace and nothing of another.
func TestSearchKeepsToWhatTheCallerMaySee(t *testing.T) {
	s := start(t, false)
	admin, _ := s.workspace("Công ty Một")
	one := admin.user("Nhân Viên Một", "staff")
	two := admin.user("Nhân Viên Hai", "staff")
	mine := one.createCustomer(map[string]any{"name": "Nguyễn Thị Mai", "phone": "0911000001", "email": "mai@mot.vn"})
	theirs := two.createCustomer(map[string]any{"name": "Nguyễn Văn Mạnh", "phone": "0911000002", "email": "manh@mot.vn"})
	otherAdmin, _ := s.workspace("Công ty Khác")
	stranger := otherAdmin.createCustomer(map[string]any{"name": "Nguyễn Thị Mai", "phone": "0911000001", "email": "mai@mot.vn"})

	for _, q := range []string{"nguyen", "ngu", "0911", "mai", "mai@mot.vn", "manh"} {
		got := ids(one.list("?q=" + url.QueryEscape(q)).Items)
		if slices.Contains(got, theirs.ID) || slices.Contains(got, stranger.ID) {
			t.Errorf("staff search %q shows another's customer: %v", q, got)
		}
		if q != "manh" && !slices.Contains(got, mine.ID) {
			t.Errorf("staff search %q misses their own customer: %v", q, got)
		}
		for _, sort := range []string{"name", "-revenue"} {
			if got := ids(one.list("?q=" + url.QueryEscape(q) + "&sort=" + sort).Items); slices.Contains(got, theirs.ID) || slices.Contains(got, stranger.ID) {
				t.Errorf("staff search %q sorted by %s shows another's customer: %v", q, sort, got)
			}
		}
		got = ids(admin.list("?q=" + url.QueryEscape(q)).Items)
		if slices.Contains(got, stranger.ID) {
			t.Errorf("admin search %q shows another workspace's customer: %v", q, got)
		}
	}
	var n struct{ Count int }
	one.do("GET", "/v1/customers/count?q=nguyen", nil).ok(200).into(&n)
	if n.Count != 1 {
		t.Errorf("staff count of nguyen = %d, want their 1", n.Count)
	}
	admin.do("GET", "/v1/customers/count?q=nguyen", nil).ok(200).into(&n)
	if n.Count != 2 {
		t.Errorf("admin count of nguyen = %d, want the workspace's 2", n.Count)
	}

	var found struct {
		Items []map[string]any `json:"items"`
	}
	one.do("GET", "/v1/lookup?q=nguyen", nil).ok(200).into(&found)
	visible := map[any]any{}
	for _, it := range found.Items {
		for k := range it {
			if !slices.Contains([]string{"id", "code", "name", "owner", "visible"}, k) {
				t.Errorf("lookup shows %q of a customer: %v", k, it)
			}
		}
		visible[it["id"]] = it["visible"]
	}
	if len(visible) != 2 || visible[mine.ID] != true || visible[theirs.ID] != false {
		t.Errorf("lookup of nguyen: %v, want their own (visible) and their colleague's (not)", found.Items)
	}
}
