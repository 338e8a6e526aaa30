package awspath_test

import (
	"testing"
	"time"

	"tend/internal/workspace"
)

// Staff birthdays on AWS (moto): a colleague's birthday set through the
// services reaches the birthday index in DynamoDB; the scheduler function's
// ticks tell her team (here, as she is in no team, the admin) once, however
// many run; the api function lists her birthday, counts the notice unread
// in /v1/me, and marks it read.
func TestBirthdayNoticeOnTheAWSPath(t *testing.T) {
	s := deploy(t, time.Date(2026, 12, 1, 9, 0, 0, 0, hanoi), nil)
	spa := openSpa(t, s)
	_, err := spa.svc.Workspaces.UpdateUser(t.Context(), spa.admin, spa.staff.ID, decode[workspace.UserInput](t, `{"birthday":"1990-12-20"}`))
	must(t, err)
	s.tick()
	s.tick()
	s.settle()

	var list struct {
		Items []struct {
			UserID    string `json:"user_id"`
			DaysUntil int    `json:"days_until"`
		} `json:"items"`
	}
	if status := s.apiCall("GET", "/v1/reminders/birthdays", "", &list); status != 200 || len(list.Items) != 1 ||
		list.Items[0].UserID != spa.staff.ID || list.Items[0].DaysUntil != 19 {
		t.Fatalf("birthdays: %d %+v, want Chị Lan in 19 days", status, list.Items)
	}
	var inbox struct {
		Items []struct {
			ID      string `json:"id"`
			Kind    string `json:"kind"`
			Title   string `json:"title"`
			Subject struct{ Type, ID string }
		} `json:"items"`
	}
	if status := s.apiCall("GET", "/v1/notifications?unread=true", "", &inbox); status != 200 || len(inbox.Items) != 1 {
		t.Fatalf("admin's unread notifications: %d %+v, want the one birthday notice", status, inbox.Items)
	}
	n := inbox.Items[0]
	if n.Kind != "staff_birthday" || n.Subject.Type != "user" || n.Subject.ID != spa.staff.ID || n.Title != "Tháng này có sinh nhật của Chị Lan (20/12)" {
		t.Fatalf("notice %+v", n)
	}
	unread := func() int {
		var me struct {
			Unread int `json:"unread_notifications"`
		}
		if status := s.apiCall("GET", "/v1/me", "", &me); status != 200 {
			t.Fatalf("me: %d", status)
		}
		return me.Unread
	}
	if u := unread(); u != 1 {
		t.Fatalf("unread %d, want 1", u)
	}
	var read struct {
		ReadAt *time.Time `json:"read_at"`
	}
	if status := s.apiCall("POST", "/v1/notifications/"+n.ID+"/read", "", &read); status != 200 || read.ReadAt == nil {
		t.Fatalf("read: %d %+v", status, read)
	}
	if u := unread(); u != 0 {
		t.Fatalf("unread %d after reading, want 0", u)
	}
	s.tick()
	if u := unread(); u != 0 {
		t.Fatalf("unread %d after another tick, want 0: told twice", u)
	}
}
