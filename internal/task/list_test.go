package task_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"tend/internal/domain"
	"tend/internal/task"
	"tend/internal/workspace"
)

func TestList(t *testing.T) {
	w := newWorld(t, "vi")
	cu := w.customer("Chị Lan", "assignee")
	made := map[string]string{} // title → id
	for _, b := range []struct{ title, by, assignee, status, customer string }{
		{"t1", "admin", "assignee", "open", cu.ID},
		{"t2", "creator", "assignee", "done", ""},
		{"t3", "admin", "related", "open", cu.ID},
		{"t4", "creator", "stranger", "in_progress", ""},
		{"t5", "admin", "assignee", "in_progress", cu.ID},
		{"t6", "admin", "creator", "open", ""},
	} {
		tk := w.create(b.by, fmt.Sprintf(`{"title":%q,"assignee_id":%q,"status":%q,"customer_id":%q}`, b.title, w.id(b.assignee), b.status, b.customer))
		made[b.title] = tk.ID
	}
	tests := []struct {
		name   string
		caller string
		filter task.Filter
		want   []string // titles, newest first
	}{
		{"admin sees all", "admin", task.Filter{}, []string{"t6", "t5", "t4", "t3", "t2", "t1"}},
		{"staff sees their own", "assignee", task.Filter{}, []string{"t5", "t2", "t1"}},
		{"staff by status", "assignee", task.Filter{Status: "in_progress"}, []string{"t5"}},
		{"admin by status", "admin", task.Filter{Status: "open"}, []string{"t6", "t3", "t1"}},
		{"admin by assignee and status", "admin", task.Filter{AssigneeID: w.id("assignee"), Status: "open"}, []string{"t1"}},
		{"by customer", "admin", task.Filter{CustomerID: cu.ID}, []string{"t5", "t3", "t1"}},
		{"by customer and status", "admin", task.Filter{CustomerID: cu.ID, Status: "open"}, []string{"t3", "t1"}},
		{"owner by customer, only what they may see", "assignee", task.Filter{CustomerID: cu.ID}, []string{"t5", "t1"}},
		{"creator by another assignee", "creator", task.Filter{AssigneeID: w.id("stranger")}, []string{"t4"}},
		{"creator by an assignee they gave nothing", "creator", task.Filter{AssigneeID: w.id("related")}, nil},
		{"leader by team member", "leader", task.Filter{AssigneeID: w.id("assignee")}, []string{"t5", "t2", "t1"}},
		{"leader's own", "leader", task.Filter{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Page by 2 to go through the cursor too.
			got, pages := listAll(t, w, w.as(tt.caller), tt.filter, 2)
			var titles []string
			for _, tk := range got {
				titles = append(titles, title(made, tk.ID))
			}
			if !slices.Equal(titles, tt.want) {
				t.Errorf("titles = %v, want %v", titles, tt.want)
			}
			if want := max(1, (len(tt.want)+1)/2); pages > want+1 {
				t.Errorf("%d pages for %d tasks", pages, len(tt.want))
			}
		})
	}
}

// listAll reads every page of a list.
func listAll(t *testing.T, w *world, c *workspace.Caller, f task.Filter, limit int) ([]*task.Task, int) {
	t.Helper()
	var all []*task.Task
	f.Limit = limit
	for pages := 1; ; pages++ {
		page, err := w.tasks.List(t.Context(), c, f)
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Items) > limit {
			t.Fatalf("page of %d, limit %d", len(page.Items), limit)
		}
		all = append(all, page.Items...)
		if page.NextCursor == "" {
			return all, pages
		}
		if pages > 50 {
			t.Fatal("the cursor never ends")
		}
		f.Cursor = page.NextCursor
	}
}

func title(made map[string]string, id string) string {
	for k, v := range made {
		if v == id {
			return k
		}
	}
	return id
}

func TestListRefusals(t *testing.T) {
	w := newWorld(t, "vi")
	hidden := w.customer("Khách ẩn", "stranger")
	w.create("admin", `{"title":"x","assignee_id":"`+w.id("assignee")+`"}`)
	tests := []struct {
		name   string
		caller string
		filter task.Filter
		kind   error
		want   []string
	}{
		{"bad cursor", "admin", task.Filter{Cursor: "not-a-cursor"}, domain.ErrInvalid, []string{"cursor:invalid_cursor"}},
		{"bad status", "admin", task.Filter{Status: "later"}, domain.ErrInvalid, []string{"status:invalid_value"}},
		{"unknown assignee", "admin", task.Filter{AssigneeID: "usr_nobody"}, domain.ErrInvalid, []string{"assignee_id:unknown_user"}},
		{"customer out of sight", "assignee", task.Filter{CustomerID: hidden.ID}, domain.ErrNotFound, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := w.tasks.List(t.Context(), w.as(tt.caller), tt.filter)
			if !errors.Is(err, tt.kind) {
				t.Fatalf("err = %v, want %v", err, tt.kind)
			}
			if got := fields(err); !slices.Equal(got, tt.want) {
				t.Errorf("problems = %v, want %v", got, tt.want)
			}
		})
	}
	// A cursor of one list is refused by another.
	w.create("admin", `{"title":"y","assignee_id":"`+w.id("assignee")+`"}`)
	page, err := w.tasks.List(t.Context(), w.as("admin"), task.Filter{Limit: 1})
	if err != nil || page.NextCursor == "" {
		t.Fatalf("page %+v, %v", page, err)
	}
	_, err = w.tasks.List(t.Context(), w.as("assignee"), task.Filter{Cursor: page.NextCursor})
	if !slices.Equal(fields(err), []string{"cursor:invalid_cursor"}) {
		t.Errorf("foreign cursor: err = %v", err)
	}
}
