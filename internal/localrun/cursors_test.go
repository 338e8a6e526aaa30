package localrun_test

import (
	"fmt"
	"net/url"
	"slices"
	"testing"
)

// pageThrough reads a list to its end, each page with the next of limits
// (the last one repeating), and returns the ids in order.
func pageThrough(t *testing.T, c *client, path string, limits ...int) []string {
	t.Helper()
	var got []string
	cursor := ""
	for i := 0; ; i++ {
		q := url.Values{"limit": {fmt.Sprint(limits[min(i, len(limits)-1)])}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		sep := "?"
		if u, _ := url.Parse(path); u.RawQuery != "" {
			sep = "&"
		}
		var page struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
			NextCursor string `json:"next_cursor"`
		}
		c.do("GET", path+sep+q.Encode(), nil).ok(200).into(&page)
		for _, it := range page.Items {
			got = append(got, it.ID)
		}
		if page.NextCursor == "" {
			return got
		}
		if i > 100 {
			t.Fatalf("GET %s: no end after %d pages", path, i)
		}
		cursor = page.NextCursor
	}
}

// A cursor continues only the list and query it came from: brought to
// another sort, text, filter, list, user or workspace it is refused rather
// than giving a wrong page. Only the page size may change between pages,
// and then pages neither repeat nor skip.
func TestCursorIsBoundToItsQuery(t *testing.T) {
	s := start(t, false)
	admin, _ := s.workspace("Công ty Trang")
	staff := admin.user("Chị Ngọc", "staff")
	for _, n := range []string{"Minh", "An", "Khoa", "Bình", "Lan", "Chi", "Hà", "Dũng", "Giang"} {
		admin.createCustomer(map[string]any{"name": n, "owner_id": staff.userID})
	}
	first := admin.list("?sort=name&limit=3")
	if len(first.Items) != 3 || first.NextCursor == "" {
		t.Fatalf("first page: %d items, cursor %q; want 3 and a cursor", len(first.Items), first.NextCursor)
	}
	cursor := url.QueryEscape(first.NextCursor)
	cu := first.Items[0].ID
	other := first.Items[1].ID
	for range 3 {
		admin.do("POST", "/v1/customers/"+cu+"/notes", map[string]string{"body": "Gọi lại"}).ok(201)
		admin.do("POST", "/v1/customers/"+other+"/notes", map[string]string{"body": "Gửi báo giá"}).ok(201)
	}
	var notes customerPage
	admin.do("GET", "/v1/customers/"+cu+"/notes?limit=2", nil).ok(200).into(&notes)
	if notes.NextCursor == "" {
		t.Fatal("notes: no cursor after 2 of 3")
	}
	notesCursor := url.QueryEscape(notes.NextCursor)
	otherWorkspace, _ := s.workspace("Công ty Khác")
	filter := url.QueryEscape(`[[{"field":"name","op":"contains","value":"n"}]]`)

	refused := []struct {
		name string
		c    *client
		path string
	}{
		{"another sort", admin, "/v1/customers?sort=-revenue&limit=3&cursor=" + cursor},
		{"no sort", admin, "/v1/customers?limit=3&cursor=" + cursor},
		{"another q", admin, "/v1/customers?sort=name&q=an&limit=3&cursor=" + cursor},
		{"another filter", admin, "/v1/customers?sort=name&filter=" + filter + "&limit=3&cursor=" + cursor},
		{"the trash", admin, "/v1/customers?sort=name&deleted=true&cursor=" + cursor},
		{"another workspace", otherWorkspace, "/v1/customers?sort=name&limit=3&cursor=" + cursor},
		{"another user", staff, "/v1/customers?sort=name&limit=3&cursor=" + cursor},
		{"another endpoint", admin, "/v1/customers/" + cu + "/history?cursor=" + cursor},
		{"another paged list", admin, "/v1/tasks?cursor=" + cursor},
		{"another customer's notes", admin, "/v1/customers/" + other + "/notes?limit=2&cursor=" + notesCursor},
		{"another sub-list", admin, "/v1/customers/" + cu + "/activities?limit=2&cursor=" + notesCursor},
		{"a cursor made up", admin, "/v1/customers?sort=name&cursor=" + url.QueryEscape(first.NextCursor[1:])},
	}
	for _, r := range refused {
		p := r.c.do("GET", r.path, nil).problem(422)
		if p.Code != "validation_failed" || len(p.Errors) != 1 || p.Errors[0].Path != "cursor" || p.Errors[0].Code != "invalid_cursor" ||
			p.Errors[0].Message != "Con trỏ phân trang không hợp lệ." {
			t.Errorf("%s: GET %s: got %s %+v, want validation_failed with cursor invalid_cursor", r.name, r.path, p.Code, p.Errors)
		}
	}

	// The same query with another page size goes on where the page ended.
	for _, q := range []string{"?sort=name", "?sort=-revenue", "", "?sort=name&q=n"} {
		var all customerPage
		admin.do("GET", "/v1/customers"+q+func() string {
			if q == "" {
				return "?limit=500"
			}
			return "&limit=500"
		}(), nil).ok(200).into(&all)
		want := ids(all.Items)
		if got := pageThrough(t, admin, "/v1/customers"+q, 3, 2, 4, 1); !slices.Equal(got, want) {
			t.Errorf("GET /v1/customers%s paged with limits 3, 2, 4, 1: %v, want %v", q, got, want)
		}
	}
	var allNotes customerPage
	admin.do("GET", "/v1/customers/"+cu+"/notes?limit=500", nil).ok(200).into(&allNotes)
	if got := pageThrough(t, admin, "/v1/customers/"+cu+"/notes", 2, 1); !slices.Equal(got, ids(allNotes.Items)) || len(got) != 3 {
		t.Errorf("notes paged with limits 2, 1: %v, want %v", got, ids(allNotes.Items))
	}
}
