package inbox_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"tend/internal/domain"
	"tend/internal/inbox"
	"tend/internal/store"
	"tend/internal/tendtest"
	"tend/internal/workspace"
)

type box struct {
	t      testing.TB
	w      *tendtest.World
	svc    *inbox.Service
	caller *workspace.Caller
}

func newBox(t testing.TB) *box {
	w := tendtest.MustOpen(t, tendtest.Options{})
	u := w.User("Nhân viên", domain.RoleStaff)
	return &box{t: t, w: w, svc: inbox.New(w.DB).WithClock(w.Clock), caller: w.SignIn(u)}
}

// write writes notification i as its writers do: an item of a transaction.
func (b *box) write(ctx context.Context, i int, at time.Time) error {
	n := inbox.Notification{ID: fmt.Sprintf("ntf_%04d", i), UserID: b.caller.User.ID, Kind: inbox.KindTaskAssigned,
		Title: "Việc", TaskID: fmt.Sprintf("tsk_%d", i), At: at}
	return b.w.DB.Transact(ctx, []store.TxOp{store.TxPut(inbox.Item(b.caller.Tenant(), n), store.None)})
}

// recount reads the whole inbox and counts the unread notifications, and
// checks that each is in the unread index exactly while it is unread.
func (b *box) recount() int {
	b.t.Helper()
	unread := 0
	for cursor := ""; ; {
		page, err := b.svc.Views(b.t.Context(), b.caller, false, 500, cursor)
		if err != nil {
			b.t.Fatal(err)
		}
		for _, v := range page.Items {
			if v.ReadAt == nil {
				unread++
			}
		}
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	listed := 0
	for cursor := ""; ; {
		page, err := b.svc.Views(b.t.Context(), b.caller, true, 500, cursor)
		if err != nil {
			b.t.Fatal(err)
		}
		for _, v := range page.Items {
			if v.ReadAt != nil {
				b.t.Errorf("%s is listed unread but was read at %v", v.ID, v.ReadAt)
			}
		}
		listed += len(page.Items)
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	if listed != unread {
		b.t.Errorf("%d notifications listed unread, %d unread in the inbox", listed, unread)
	}
	return unread
}

func (b *box) unread() int {
	b.t.Helper()
	n, err := b.svc.Unread(b.t.Context(), b.caller.Tenant(), b.caller.User.ID)
	if err != nil {
		b.t.Fatal(err)
	}
	return n
}

// Read-all racing new notifications, single reads and a writer's retried
// transaction (the same items written again) leaves the unread count equal
// to a recount of the inbox, and read state and unread index in step.
func TestReadAllRacingWritesAndReadsKeepsTheCount(t *testing.T) {
	b := newBox(t)
	ctx := t.Context()
	base := b.w.Clock.Now()
	const before, during = 250, 200 // more than one page of read-all
	for i := range before {
		if err := b.write(ctx, i, base.Add(-time.Duration(i)*time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	wg.Add(4)
	go func() { // new notifications, half dated after read-all's start
		defer wg.Done()
		for i := range during {
			at := base.Add(time.Duration(i%2*2-1) * time.Duration(i+1) * time.Millisecond)
			if err := b.write(ctx, before+i, at); err != nil {
				errs <- err
				return
			}
		}
	}()
	go func() { // a writer's transaction retried: the first notifications again
		defer wg.Done()
		for i := range 50 {
			if err := b.write(ctx, i, base.Add(-time.Duration(i)*time.Second)); err != nil {
				errs <- err
				return
			}
		}
	}()
	go func() { // single reads of what is listed unread
		defer wg.Done()
		for range 5 {
			page, err := b.svc.Views(ctx, b.caller, true, 40, "")
			if err != nil {
				errs <- err
				return
			}
			for _, v := range page.Items {
				if _, err := b.svc.MarkRead(ctx, b.caller, v.ID); err != nil {
					errs <- err
					return
				}
			}
		}
	}()
	go func() {
		defer wg.Done()
		for range 3 {
			if _, err := b.svc.ReadAll(ctx, b.caller); err != nil {
				errs <- err
				return
			}
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if got, want := b.unread(), b.recount(); got != want {
		t.Fatalf("unread count %d, recount %d", got, want)
	}
	b.w.Clock.(*tendtest.Clock).Set(base.Add(time.Second))
	if _, err := b.svc.ReadAll(ctx, b.caller); err != nil {
		t.Fatal(err)
	}
	if got, re := b.unread(), b.recount(); got != 0 || re != 0 {
		t.Fatalf("after a last read-all: count %d, recount %d, want 0", got, re)
	}
}

// Read-all marks what had arrived when it started and leaves later
// notifications unread; a read is idempotent; another user's id and a
// made-up one are not found.
func TestReadAllAndMarkRead(t *testing.T) {
	b := newBox(t)
	ctx := t.Context()
	now := b.w.Clock.Now()
	for i, at := range []time.Time{now.Add(-time.Hour), now.Add(-time.Minute), now, now.Add(time.Minute)} {
		if err := b.write(ctx, i, at); err != nil {
			t.Fatal(err)
		}
	}
	if n := b.unread(); n != 4 {
		t.Fatalf("unread %d, want 4", n)
	}
	marked, err := b.svc.ReadAll(ctx, b.caller)
	if err != nil || marked != 3 {
		t.Fatalf("read-all marked %d (%v), want the 3 that had arrived", marked, err)
	}
	page, err := b.svc.Views(ctx, b.caller, true, 10, "")
	if err != nil || len(page.Items) != 1 || page.Items[0].Notification.ID != "ntf_0003" {
		t.Fatalf("unread after read-all: %+v (%v), want ntf_0003 alone", page, err)
	}
	later := page.Items[0]
	if later.Subject != (inbox.Subject{Type: inbox.SubjectTask, ID: "tsk_3"}) {
		t.Fatalf("subject %+v, want the task", later.Subject)
	}
	first, err := b.svc.MarkRead(ctx, b.caller, later.ID)
	if err != nil || first.ReadAt == nil || !first.ReadAt.Equal(now) {
		t.Fatalf("read: %+v, %v", first, err)
	}
	b.w.Clock.(*tendtest.Clock).Set(now.Add(time.Hour))
	again, err := b.svc.MarkRead(ctx, b.caller, later.ID)
	if err != nil || !again.ReadAt.Equal(*first.ReadAt) {
		t.Fatalf("read again: %+v, %v; want the first read_at kept", again, err)
	}
	other := b.w.SignIn(b.w.User("Người khác", domain.RoleStaff))
	for _, id := range []string{later.ID, "nope", "", "!!!"} {
		if _, err := b.svc.MarkRead(ctx, other, id); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("another user reads %q: %v, want not found", id, err)
		}
	}
	if n := b.unread(); n != 0 {
		t.Fatalf("unread %d, want 0", n)
	}
}
