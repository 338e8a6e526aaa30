// Package tendtest sets up what the tests of every package share: a real
// SQLite store on the test's own clock, and a workspace with its admin.
//
// Everything a test opens here reads the one clock the test sets, the
// store's expiry included, so a test that pins a date passes on any day it
// is run.
package tendtest

import (
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/sqlite"
	"tend/internal/store"
	"tend/internal/store/storetest"
	"tend/internal/workspace"
)

// DefaultTime is where a test's clock starts unless it says otherwise:
// 09:00 on a Monday in Hồ Chí Minh City.
var DefaultTime = time.Date(2026, 6, 15, 2, 0, 0, 0, time.UTC)

// Clock is the settable clock of a test.
type Clock = storetest.Clock

// NewClock returns a clock standing at t.
func NewClock(t time.Time) *Clock {
	c := &Clock{}
	c.Set(t)
	return c
}

// Store opens a fresh SQLite file on clock, closed when the test ends.
func Store(tb testing.TB, clock store.Clock) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(filepath.Join(tb.TempDir(), "tend.db"), clock, sqlite.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// Options shape the world MustOpen makes; every field may be left out.
type Options struct {
	// Name and Language of the workspace (default "Tend", the workspace
	// default language).
	Name, Language string
	// AdminName and AdminSubject of its admin (AdminSubject: the sign-in
	// subject, generated when empty).
	AdminName, AdminSubject string
	// Clock the whole world reads (default: a Clock at DefaultTime).
	Clock domain.Clock
	Log   *slog.Logger
}

// World is a workspace over a real SQLite store on a test clock.
type World struct {
	TB         testing.TB
	DB         *sqlite.DB
	Clock      domain.Clock
	Workspaces *workspace.Service
	Customers  *customer.Service
	// AdminUser is the workspace's admin; Admin() signs them in.
	AdminUser *domain.User
}

// MustOpen makes a world: a store, a clock and a workspace.
func MustOpen(tb testing.TB, opts Options) *World {
	tb.Helper()
	if opts.Clock == nil {
		opts.Clock = NewClock(DefaultTime)
	}
	if opts.Name == "" {
		opts.Name = "Tend"
	}
	db := Store(tb, opts.Clock)
	w := &World{TB: tb, DB: db, Clock: opts.Clock, Workspaces: workspace.New(db, opts.Clock, opts.Log), Customers: customer.New(db, opts.Clock, opts.Log)}
	// The tests build their services over DB, past the set-up's store: the
	// set-up is looked at on every load, or their set-up changes would go
	// unseen on a clock that stands still.
	w.Workspaces.CheckSetupEveryTime()
	email := "admin@" + strings.ToLower(strings.Join(strings.Fields(domain.Fold(opts.Name)), "")) + ".vn"
	_, admin, err := w.Workspaces.CreateWorkspace(tb.Context(), workspace.NewWorkspace{Name: opts.Name, Language: opts.Language,
		AdminName: opts.AdminName, AdminEmail: email, AdminSubject: opts.AdminSubject})
	if err != nil {
		tb.Fatalf("tendtest: create workspace: %v", err)
	}
	w.AdminUser = admin
	return w
}

// Admin signs the admin in, reading the workspace's set-up as it is now.
func (w *World) Admin() *workspace.Caller {
	w.TB.Helper()
	return w.SignIn(w.AdminUser)
}

// SignIn signs a user in, reading the workspace's set-up as it is now.
func (w *World) SignIn(u *domain.User) *workspace.Caller {
	w.TB.Helper()
	c, err := w.Workspaces.Authenticate(w.TB.Context(), u.AuthSubject)
	if err != nil {
		w.TB.Fatalf("tendtest: sign in %s: %v", u.Name, err)
	}
	return c
}

// Org reads the workspace's set-up as it is now.
func (w *World) Org() *workspace.Org {
	w.TB.Helper()
	o, err := w.Workspaces.LoadOrg(w.TB.Context(), w.AdminUser.TenantID)
	if err != nil {
		w.TB.Fatalf("tendtest: load set-up: %v", err)
	}
	return o
}

// User creates a user of a role in the workspace.
func (w *World) User(name string, role domain.Role) *domain.User {
	w.TB.Helper()
	email := strings.ToLower(strings.Join(strings.Fields(domain.Fold(name)), ".")) + "@" + w.AdminUser.TenantID + ".vn"
	u, err := w.Workspaces.CreateUser(w.TB.Context(), w.Admin(), workspace.UserInput{Name: &name, Email: &email, Role: &role})
	if err != nil {
		w.TB.Fatalf("tendtest: create user %s: %v", name, err)
	}
	return u
}

// Field adds a custom field to the workspace.
func (w *World) Field(key, label string, typ domain.FieldType, options ...string) domain.FieldDef {
	w.TB.Helper()
	in := workspace.FieldInput{Key: &key, Label: &label, Type: &typ}
	if len(options) > 0 {
		in.Options = &options
	}
	f, err := w.Workspaces.SaveField(w.TB.Context(), w.Admin(), "", in)
	if err != nil {
		w.TB.Fatalf("tendtest: field %s: %v", key, err)
	}
	return *f
}

// Pipeline adds a pipeline with steps of the given names.
func (w *World) Pipeline(name string, steps ...string) *domain.Pipeline {
	w.TB.Helper()
	st := make([]domain.Step, len(steps))
	for i, s := range steps {
		st[i].Name = s
	}
	p, err := w.Workspaces.SavePipeline(w.TB.Context(), w.Admin(), "", workspace.PipelineInput{Name: &name, Steps: &st})
	if err != nil {
		w.TB.Fatalf("tendtest: pipeline %s: %v", name, err)
	}
	return p
}
