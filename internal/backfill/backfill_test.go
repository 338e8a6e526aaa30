package backfill_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"tend/internal/backfill"
	"tend/internal/birthday"
	"tend/internal/domain"
	"tend/internal/inbox"
	"tend/internal/store"
	"tend/internal/store/faultstore"
	"tend/internal/tendtest"
	"tend/internal/workspace"
)

// jobs is the jobs queue: the messages sent, in order.
type jobs struct {
	mu   sync.Mutex
	sent [][]byte
}

func (q *jobs) Send(_ context.Context, body []byte, _ time.Duration) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.sent = append(q.sent, body)
	return nil
}

func (q *jobs) take() ([]byte, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.sent) == 0 {
		return nil, false
	}
	body := q.sent[0]
	q.sent = q.sent[1:]
	return body, true
}

// reads counts the store's single-item reads and queries (a tick's cost).
type reads struct {
	store.Store
	mu sync.Mutex
	n  int
}

func (r *reads) Get(ctx context.Context, k store.Key) (store.Item, error) {
	r.count()
	return r.Store.Get(ctx, k)
}

func (r *reads) Query(ctx context.Context, q store.Query) (store.Page, error) {
	r.count()
	return r.Store.Query(ctx, q)
}

func (r *reads) count() {
	r.mu.Lock()
	r.n++
	r.mu.Unlock()
}

func (r *reads) take() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := r.n
	r.n = 0
	return n
}

// fixture is a workspace whose items were partly stored before issue 14:
// Lan (active, born on 20/12) and Bình (inactive, born on 3/12) were saved
// without a birthday index key, the admin has three notifications without
// an unread key (read_at null) and one written since, unread; Minh's
// birthday (5/12) was saved since, with its key.
type fixture struct {
	t           *testing.T
	w           *tendtest.World
	clock       *tendtest.Clock
	reads       *reads
	faults      func(faultstore.Write) faultstore.Fault
	q           *jobs
	svc         *backfill.Service
	lan, binh   *domain.User
	minh        *domain.User
	tenant      string
	old         []inbox.Notification
	newerUnread inbox.Notification
}

var epoch = time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)

func newFixture(t *testing.T) *fixture {
	clock := tendtest.NewClock(epoch)
	w := tendtest.MustOpen(t, tendtest.Options{Name: "Công ty Cũ", Clock: clock})
	f := &fixture{t: t, w: w, clock: clock, q: &jobs{}, tenant: w.AdminUser.TenantID}
	f.lan = f.userBornOn("Chị Lan", "1990-12-20")
	f.binh = f.userBornOn("Anh Bình", "1988-12-03")
	inactive := false
	if _, err := w.Workspaces.UpdateUser(t.Context(), w.Admin(), f.binh.ID, workspace.UserInput{Active: &inactive}); err != nil {
		t.Fatal(err)
	}
	f.minh = f.userBornOn("Anh Minh", "1992-12-05")
	for _, u := range []*domain.User{f.lan, f.binh} {
		f.storeAsBefore(u.ID)
	}
	admin := w.AdminUser.ID
	for i, at := range []time.Time{epoch.Add(-72 * time.Hour), epoch.Add(-48 * time.Hour), epoch.Add(-time.Hour)} {
		n := inbox.Notification{ID: "old" + string(rune('a'+i)), UserID: admin, Kind: inbox.KindAssigned, Title: "Khách hàng mới", At: at}
		it := inbox.Item(f.tenant, n)
		it.Index = [4]store.IndexKey{} // as stored before read state
		if err := w.DB.Put(t.Context(), it, store.NotExist); err != nil {
			t.Fatal(err)
		}
		f.old = append(f.old, n)
	}
	f.newerUnread = inbox.Notification{ID: "newer", UserID: admin, Kind: inbox.KindAssigned, Title: "Khách hàng mới", At: epoch.Add(-time.Minute)}
	if err := w.DB.Put(t.Context(), inbox.Item(f.tenant, f.newerUnread), store.NotExist); err != nil {
		t.Fatal(err)
	}
	f.reads = &reads{Store: faultstore.New(w.DB, func(wr faultstore.Write) faultstore.Fault {
		if f.faults == nil {
			return faultstore.None
		}
		return f.faults(wr)
	})}
	f.svc = backfill.New(f.reads, f.q, clock, slog.New(slog.DiscardHandler))
	return f
}

func (f *fixture) userBornOn(name, day string) *domain.User {
	f.t.Helper()
	u := f.w.User(name, domain.RoleStaff)
	b, err := domain.ParseDate(day)
	if err != nil {
		f.t.Fatal(err)
	}
	if u, err = f.w.Workspaces.UpdateUser(f.t.Context(), f.w.Admin(), u.ID, workspace.UserInput{Birthday: &b}); err != nil {
		f.t.Fatal(err)
	}
	return u
}

func userKey(tenant, id string) store.Key { return store.Key{PK: "T#" + tenant, SK: "USER#" + id} }

// storeAsBefore rewrites a user's item as a save before the birthday index
// left it: the same document and version, no key in the index.
func (f *fixture) storeAsBefore(id string) {
	f.t.Helper()
	it, err := f.w.DB.Get(f.t.Context(), userKey(f.tenant, id))
	if err != nil {
		f.t.Fatal(err)
	}
	it.Index[1] = store.IndexKey{}
	if err := f.w.DB.Put(f.t.Context(), it, store.IfVersion(it.Version)); err != nil {
		f.t.Fatal(err)
	}
}

// run ticks, then works the jobs queue until it is empty, a failed job
// going back to the queue as SQS would send it again; it returns the
// jobs' failures.
func (f *fixture) run() []error {
	f.t.Helper()
	if _, err := f.svc.Tick(f.t.Context()); err != nil {
		f.t.Fatalf("tick: %v", err)
	}
	var failed []error
	for range 200 {
		body, ok := f.q.take()
		if !ok {
			return failed
		}
		if err := f.svc.HandleJob(f.t.Context(), body); err != nil {
			failed = append(failed, err)
			f.q.Send(f.t.Context(), body, 0)
		}
	}
	f.t.Fatal("the jobs never settled")
	return nil
}

func (f *fixture) item(k store.Key) store.Item {
	f.t.Helper()
	it, err := f.w.DB.Get(f.t.Context(), k)
	if err != nil {
		f.t.Fatal(err)
	}
	return it
}

func (f *fixture) birthdayKey(id string) store.IndexKey {
	return f.item(userKey(f.tenant, id)).Index[1]
}

func (f *fixture) adminCaller() *workspace.Caller { return f.w.Admin() }

// The backfill gives active users with a birthday their index key (not
// Bình, inactive), marks the notifications stored before read state read
// at their own time (the newer one stays unread), survives a crash of a
// user's write and a lost answer to a notification's, and closes; later
// ticks read at most one item per process; a second run over the fixed table writes nothing but
// its own bookkeeping. The birthday tick then finds Lan: her notice goes
// out once. Without the backfill Lan is never found, and the old
// notifications keep read_at null.
func TestBackfillFixesItemsStoredBefore(t *testing.T) {
	f := newFixture(t)
	ctx := t.Context()
	if k := f.birthdayKey(f.lan.ID); k.PK != "" {
		t.Fatalf("Lan's item as before the change has %+v", k)
	}
	minhBefore := f.item(userKey(f.tenant, f.minh.ID))

	var mu sync.Mutex
	struck := map[string]int{}
	f.faults = func(w faultstore.Write) faultstore.Fault {
		if len(w.Puts) != 1 {
			return faultstore.None
		}
		mu.Lock()
		defer mu.Unlock()
		switch it := w.Puts[0]; {
		case it.Type == "user" && struck["user"] == 0:
			struck["user"]++
			return faultstore.Before // the crash: nothing written
		case it.Type == "notification" && struck["notification"] == 0:
			struck["notification"]++
			return faultstore.After // written, but the answer lost
		}
		return faultstore.None
	}
	failed := f.run()
	if len(failed) != 2 || struck["user"] != 1 || struck["notification"] != 1 {
		t.Fatalf("failed jobs %v, faults %v: want a crash and a lost answer, each once", failed, struck)
	}
	for _, err := range failed {
		if !errors.Is(err, faultstore.ErrInjected) {
			t.Fatalf("job failed with %v", err)
		}
	}
	f.faults = nil

	if k, want := f.birthdayKey(f.lan.ID), (store.IndexKey{PK: workspace.BirthdayIndexPK(time.December), SK: "20#" + f.tenant + "#" + f.lan.ID}); k != want {
		t.Fatalf("Lan's birthday key %+v, want %+v", k, want)
	}
	if lan := f.item(userKey(f.tenant, f.lan.ID)); lan.Version != f.lan.Version {
		t.Fatalf("Lan's item at version %d, want %d kept", lan.Version, f.lan.Version)
	}
	if k := f.birthdayKey(f.binh.ID); k.PK != "" {
		t.Fatalf("inactive Bình given %+v", k)
	}
	if minh := f.item(userKey(f.tenant, f.minh.ID)); minh.Version != minhBefore.Version || minh.Index != minhBefore.Index {
		t.Fatalf("Minh, saved after the change, touched: %+v", minh)
	}

	ib := inbox.New(f.w.DB)
	if n, err := ib.Unread(ctx, f.tenant, f.w.AdminUser.ID); err != nil || n != 1 {
		t.Fatalf("unread %d, %v: want the newer one alone", n, err)
	}
	page, err := ib.Views(ctx, f.adminCaller(), false, 50, "")
	if err != nil {
		t.Fatal(err)
	}
	readAt := map[string]*time.Time{}
	for _, v := range page.Items {
		readAt[v.Notification.ID] = v.ReadAt
	}
	for _, n := range f.old {
		if r := readAt[n.ID]; r == nil || !r.Equal(n.At) {
			t.Fatalf("old notification %s read at %v, want its own time %v", n.ID, r, n.At)
		}
	}
	if r, ok := readAt[f.newerUnread.ID]; !ok || r != nil {
		t.Fatalf("newer notification read at %v (listed %v), want unread", r, ok)
	}

	// Once done, a process's first tick reads the run's record, and its
	// later ticks read nothing.
	f.reads.take()
	fresh := backfill.New(f.reads, f.q, f.clock, slog.New(slog.DiscardHandler))
	for _, svc := range []*backfill.Service{f.svc, fresh} {
		for i, want := range []int{1, 0, 0} {
			if n, err := svc.Tick(ctx); err != nil || n != 0 {
				t.Fatalf("tick after done: %d, %v", n, err)
			}
			if got := f.reads.take(); got != want {
				t.Fatalf("tick %d after done read %d items, want %d", i+1, got, want)
			}
		}
	}
	if _, ok := f.q.take(); ok {
		t.Fatal("a tick after done sent jobs")
	}

	// A second run over the table writes nothing but its own record and
	// checkpoints.
	for _, sk := range append([]string{"RUN"}, segments()...) {
		if err := f.w.DB.Delete(ctx, store.Key{PK: "BACKFILL#" + backfill.RunID, SK: sk}, store.None); err != nil {
			t.Fatal(err)
		}
	}
	var wrote []string
	f.faults = func(w faultstore.Write) faultstore.Fault {
		for _, it := range w.Puts {
			if it.Type != "backfill_run" {
				mu.Lock()
				wrote = append(wrote, it.Key.String())
				mu.Unlock()
			}
		}
		return faultstore.None
	}
	fresh = backfill.New(f.reads, f.q, f.clock, slog.New(slog.DiscardHandler))
	f.svc = fresh
	if failed := f.run(); len(failed) > 0 {
		t.Fatal(failed)
	}
	if rec := f.item(store.Key{PK: "BACKFILL#" + backfill.RunID, SK: "RUN"}); !strings.Contains(string(rec.Doc), `"done":true`) {
		t.Fatalf("second run not done: %s", rec.Doc)
	}
	if len(wrote) > 0 {
		t.Fatalf("second run wrote %v", wrote)
	}
	f.faults = nil

	// Lan is found by the birthday tick on 1 December, and told of once.
	bdays := birthday.New(f.w.DB, f.clock, slog.New(slog.DiscardHandler), f.w.Workspaces)
	f.clock.Set(time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)) // 09:00 in Hồ Chí Minh City
	for range 3 {
		if _, err := bdays.Tick(ctx); err != nil {
			t.Fatal(err)
		}
	}
	page, err = ib.Views(ctx, f.adminCaller(), true, 50, "")
	if err != nil {
		t.Fatal(err)
	}
	var told []string
	for _, v := range page.Items {
		if v.Kind == inbox.KindStaffBirthday {
			told = append(told, v.Subject.ID+" "+v.Title)
		}
	}
	want := []string{f.lan.ID + " Tháng này có sinh nhật của Chị Lan (20/12)", f.minh.ID + " Tháng này có sinh nhật của Anh Minh (05/12)"}
	if strings.Join(told, "|") != strings.Join(want, "|") && strings.Join(told, "|") != strings.Join([]string{want[1], want[0]}, "|") {
		t.Fatalf("admin told %q, want Lan and Minh once each (not Bình)", told)
	}
}

func segments() []string {
	var out []string
	for i := range backfill.Segments {
		out = append(out, fmt.Sprintf("%02d", i))
	}
	return out
}

// An edit of a user made between the backfill's read and its write wins:
// Lan deactivated meanwhile keeps no birthday key, and the backfill still
// finishes.
func TestBackfillLosesToAConcurrentEdit(t *testing.T) {
	f := newFixture(t)
	inactive := false
	edited := false
	f.faults = func(w faultstore.Write) faultstore.Fault {
		if len(w.Puts) == 1 && w.Puts[0].Type == "user" && w.Puts[0].Key == userKey(f.tenant, f.lan.ID) && !edited {
			edited = true
			if _, err := f.w.Workspaces.UpdateUser(t.Context(), f.w.Admin(), f.lan.ID, workspace.UserInput{Active: &inactive}); err != nil {
				t.Errorf("edit: %v", err)
			}
		}
		return faultstore.None
	}
	if failed := f.run(); len(failed) > 0 {
		t.Fatal(failed)
	}
	if !edited {
		t.Fatal("the backfill never wrote Lan")
	}
	lan := f.item(userKey(f.tenant, f.lan.ID))
	u, err := store.Decode[domain.User](lan)
	if err != nil {
		t.Fatal(err)
	}
	if u.Active || lan.Index[1].PK != "" || lan.Version != f.lan.Version+1 {
		t.Fatalf("Lan after the edit: active %v, key %+v, version %d: the backfill overwrote the edit", u.Active, lan.Index[1], lan.Version)
	}
}
