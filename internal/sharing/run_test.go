package sharing_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/sharing"
	"tend/internal/tendtest"
	"tend/internal/timeline"
	"tend/internal/workspace"
)

// members stands for a campaign's members at the port: a care status per
// customer, changed conditionally as the campaign package does.
type members struct {
	mu     sync.Mutex
	id     string
	status map[string]string
	marks  map[string]int // MarkShared calls that changed something
}

func (m *members) CampaignExists(_ context.Context, _, id string) error {
	if id != m.id {
		return domain.NotFound("campaign")
	}
	return nil
}

func (m *members) EachAwaiting(_ context.Context, _, campaignID string, fn func(string) error) error {
	m.mu.Lock()
	var ids []string
	for id, st := range m.status {
		if st == "multi_assigned" {
			ids = append(ids, id)
		}
	}
	m.mu.Unlock()
	slices.Sort(ids)
	for _, id := range ids {
		if err := fn(id); err != nil {
			return err
		}
	}
	return nil
}

func (m *members) MarkShared(_ context.Context, _ *workspace.Org, _, customerID string, _ domain.Actor) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.status[customerID] != "multi_assigned" {
		return false, nil
	}
	m.status[customerID] = "multi_assigned_done"
	m.marks[customerID]++
	return true, nil
}

// jobs keeps the jobs sent, for the test to deliver (twice, if it likes).
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

func (q *jobs) take() [][]byte {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := q.sent
	q.sent = nil
	return out
}

type fixture struct {
	t        *testing.T
	w        *tendtest.World
	clock    *tendtest.Clock
	svc      *sharing.Service
	camp     *members
	jobs     *jobs
	timeline *timeline.Service
}

func newFixture(t *testing.T) *fixture {
	clock := tendtest.NewClock(tendtest.DefaultTime)
	w := tendtest.MustOpen(t, tendtest.Options{Clock: clock})
	f := &fixture{t: t, w: w, clock: clock, jobs: &jobs{},
		camp: &members{id: "cmp_1", status: map[string]string{}, marks: map[string]int{}}}
	f.svc = sharing.New(sharing.Deps{Store: w.DB, Clock: clock, Orgs: w.Workspaces, Campaigns: f.camp,
		Customers: w.Customers, Jobs: f.jobs})
	f.timeline = timeline.New(w.DB, clock, nil, w.Workspaces, w.Customers)
	return f
}

func (f *fixture) customer(name, care string) *domain.Customer {
	in, err := customer.ParseInput([]byte(`{"name":"` + name + `"}`))
	if err != nil {
		f.t.Fatal(err)
	}
	c, err := f.w.Customers.CreateCustomer(f.t.Context(), f.w.Admin(), in)
	if err != nil {
		f.t.Fatal(err)
	}
	f.camp.status[c.ID] = care
	return c
}

func (f *fixture) read(id string) *domain.Customer {
	c, err := f.w.Customers.GetCustomer(f.t.Context(), f.w.Admin(), id)
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

// tick runs a tick and delivers each job it sent twice.
func (f *fixture) tick() int {
	n, err := f.svc.Tick(f.t.Context())
	if err != nil {
		f.t.Fatal(err)
	}
	for _, j := range f.jobs.take() {
		for range 2 {
			if err := f.svc.HandleJob(f.t.Context(), j); err != nil {
				f.t.Fatal(err)
			}
		}
	}
	return n
}

func ptr[T any](v T) *T { return &v }

// A rule runs on its schedule, shares each awaiting member once with its
// users (a job delivered twice changes nothing more), marks it once, and
// leaves the other members alone; its users taken off get nothing new.
func TestRuleRunsOnItsSchedule(t *testing.T) {
	f := newFixture(t)
	lan, minh := f.w.User("Lan", domain.RoleStaff), f.w.User("Minh", domain.RoleStaff)
	a, b := f.customer("An", "multi_assigned"), f.customer("Bình", "multi_assigned")
	other := f.customer("Chi", "")
	rule, err := f.svc.Create(t.Context(), f.w.Admin(), &sharing.Input{Name: ptr("Chia sẻ KH"), CampaignID: ptr("cmp_1"),
		UserIDs: &[]string{lan.ID, minh.ID}, Every: ptr("15m")})
	if err != nil {
		t.Fatal(err)
	}
	if want := tendtest.DefaultTime.Add(15 * time.Minute); rule.NextRunAt == nil || !rule.NextRunAt.Equal(want) {
		t.Fatalf("next_run_at = %v, want %v", rule.NextRunAt, want)
	}
	if n := f.tick(); n != 0 {
		t.Fatalf("a rule not yet due started %d runs", n)
	}
	f.clock.Set(tendtest.DefaultTime.Add(15 * time.Minute))
	if n := f.tick(); n != 1 {
		t.Fatalf("a due rule started %d runs, want 1", n)
	}
	if n := f.tick(); n != 0 {
		t.Fatalf("a tick delivered again started %d runs", n)
	}
	versions := map[string]int64{}
	for _, c := range []*domain.Customer{a, b} {
		got := f.read(c.ID)
		if want := []string{lan.ID, minh.ID}; !sameSet(got.SharedWith, want) {
			t.Fatalf("%s shared with %v, want %v", c.Name, got.SharedWith, want)
		}
		if f.camp.status[c.ID] != "multi_assigned_done" || f.camp.marks[c.ID] != 1 {
			t.Fatalf("%s: care status %s, marked %d times", c.Name, f.camp.status[c.ID], f.camp.marks[c.ID])
		}
		if n := f.shareEntries(c.ID, rule.ID); n != 1 {
			t.Fatalf("%s has %d history entries of the rule, want 1", c.Name, n)
		}
		versions[c.ID] = got.Version
	}
	if got := f.read(other.ID); len(got.SharedWith) != 0 || f.camp.marks[other.ID] != 0 {
		t.Fatalf("a member not awaiting was shared (%v) or marked", got.SharedWith)
	}

	// Minh is taken off the rule; a member comes to await sharing.
	if _, err := f.svc.Update(t.Context(), f.w.Admin(), rule.ID, &sharing.Input{UserIDs: &[]string{lan.ID}}); err != nil {
		t.Fatal(err)
	}
	d := f.customer("Dũng", "multi_assigned")
	f.clock.Set(tendtest.DefaultTime.Add(30 * time.Minute))
	if n := f.tick(); n != 1 {
		t.Fatalf("the second run: %d started", n)
	}
	if got := f.read(d.ID); !sameSet(got.SharedWith, []string{lan.ID}) {
		t.Fatalf("a new member shared with %v, want only the rule's users now", got.SharedWith)
	}
	for _, c := range []*domain.Customer{a, b} {
		got := f.read(c.ID)
		if got.Version != versions[c.ID] || !sameSet(got.SharedWith, []string{lan.ID, minh.ID}) {
			t.Fatalf("%s changed by a later run: version %d → %d, shared with %v", c.Name, versions[c.ID], got.Version, got.SharedWith)
		}
	}
}

// A job that stopped between sharing a member and marking it finds the
// shares made: it marks the member without sharing it twice.
func TestRunAfterACrashSharesNothingTwice(t *testing.T) {
	f := newFixture(t)
	lan := f.w.User("Lan", domain.RoleStaff)
	a := f.customer("An", "multi_assigned")
	if _, err := f.w.Customers.SetShares(t.Context(), f.w.Admin(), a.ID, []string{lan.ID}); err != nil {
		t.Fatal(err)
	}
	before := f.read(a.ID)
	rule, err := f.svc.Create(t.Context(), f.w.Admin(), &sharing.Input{Name: ptr("Chia sẻ"), CampaignID: ptr("cmp_1"),
		UserIDs: &[]string{lan.ID}, Every: ptr("5m")})
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Set(tendtest.DefaultTime.Add(5 * time.Minute))
	if n := f.tick(); n != 1 {
		t.Fatalf("%d runs started", n)
	}
	if got := f.read(a.ID); got.Version != before.Version || f.shareEntries(a.ID, rule.ID) != 0 {
		t.Fatalf("a member shared already was written again: version %d → %d", before.Version, got.Version)
	}
	if f.camp.marks[a.ID] != 1 {
		t.Fatalf("marked %d times, want 1", f.camp.marks[a.ID])
	}
}

// A rule switched off, or whose user was deactivated, shares nothing with
// them.
func TestDisabledRuleAndInactiveUsers(t *testing.T) {
	f := newFixture(t)
	lan, minh := f.w.User("Lan", domain.RoleStaff), f.w.User("Minh", domain.RoleStaff)
	a := f.customer("An", "multi_assigned")
	rule, err := f.svc.Create(t.Context(), f.w.Admin(), &sharing.Input{Name: ptr("Chia sẻ"), CampaignID: ptr("cmp_1"),
		UserIDs: &[]string{lan.ID, minh.ID}, Enabled: ptr(false)})
	if err != nil {
		t.Fatal(err)
	}
	if rule.NextRunAt != nil || time.Duration(rule.Every) != sharing.DefaultEvery {
		t.Fatalf("a disabled rule: next_run_at %v, every %v", rule.NextRunAt, rule.Every)
	}
	f.clock.Set(tendtest.DefaultTime.Add(time.Hour))
	if n := f.tick(); n != 0 {
		t.Fatalf("a disabled rule started %d runs", n)
	}
	if _, err := f.w.Workspaces.DeactivateUser(t.Context(), f.w.Admin(), minh.ID); err != nil {
		t.Fatal(err)
	}
	rule, err = f.svc.Update(t.Context(), f.w.Admin(), rule.ID, &sharing.Input{Enabled: ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Set(tendtest.DefaultTime.Add(time.Hour + 15*time.Minute))
	if n := f.tick(); n != 1 {
		t.Fatalf("%d runs started", n)
	}
	if got := f.read(a.ID); !sameSet(got.SharedWith, []string{lan.ID}) {
		t.Fatalf("shared with %v, want only the active user", got.SharedWith)
	}
}

func (f *fixture) shareEntries(customerID, ruleID string) int {
	page, err := f.timeline.History(f.t.Context(), f.w.Admin(), customerID, 100, "")
	if err != nil {
		f.t.Fatal(err)
	}
	n := 0
	for _, e := range page.Items {
		if e.Actor.Kind == domain.ActorShareRule && e.Actor.ID == ruleID && e.Action == "shared" {
			n++
		}
	}
	return n
}

func sameSet(got, want []string) bool {
	return len(got) == len(want) && !slices.ContainsFunc(want, func(s string) bool { return !slices.Contains(got, s) })
}

// A run works its members page by page, to the last.
func TestRunPagesThroughEveryMember(t *testing.T) {
	f := newFixture(t)
	lan := f.w.User("Lan", domain.RoleStaff)
	var made []*domain.Customer
	for i := range 205 {
		made = append(made, f.customer("Khách "+strconv.Itoa(i), "multi_assigned"))
	}
	if _, err := f.svc.Create(t.Context(), f.w.Admin(), &sharing.Input{Name: ptr("Chia sẻ"), CampaignID: ptr("cmp_1"),
		UserIDs: &[]string{lan.ID}, Every: ptr("5m")}); err != nil {
		t.Fatal(err)
	}
	f.clock.Set(tendtest.DefaultTime.Add(5 * time.Minute))
	f.tick()
	for _, c := range made {
		if got := f.read(c.ID); !sameSet(got.SharedWith, []string{lan.ID}) || f.camp.marks[c.ID] != 1 {
			t.Fatalf("%s: shared with %v, marked %d times", c.Name, got.SharedWith, f.camp.marks[c.ID])
		}
	}
}

// A rule's assignee is checked when given: an inactive one is refused, and
// a rule whose assignee left may still be edited.
func TestAssigneeCheckedWhenGiven(t *testing.T) {
	f := newFixture(t)
	lan, minh := f.w.User("Lan", domain.RoleStaff), f.w.User("Minh", domain.RoleStaff)
	rule, err := f.svc.Create(t.Context(), f.w.Admin(), &sharing.Input{Name: ptr("Chia sẻ"), CampaignID: ptr("cmp_1"),
		AssignedTo: ptr(minh.ID), UserIDs: &[]string{lan.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.w.Workspaces.DeactivateUser(t.Context(), f.w.Admin(), minh.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Update(t.Context(), f.w.Admin(), rule.ID, &sharing.Input{Name: ptr("Chia sẻ KH")}); err != nil {
		t.Fatalf("editing a rule whose assignee left: %v", err)
	}
	_, err = f.svc.Update(t.Context(), f.w.Admin(), rule.ID, &sharing.Input{AssignedTo: ptr(minh.ID)})
	var de *domain.Error
	if !errors.As(err, &de) || len(de.Fields) != 1 || de.Fields[0].Path != "assigned_to" || de.Fields[0].Code != "user_inactive" {
		t.Fatalf("assigning to an inactive user: %v", err)
	}
}
