package task_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/inbox"
	"tend/internal/task"
	"tend/internal/tendtest"
	"tend/internal/workspace"
)

// clock is a test clock that moves one millisecond on every reading, so
// that everything written has its own time.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(time.Millisecond)
	return c.now
}

// world is a workspace on a real SQLite file with a user of every kind a
// task cares about:
//
//	admin
//	leader    team leader of the team of assignee
//	leader2   team leader of another team
//	assignee  staff, member of leader's team
//	related   staff
//	creator   staff
//	stranger  staff, nothing to do with anything
//	gone      staff, deactivated
type world struct {
	t     *testing.T
	tw    *tendtest.World
	tasks *task.Service
	inbox *inbox.Service
	clock *clock
	users map[string]*domain.User
}

func newWorld(t *testing.T, lang string) *world {
	t.Helper()
	ctx := t.Context()
	clk := &clock{now: time.Date(2026, 3, 1, 1, 0, 0, 0, time.UTC)}
	tw := tendtest.MustOpen(t, tendtest.Options{Name: "Tasks", Language: lang, AdminName: "Quản trị", Clock: clk})
	svc := tw.Workspaces
	w := &world{t: t, tw: tw, tasks: task.New(tw.DB, clk, tw.Customers), inbox: inbox.New(tw.DB), clock: clk, users: map[string]*domain.User{"admin": tw.AdminUser}}
	roles := []struct {
		name string
		role domain.Role
	}{
		{"leader", domain.RoleTeamLeader}, {"leader2", domain.RoleTeamLeader}, {"assignee", domain.RoleStaff},
		{"related", domain.RoleStaff}, {"creator", domain.RoleStaff}, {"stranger", domain.RoleStaff}, {"gone", domain.RoleStaff},
	}
	for _, r := range roles {
		name, email, role := r.name, r.name+"@t.vn", r.role
		u, err := svc.CreateUser(ctx, w.as("admin"), workspace.UserInput{Name: &name, Email: &email, Role: &role})
		if err != nil {
			t.Fatalf("create user %s: %v", r.name, err)
		}
		w.users[r.name] = u
	}
	for _, team := range []struct{ name, leader, member string }{{"Nhóm 1", "leader", "assignee"}, {"Nhóm 2", "leader2", "stranger"}} {
		name, leader, members := team.name, w.id(team.leader), []string{w.id(team.member)}
		if _, err := svc.SaveTeam(ctx, w.as("admin"), "", workspace.TeamInput{Name: &name, LeaderID: &leader, MemberIDs: &members}); err != nil {
			t.Fatalf("create team: %v", err)
		}
	}
	if _, err := svc.DeactivateUser(ctx, w.as("admin"), w.id("gone")); err != nil {
		t.Fatal(err)
	}
	return w
}

// id is a user's id.
func (w *world) id(name string) string {
	w.t.Helper()
	u, ok := w.users[name]
	if !ok {
		w.t.Fatalf("no user %q", name)
	}
	return u.ID
}

// as is a user as the caller, with the workspace's current set-up.
func (w *world) as(name string) *workspace.Caller {
	w.t.Helper()
	u := w.users[name]
	o, err := w.tw.Workspaces.LoadOrg(w.t.Context(), u.TenantID)
	if err != nil {
		w.t.Fatal(err)
	}
	cu, ok := o.User(u.ID)
	if !ok {
		w.t.Fatalf("user %s not in the workspace", name)
	}
	return &workspace.Caller{User: cu, Org: o}
}

// org is the workspace's current set-up.
func (w *world) org() *workspace.Org {
	w.t.Helper()
	o, err := w.tw.Workspaces.LoadOrg(w.t.Context(), w.users["admin"].TenantID)
	if err != nil {
		w.t.Fatal(err)
	}
	return o
}

// customer makes a customer owned by a user.
func (w *world) customer(name, owner string) *domain.Customer {
	w.t.Helper()
	in, err := customer.ParseInput([]byte(`{"name":"` + name + `","owner_id":"` + w.id(owner) + `"}`))
	if err != nil {
		w.t.Fatal(err)
	}
	c, err := w.tw.Customers.CreateCustomer(w.t.Context(), w.as("admin"), in)
	if err != nil {
		w.t.Fatal(err)
	}
	return c
}

// input parses a task body, failing the test when it does not parse.
func (w *world) input(body string) *task.Input {
	w.t.Helper()
	in, err := task.ParseInput([]byte(body))
	if err != nil {
		w.t.Fatalf("parse %s: %v", body, err)
	}
	return in
}

// create makes a task as a user from a JSON body.
func (w *world) create(by, body string) *task.Task {
	w.t.Helper()
	tk, err := w.tasks.Create(w.t.Context(), w.as(by), w.input(body))
	if err != nil {
		w.t.Fatalf("create %s: %v", body, err)
	}
	return tk
}

// notes lists a user's notifications about tasks, newest first.
func (w *world) notes(name string) []inbox.Notification {
	w.t.Helper()
	page, err := w.inbox.List(w.t.Context(), w.as(name), 500, "")
	if err != nil {
		w.t.Fatal(err)
	}
	var out []inbox.Notification
	for _, n := range page.Items {
		if n.TaskID != "" {
			out = append(out, n)
		}
	}
	return out
}

// fields lists the path:code pairs of a validation error.
func fields(err error) []string {
	var e *domain.Error
	if !errors.As(err, &e) {
		return nil
	}
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Path+":"+f.Code)
	}
	return out
}
