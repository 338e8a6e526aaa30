package localrun_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"tend/internal/domain"
)

// listSettings is a user's list settings as the API answers them.
type listSettings struct {
	Columns []string `json:"columns"`
	Sort    string   `json:"sort"`
	Limit   int      `json:"limit"`
	Default bool     `json:"default"`
}

// savedFilter is a saved filter as the API answers it.
type savedFilter struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Filter  []any  `json:"filter"`
	Q       string `json:"q"`
	Sort    string `json:"sort"`
	Shared  bool   `json:"shared"`
	OwnerID string `json:"owner_id"`
	Version int64  `json:"version"`
}

// messageOf returns the message of the problem's error at path.
func messageOf(t *testing.T, c *client, method, path string, body any, status int, at string) string {
	t.Helper()
	p := c.do(method, path, body).problem(status)
	if at == "" {
		return p.Detail
	}
	for _, e := range p.Errors {
		if e.Path == at {
			return e.Message
		}
	}
	t.Fatalf("%s %s: no error at %s: %+v", method, path, at, p.Errors)
	return ""
}

func TestListSettings(t *testing.T) {
	s := start(t, false)
	admin, _ := s.workspace("Công ty Danh Sách")
	admin.create("/v1/fields", map[string]any{"key": "hang", "label": "Hạng", "type": "select", "options": []string{"Vàng", "Bạc"}})
	staff := admin.user("Nhân Viên Một", "staff")

	// Without saved settings: the defaults, every field system then custom.
	var got listSettings
	staff.do("GET", "/v1/settings/list", nil).ok(200).into(&got)
	var want []string
	for _, f := range domain.SystemFields {
		want = append(want, f.Key)
	}
	want = append(want, "hang")
	if !got.Default || got.Sort != "-created_at" || got.Limit != 50 || !slices.Equal(got.Columns, want) {
		t.Fatalf("defaults = %+v, want every field %v, -created_at, 50", got, want)
	}

	t.Run("validation names each bad element", func(t *testing.T) {
		body := map[string]any{"columns": []string{"name", "mau_sac", "name"}, "sort": "-colour", "limit": 501}
		p := staff.do("PUT", "/v1/settings/list", body).problem(422)
		for _, e := range []struct{ path, code string }{
			{"columns[1]", "unknown_field"}, {"columns[2]", "duplicate"}, {"sort", "invalid_sort"}, {"limit", "invalid_limit"},
		} {
			hasError(t, p, e.path, e.code)
		}
		if len(p.Errors) != 4 {
			t.Fatalf("errors %+v, want exactly 4", p.Errors)
		}
		for lang, want := range map[string]string{"vi": `Không có trường "mau_sac".`, "en": `There is no field "mau_sac".`} {
			c := *staff
			c.lang = lang
			if msg := messageOf(t, &c, "PUT", "/v1/settings/list", body, 422, "columns[1]"); msg != want {
				t.Errorf("%s message %q, want %q", lang, msg, want)
			}
		}
		for _, tc := range []struct {
			body       any
			path, code string
		}{
			{map[string]any{}, "columns", "required"},
			{map[string]any{"columns": []string{}}, "columns", "required"},
			{map[string]any{"columns": "name"}, "columns", "expected_text_list"},
			{map[string]any{"columns": []string{"name"}, "limit": 0}, "limit", "invalid_limit"},
			{map[string]any{"columns": []string{"name"}, "limit": "20"}, "limit", "invalid_limit"},
			{map[string]any{"columns": []string{"name"}, "default": false}, "default", "read_only"},
			{map[string]any{"columns": []string{"name"}, "width": 3}, "width", "unknown_json_field"},
		} {
			p := staff.do("PUT", "/v1/settings/list", tc.body).problem(422)
			hasError(t, p, tc.path, tc.code)
		}
	})

	// Saved: the list uses the saved sort and page size.
	for _, n := range []string{"Chi", "An", "Bình", "Dũng", "Em"} {
		staff.createCustomer(map[string]any{"name": n, "owner_id": staff.userID})
	}
	staff.do("PUT", "/v1/settings/list", map[string]any{"columns": []string{"phone", "hang", "name"}, "sort": "name", "limit": 2}).ok(200).into(&got)
	if got.Default || got.Sort != "name" || got.Limit != 2 || !slices.Equal(got.Columns, []string{"phone", "hang", "name"}) {
		t.Fatalf("saved = %+v", got)
	}
	staff.do("GET", "/v1/settings/list", nil).ok(200).into(&got)
	if got.Default || got.Sort != "name" || got.Limit != 2 || !slices.Equal(got.Columns, []string{"phone", "hang", "name"}) {
		t.Fatalf("read back = %+v", got)
	}
	names := func(p customerPage) []string {
		out := []string{}
		for _, c := range p.Items {
			out = append(out, c.Name)
		}
		return out
	}
	page := staff.list("")
	if got := names(page); !slices.Equal(got, []string{"An", "Bình"}) || page.NextCursor == "" {
		t.Fatalf("list with saved settings = %v (cursor %q), want [An Bình] and more", got, page.NextCursor)
	}
	if got := names(staff.list("?cursor=" + page.NextCursor)); !slices.Equal(got, []string{"Chi", "Dũng"}) {
		t.Fatalf("next page = %v, want [Chi Dũng]", got)
	}
	// What the request names wins.
	if got := names(staff.list("?sort=-name&limit=3")); !slices.Equal(got, []string{"Em", "Dũng", "Chi"}) {
		t.Fatalf("explicit sort and limit = %v", got)
	}
	// A cursor from before the saved sort changed is refused, not continued
	// under the new order.
	staff.do("PUT", "/v1/settings/list", map[string]any{"columns": []string{"name"}, "sort": "-name"}).ok(200).into(&got)
	if got.Limit != 50 {
		t.Fatalf("limit left out = %d, want the default 50", got.Limit)
	}
	hasError(t, staff.do("GET", "/v1/customers?cursor="+page.NextCursor, nil).problem(422), "cursor", "invalid_cursor")
	if got := names(staff.list("")); !slices.Equal(got, []string{"Em", "Dũng", "Chi", "Bình", "An"}) {
		t.Fatalf("list under the new saved sort = %v", got)
	}

	// Settings are per user: the admin still has the defaults, and lists
	// newest first.
	admin.do("GET", "/v1/settings/list", nil).ok(200).into(&got)
	if !got.Default {
		t.Fatalf("admin's settings = %+v, want the defaults", got)
	}
	if got := names(admin.list("")); !slices.Equal(got, []string{"Em", "Dũng", "Bình", "An", "Chi"}) {
		t.Fatalf("admin's list = %v, want newest first", got)
	}

	// A removed custom field leaves the saved columns.
	staff.do("PUT", "/v1/settings/list", map[string]any{"columns": []string{"hang", "name"}}).ok(200)
	admin.do("DELETE", "/v1/fields/hang", nil).ok(204)
	staff.do("GET", "/v1/settings/list", nil).ok(200).into(&got)
	if !slices.Equal(got.Columns, []string{"name"}) {
		t.Fatalf("columns after the field was removed = %v, want [name]", got.Columns)
	}
}

func TestSavedFilters(t *testing.T) {
	s := start(t, false)
	admin, _ := s.workspace("Công ty Bộ Lọc")
	staff := admin.user("Nhân Viên Lan", "staff")
	other := admin.user("Nhân Viên Huệ", "staff")
	vip := [][]map[string]any{{{"field": "tags", "op": "has_any", "value": []string{"VIP"}}}}

	var mine savedFilter
	staff.do("POST", "/v1/saved-filters", map[string]any{"name": "Khách VIP", "filter": vip, "q": "hà nội", "sort": "-revenue"}).ok(201).into(&mine)
	if mine.ID == "" || mine.OwnerID != staff.userID || mine.Shared || mine.Q != "hà nội" || mine.Sort != "-revenue" || len(mine.Filter) != 1 {
		t.Fatalf("created %+v", mine)
	}

	t.Run("the filter is checked exactly as the list checks it", func(t *testing.T) {
		for _, bad := range []string{
			`[[{"field":"tags","op":"gt","value":3}]]`,
			`[[{"field":"mau_sac","op":"eq","value":"do"}]]`,
			`[[{"field":"birthday","op":"within_last_days","value":-1}],[]]`,
			`{"field":"name"}`,
		} {
			fromList := staff.do("GET", "/v1/customers?filter="+url.QueryEscape(bad), nil).problem(422)
			fromSaved := staff.do("POST", "/v1/saved-filters", `{"name":"x","filter":`+bad+`}`).problem(422)
			if len(fromList.Errors) == 0 || !slices.Equal(fromList.Errors, fromSaved.Errors) {
				t.Fatalf("filter %s: list says %+v, saved filter says %+v", bad, fromList.Errors, fromSaved.Errors)
			}
		}
		p := staff.do("POST", "/v1/saved-filters", map[string]any{"name": "x", "filter": [][]map[string]any{{{"field": "tags", "op": "gt", "value": 3}}}}).problem(422)
		hasError(t, p, "filter[0][0].op", "operator_not_allowed")
		for _, tc := range []struct {
			body       any
			path, code string
		}{
			{map[string]any{"filter": vip}, "name", "required"},
			{map[string]any{"name": strings.Repeat("a", 101)}, "name", "too_long"},
			{map[string]any{"name": "x", "sort": "colour"}, "sort", "invalid_sort"},
			{map[string]any{"name": "x", "filter": "[]"}, "filter", "not_condition_groups"},
			{map[string]any{"name": "x", "shared": "yes"}, "shared", "expected_boolean"},
			{map[string]any{"name": "x", "owner_id": admin.userID}, "owner_id", "read_only"},
			{map[string]any{"name": "x", "colour": "red"}, "colour", "unknown_json_field"},
		} {
			p := staff.do("POST", "/v1/saved-filters", tc.body).problem(422)
			hasError(t, p, tc.path, tc.code)
			if len(p.Errors) != 1 {
				t.Fatalf("%v: errors %+v, want one", tc.body, p.Errors)
			}
		}
	})

	t.Run("names are unique per user", func(t *testing.T) {
		for lang, want := range map[string]string{"vi": `Bạn đã có bộ lọc khác tên "khach vip".`, "en": `You already have another filter named "khach vip".`} {
			c := *staff
			c.lang = lang
			if msg := messageOf(t, &c, "POST", "/v1/saved-filters", map[string]any{"name": "khach vip"}, 409, ""); msg != want {
				t.Errorf("%s: %q, want %q", lang, msg, want)
			}
		}
		other.do("POST", "/v1/saved-filters", map[string]any{"name": "Khách VIP"}).ok(201)
		var second savedFilter
		staff.do("POST", "/v1/saved-filters", map[string]any{"name": "Mới"}).ok(201).into(&second)
		staff.do("PATCH", "/v1/saved-filters/"+second.ID, map[string]any{"name": "KHÁCH vip"}).problem(409)
		staff.do("PATCH", "/v1/saved-filters/"+second.ID, map[string]any{"name": "Mới hơn"}).ok(200)
		staff.do("POST", "/v1/saved-filters", map[string]any{"name": "Mới"}).ok(201) // the old name was freed
	})

	t.Run("only admins share, and shared filters are read-only to others", func(t *testing.T) {
		p := staff.do("POST", "/v1/saved-filters", map[string]any{"name": "Chung", "shared": true}).problem(403)
		if p.Code != "admin_only" {
			t.Fatalf("staff sharing: %s", p.Code)
		}
		staff.do("PATCH", "/v1/saved-filters/"+mine.ID, map[string]any{"shared": true}).problem(403)

		var shared savedFilter
		admin.do("POST", "/v1/saved-filters", map[string]any{"name": "Cả công ty", "filter": vip, "shared": true}).ok(201).into(&shared)
		for _, c := range []*client{staff, other} {
			var l struct{ Items []savedFilter }
			c.do("GET", "/v1/saved-filters", nil).ok(200).into(&l)
			if !slices.ContainsFunc(l.Items, func(f savedFilter) bool { return f.ID == shared.ID && f.Shared }) {
				t.Fatalf("shared filter not listed to a staff member: %+v", l.Items)
			}
			c.do("GET", "/v1/saved-filters/"+shared.ID, nil).ok(200)
			for lang, want := range map[string]string{"vi": "Bộ lọc dùng chung chỉ quản trị viên mới được sửa hoặc xóa.", "en": "Only admins can change or delete a shared filter."} {
				cl := *c
				cl.lang = lang
				if msg := messageOf(t, &cl, "PATCH", "/v1/saved-filters/"+shared.ID, map[string]any{"name": "Của tôi"}, 403, ""); msg != want {
					t.Errorf("%s: %q", lang, msg)
				}
			}
			c.do("DELETE", "/v1/saved-filters/"+shared.ID, nil).problem(403)
		}
		admin2 := admin.user("Quản Trị Hai", "admin")
		admin2.do("PATCH", "/v1/saved-filters/"+shared.ID, map[string]any{"q": "vip"}).ok(200)
		admin2.do("DELETE", "/v1/saved-filters/"+shared.ID, nil).ok(204)
		staff.do("GET", "/v1/saved-filters/"+shared.ID, nil).problem(404)
	})

	t.Run("a private filter is its owner's alone", func(t *testing.T) {
		for _, c := range []*client{other, admin} {
			c.do("GET", "/v1/saved-filters/"+mine.ID, nil).problem(404)
			c.do("PATCH", "/v1/saved-filters/"+mine.ID, map[string]any{"name": "Hacked"}).problem(404)
			c.do("DELETE", "/v1/saved-filters/"+mine.ID, nil).problem(404)
			var l struct{ Items []savedFilter }
			c.do("GET", "/v1/saved-filters", nil).ok(200).into(&l)
			if slices.ContainsFunc(l.Items, func(f savedFilter) bool { return f.ID == mine.ID }) {
				t.Fatalf("another user lists a private filter: %+v", l.Items)
			}
		}
	})

	t.Run("change and delete", func(t *testing.T) {
		var changed savedFilter
		staff.do("PATCH", "/v1/saved-filters/"+mine.ID, map[string]any{"filter": nil, "q": ""}).ok(200).into(&changed)
		if len(changed.Filter) != 0 || changed.Q != "" || changed.Name != "Khách VIP" || changed.Sort != "-revenue" || changed.Version != mine.Version+1 {
			t.Fatalf("changed %+v", changed)
		}
		staff.do("PATCH", "/v1/saved-filters/"+mine.ID, map[string]any{"version": mine.Version}).problem(409)
		staff.do("DELETE", "/v1/saved-filters/"+mine.ID, nil).ok(204)
		staff.do("GET", "/v1/saved-filters/"+mine.ID, nil).problem(404)
		staff.do("POST", "/v1/saved-filters", map[string]any{"name": "Khách VIP"}).ok(201) // its name was freed
	})
}
