package localrun_test

import (
	"testing"
)

func unreadCount(c *client) int {
	c.t.Helper()
	var me struct {
		Unread int `json:"unread_notifications"`
	}
	c.do("GET", "/v1/me", nil).ok(200).into(&me)
	return me.Unread
}

func inboxOf(c *client, query string) inboxPage {
	c.t.Helper()
	var p inboxPage
	c.do("GET", "/v1/notifications"+query, nil).ok(200).into(&p)
	return p
}

// Read state through the API: the unread count in /v1/me follows reads,
// read-all and notifications arriving after it; a read is idempotent; a
// user sees and reads only their own notifications.
func TestInboxReadState(t *testing.T) {
	s := start(t, false)
	admin, _ := s.workspace("Công ty Hộp Thư")
	staff := admin.user("Nhân Viên", "staff")
	peer := admin.user("Đồng Nghiệp", "staff")
	assign := func(to *client, title string) string {
		return admin.create("/v1/tasks", map[string]any{"title": title, "assignee_id": to.userID})
	}
	tasks := []string{assign(staff, "Việc 1"), assign(staff, "Việc 2"), assign(staff, "Việc 3")}
	assign(peer, "Việc của người khác")
	if n := unreadCount(staff); n != 3 {
		t.Fatalf("unread %d, want 3", n)
	}
	all := inboxOf(staff, "")
	if len(all.Items) != 3 {
		t.Fatalf("staff sees %d notifications, want their 3", len(all.Items))
	}
	for i, n := range all.Items { // newest first
		if n.Kind != "task_assigned" || n.Subject.Type != "task" || n.Subject.ID != tasks[2-i] || n.ReadAt != nil {
			t.Fatalf("notification %d: %+v, want unread, about task %s", i, n, tasks[2-i])
		}
	}
	// One read: the count drops by one; reading again changes nothing.
	var read struct {
		ID     string `json:"id"`
		ReadAt string `json:"read_at"`
	}
	staff.do("POST", "/v1/notifications/"+all.Items[0].ID+"/read", nil).ok(200).into(&read)
	var again struct {
		ReadAt string `json:"read_at"`
	}
	staff.do("POST", "/v1/notifications/"+all.Items[0].ID+"/read", nil).ok(200).into(&again)
	if read.ID != all.Items[0].ID || read.ReadAt == "" || again.ReadAt != read.ReadAt {
		t.Fatalf("read %+v, again %+v: want the same read_at", read, again)
	}
	if n := unreadCount(staff); n != 2 {
		t.Fatalf("unread %d after a read, want 2", n)
	}
	if got := inboxOf(staff, "?unread=true"); len(got.Items) != 2 || got.Items[0].ID != all.Items[1].ID {
		t.Fatalf("unread list %+v, want the two others", got.Items)
	}
	// Another user's notification is not found, for them and for an admin;
	// the problem names a notification in the caller's language.
	if p := peer.do("POST", "/v1/notifications/"+all.Items[1].ID+"/read", nil).problem(404); p.Detail != "Không tìm thấy thông báo." {
		t.Fatalf("peer reads staff's notification: %q", p.Detail)
	}
	if p := admin.with("Accept-Language", "en").do("POST", "/v1/notifications/nope/read", nil).problem(404); p.Detail != "No such notification." {
		t.Fatalf("unknown id: %q", p.Detail)
	}
	if n := unreadCount(staff); n != 2 {
		t.Fatalf("unread %d after others' tries, want still 2", n)
	}
	if got := inboxOf(peer, ""); len(got.Items) != 1 || got.Items[0].Subject.ID == tasks[0] {
		t.Fatalf("peer sees %+v, want only their own", got.Items)
	}
	// Read-all, then a new notification: only it is unread.
	var res struct {
		Marked int `json:"marked"`
		Unread int `json:"unread_notifications"`
	}
	staff.do("POST", "/v1/notifications/read-all", nil).ok(200).into(&res)
	if res.Marked != 2 || res.Unread != 0 {
		t.Fatalf("read-all: %+v, want 2 marked, 0 left", res)
	}
	fourth := assign(staff, "Việc 4")
	if n := unreadCount(staff); n != 1 {
		t.Fatalf("unread %d after a new task, want 1", n)
	}
	if got := inboxOf(staff, "?unread=true"); len(got.Items) != 1 || got.Items[0].Subject.ID != fourth {
		t.Fatalf("unread list %+v, want the new task's alone", got.Items)
	}
	if n := unreadCount(peer); n != 1 {
		t.Fatalf("peer's unread %d, want their own 1 (staff's reads are not theirs)", n)
	}
	// A bad filter is refused with its path.
	p := staff.do("GET", "/v1/notifications?unread=yes", nil).problem(422)
	if len(p.Errors) != 1 || p.Errors[0].Path != "unread" || p.Errors[0].Message != "Giá trị phải là true hoặc false." {
		t.Fatalf("bad unread: %+v", p.Errors)
	}
}
