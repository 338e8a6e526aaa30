package localrun_test

import (
	"testing"
	"time"

	"tend/internal/inbox"
	"tend/internal/store"
)

// Items stored before staff birthdays and inbox read state, in a runner's
// SQLite file: Chị Lan's birthday saved without its index key and the
// admin's notification without its unread key. The runner's first drain
// backfills them: the old notification reads as read at its own time, and
// is not counted; on 1 December Chị Lan's birthday is listed and the admin
// (she is in no team) told once, however many drains run.
func TestBackfillOfItemsStoredBefore(t *testing.T) {
	s := start(t, false)
	ctx := t.Context()
	admin, tenant := s.workspace("Công ty Cũ")
	lan := admin.user("Chị Lan", "staff")
	admin.do("PATCH", "/v1/users/"+lan.userID, map[string]any{"birthday": "1990-12-20"}).ok(200)
	db := s.app.DB
	it, err := db.Get(ctx, store.Key{PK: "T#" + tenant, SK: "USER#" + lan.userID})
	if err != nil {
		t.Fatal(err)
	}
	it.Index[1] = store.IndexKey{} // GSI2, the birthday index: as saved before it
	if err := db.Put(ctx, it, store.IfVersion(it.Version)); err != nil {
		t.Fatal(err)
	}
	oldAt := testEpoch.Add(-48 * time.Hour)
	old := inbox.Item(tenant, inbox.Notification{ID: "old", UserID: admin.userID, Kind: inbox.KindAssigned, Title: "Khách hàng mới", CustomerID: "cus_old", At: oldAt})
	old.Index = [4]store.IndexKey{} // as stored before read state
	if err := db.Put(ctx, old, store.NotExist); err != nil {
		t.Fatal(err)
	}
	unread := func() int {
		var me struct {
			Unread int `json:"unread_notifications"`
		}
		admin.do("GET", "/v1/me", nil).ok(200).into(&me)
		return me.Unread
	}

	s.drain()
	var p inboxPage
	admin.do("GET", "/v1/notifications", nil).ok(200).into(&p)
	if len(p.Items) != 1 || p.Items[0].ReadAt == nil || !p.Items[0].ReadAt.Equal(oldAt) {
		t.Fatalf("notifications %+v, want the old one read at %v", p.Items, oldAt)
	}
	if n := unread(); n != 0 {
		t.Fatalf("unread %d, want 0", n)
	}

	s.setClock(time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)) // 09:00 in Hồ Chí Minh City
	s.drain()
	s.drain()
	var l birthdayList
	admin.do("GET", "/v1/reminders/birthdays", nil).ok(200).into(&l)
	if len(l.Items) != 1 || l.Items[0].UserID != lan.userID || l.Items[0].DaysUntil != 19 {
		t.Fatalf("birthdays %+v, want Chị Lan in 19 days", l.Items)
	}
	if got := birthdayNotices(admin); len(got) != 1 || got[0] != "user:"+lan.userID+" Tháng này có sinh nhật của Chị Lan (20/12)" {
		t.Fatalf("admin told %q, want Chị Lan's birthday once", got)
	}
	if n := unread(); n != 1 {
		t.Fatalf("unread %d, want the notice alone", n)
	}
}
