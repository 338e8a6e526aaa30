package localrun_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"tend/internal/store"
	"tend/internal/timeline"
)

// Appointments wait for their reminder in one of the reminder index's
// shards, not in one key every workspace writes; the tick reminds of those
// of every shard, and of those booked before the shards, still in the
// unsharded key.
func TestAppointmentRemindersAreSharded(t *testing.T) {
	c := newCare(t)
	c.s.setClock(time.Date(2026, 11, 23, 9, 0, 0, 0, hcm))
	const n = 12
	for i := range n {
		cu := c.customer(fmt.Sprintf("Khách Hẹn %d", i), "", nil)
		c.owner.create("/v1/customers/"+cu+"/appointments", map[string]any{"at": time.Date(2026, 11, 23, 10, i, 0, 0, hcm),
			"title": fmt.Sprintf("Hẹn %d", i), "remind_before": "30m"})
	}
	ctx := context.Background()
	waiting := func(pk string) []store.Item {
		items, err := store.QueryAll(ctx, c.s.app.DB, store.Query{Index: store.GSI1, PK: pk, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		return items
	}
	if old := waiting("APPT#REMIND"); len(old) != 0 {
		t.Fatalf("%d appointments in the unsharded reminder key, want none", len(old))
	}
	var sharded []store.Item
	used := 0
	for shard := range timeline.ReminderShards {
		items := waiting(fmt.Sprintf("APPT#REMIND#%03d", shard))
		if len(items) > 0 {
			used++
		}
		sharded = append(sharded, items...)
	}
	if len(sharded) != n || used < 2 {
		t.Fatalf("%d appointments waiting over %d shards, want %d over several", len(sharded), used, n)
	}
	// An appointment booked before the shards waits in the unsharded key.
	old := sharded[0]
	old.Index[0].PK = "APPT#REMIND"
	if err := c.s.app.DB.Put(ctx, old, store.None); err != nil {
		t.Fatal(err)
	}

	c.s.setClock(time.Date(2026, 11, 23, 9, 45, 0, 0, hcm))
	c.drain()
	var inbox struct {
		Items []struct{ Kind, Title string } `json:"items"`
	}
	c.owner.do("GET", "/v1/notifications?limit=100", nil).ok(200).into(&inbox)
	reminded := map[string]int{}
	for _, it := range inbox.Items {
		if it.Kind == "appointment_reminder" {
			reminded[it.Title]++
		}
	}
	for i := range n {
		if title := fmt.Sprintf("Sắp đến lịch hẹn: Hẹn %d", i); reminded[title] != 1 {
			t.Errorf("%q reminded %d times, want once", title, reminded[title])
		}
	}
	if left := waiting("APPT#REMIND"); len(left) != 0 {
		t.Fatalf("%d appointments still waiting in the unsharded key after their reminder", len(left))
	}
}
