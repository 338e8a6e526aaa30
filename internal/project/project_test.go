package project_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"tend/internal/domain"
	"tend/internal/project"
	"tend/internal/store"
	"tend/internal/tendtest"
	"tend/internal/workspace"
)

// world is a workspace on a real SQLite file with a project service.
type world struct {
	tw       *tendtest.World
	projects *project.Service
}

func newWorld(t *testing.T, st func(store.Store) store.Store) *world {
	t.Helper()
	tw := tendtest.MustOpen(t, tendtest.Options{Name: "Dự án"})
	var s store.Store = tw.DB
	if st != nil {
		s = st(s)
	}
	return &world{tw: tw, projects: project.New(s, tw.Clock, tw.Customers)}
}

func ptr[T any](v T) *T { return &v }

func date(t *testing.T, s string) domain.Date {
	t.Helper()
	d, err := domain.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// fieldCodes lists an error's problems as "path code".
func fieldCodes(err error) []string {
	var de *domain.Error
	if !errors.As(err, &de) {
		return []string{fmt.Sprint(err)}
	}
	var out []string
	for _, f := range de.Fields {
		out = append(out, f.Path+" "+f.Code)
	}
	return out
}

func TestProjectInputChecks(t *testing.T) {
	w := newWorld(t, nil)
	admin := w.tw.Admin()
	jan := []project.PhaseInput{{Name: "Tháng 1", StartsOn: date(t, "2030-01-01"), EndsOn: date(t, "2030-01-31")}}
	cases := []struct {
		name string
		in   project.Input
		want string
	}{
		{"no name", project.Input{}, "name required"},
		{"phase ends first", project.Input{Name: ptr("P"), Phases: &[]project.PhaseInput{{Name: "G", StartsOn: date(t, "2030-02-01"), EndsOn: date(t, "2030-01-01")}}}, "phases[0].ends_on ends_before_start"},
		{"phase without start", project.Input{Name: ptr("P"), Phases: &[]project.PhaseInput{{Name: "G", EndsOn: date(t, "2030-01-01")}}}, "phases[0].starts_on required"},
		{"two phases, one id", project.Input{Name: ptr("P"), Phases: &[]project.PhaseInput{{ID: "g", Name: "G", StartsOn: date(t, "2030-01-01"), EndsOn: date(t, "2030-01-01")}, {ID: "g", Name: "H", StartsOn: date(t, "2030-01-01"), EndsOn: date(t, "2030-01-01")}}}, "phases[1].id duplicate"},
		{"status of no kind", project.Input{Name: ptr("P"), Statuses: &[]project.StatusInput{{Name: "Mới", Kind: "fresh"}}}, "statuses[0].kind invalid_value"},
		{"no statuses", project.Input{Name: ptr("P"), Statuses: &[]project.StatusInput{}}, "statuses required"},
		{"unknown member", project.Input{Name: ptr("P"), MemberIDs: &[]string{"usr_x"}}, "member_ids[0] unknown_user"},
		{"good", project.Input{Name: ptr("P"), Phases: &jan}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := w.projects.Create(t.Context(), admin, &tc.in)
			got := strings.Join(fieldCodes(err), ", ")
			if err == nil {
				got = ""
			}
			if got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestTaskStatusAndProgress(t *testing.T) {
	w := newWorld(t, nil)
	ctx, admin := t.Context(), w.tw.Admin()
	p, err := w.projects.Create(ctx, admin, &project.Input{Name: ptr("P"),
		Phases: &[]project.PhaseInput{{ID: "jan", Name: "Tháng 1", StartsOn: date(t, "2030-01-01"), EndsOn: date(t, "2030-01-31")}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, due := range []string{"2029-12-31", "2030-02-01"} {
		_, err := w.projects.CreateTask(ctx, admin, p.ID, &project.TaskInput{Title: ptr("T"), PhaseID: ptr("jan"), DueOn: ptr(date(t, due))})
		var de *domain.Error
		if !errors.As(err, &de) || len(de.Fields) != 1 || de.Fields[0].Code != "due_outside_phase" ||
			de.Fields[0].Params["starts_on"] != "2030-01-01" || de.Fields[0].Params["ends_on"] != "2030-01-31" {
			t.Fatalf("due %s: %v", due, err)
		}
	}
	tk, err := w.projects.CreateTask(ctx, admin, p.ID, &project.TaskInput{Title: ptr("T"), PhaseID: ptr("jan"), DueOn: ptr(date(t, "2030-01-31"))})
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		in           project.TaskInput
		wantProgress int
		wantErr      error
	}{
		{project.TaskInput{Progress: ptr(30)}, 30, nil},
		{project.TaskInput{Progress: ptr(-1)}, 30, domain.ErrInvalid},
		{project.TaskInput{Status: ptr("resolved")}, 100, nil},
		{project.TaskInput{Progress: ptr(90)}, 90, nil}, // a resolved task's progress may still move
		{project.TaskInput{Status: ptr("in_progress"), Progress: ptr(50)}, 50, nil},
		{project.TaskInput{Status: ptr("completed"), Progress: ptr(20)}, 100, nil},
		{project.TaskInput{Status: ptr("open")}, 100, domain.ErrConflict},
		{project.TaskInput{Progress: ptr(99)}, 100, domain.ErrConflict},
		{project.TaskInput{Title: ptr("Vẫn sửa được tên")}, 100, nil},
	}
	for i, st := range steps {
		got, err := w.projects.UpdateTask(ctx, admin, tk.ID, &st.in)
		if !errors.Is(err, st.wantErr) || (st.wantErr == nil) != (err == nil) {
			t.Fatalf("step %d: err %v, want %v", i, err, st.wantErr)
		}
		if err == nil && got.Progress != st.wantProgress {
			t.Fatalf("step %d: progress %d, want %d", i, got.Progress, st.wantProgress)
		}
	}
}

// readBarrier holds every reader of one item until n of them have read
// it: n claimers then all see the task unassigned before any writes.
type readBarrier struct {
	store.Store
	match   func(store.Key) bool
	n       int
	mu      sync.Mutex
	arrived int
	release chan struct{}
}

func (b *readBarrier) Get(ctx context.Context, k store.Key) (store.Item, error) {
	it, err := b.Store.Get(ctx, k)
	if b.match != nil && b.match(k) {
		b.mu.Lock()
		b.arrived++
		if b.arrived == b.n {
			close(b.release)
		}
		b.mu.Unlock()
		<-b.release
	}
	return it, err
}

// Members who all read the task unassigned before any of them writes:
// the conditional write lets exactly one have it.
func TestClaimIsConditional(t *testing.T) {
	const n = 20
	barrier := &readBarrier{n: n, release: make(chan struct{})}
	w := newWorld(t, func(s store.Store) store.Store { barrier.Store = s; return barrier })
	ctx := t.Context()
	callers := make([]*workspace.Caller, n)
	ids := make([]string, n)
	for i := range callers {
		u := w.tw.User(fmt.Sprintf("Người %02d", i), domain.RoleStaff)
		ids[i] = u.ID
	}
	for i := range callers {
		callers[i] = w.tw.SignIn(userByID(t, w, ids[i]))
	}
	p, err := w.projects.Create(ctx, w.tw.Admin(), &project.Input{Name: ptr("P"), MemberIDs: &ids})
	if err != nil {
		t.Fatal(err)
	}
	tk, err := w.projects.CreateTask(ctx, w.tw.Admin(), p.ID, &project.TaskInput{Title: ptr("T")})
	if err != nil {
		t.Fatal(err)
	}
	barrier.mu.Lock()
	barrier.match = func(k store.Key) bool { return k.SK == "A" && strings.HasSuffix(k.PK, "#PTASK#"+tk.ID) }
	barrier.mu.Unlock()
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i, c := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = w.projects.Claim(ctx, c, tk.ID)
		}()
	}
	wg.Wait()
	won := 0
	for i, err := range errs {
		var de *domain.Error
		switch {
		case err == nil:
			won++
		case errors.As(err, &de) && de.Code == "task_taken" && strings.HasPrefix(de.Params["name"], "Người "):
		default:
			t.Errorf("claimer %d: %v", i, err)
		}
	}
	if won != 1 {
		t.Fatalf("%d claims won, want 1", won)
	}
}

func userByID(t *testing.T, w *world, id string) *domain.User {
	t.Helper()
	u, ok := w.tw.Org().User(id)
	if !ok {
		t.Fatalf("no user %s", id)
	}
	return u
}
