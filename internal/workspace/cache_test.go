package workspace_test

import (
	"testing"

	"tend/internal/domain"
	"tend/internal/store/heatmeter"
	"tend/internal/tendtest"
	"tend/internal/workspace"
)

// containers are two set-up services over one metered store, as two warm
// Lambda containers over one table.
type containers struct {
	t     *testing.T
	clock *tendtest.Clock
	meter *heatmeter.Store
	a, b  *workspace.Service
}

func newContainers(t *testing.T) *containers {
	clock := tendtest.NewClock(tendtest.DefaultTime)
	m := heatmeter.New(tendtest.Store(t, clock))
	return &containers{t: t, clock: clock, meter: m, a: workspace.New(m, clock, nil), b: workspace.New(m, clock, nil)}
}

// reads are the read units charged to a partition since the meter was
// last reset.
func (c *containers) reads(pk string) float64 { return c.meter.Charges()[heatmeter.Part{PK: pk}].Read }

func (c *containers) signIn(svc *workspace.Service, subject string) (*workspace.Caller, error) {
	return svc.Authenticate(c.t.Context(), subject)
}

func (c *containers) mustSignIn(svc *workspace.Service, subject string) *workspace.Caller {
	c.t.Helper()
	caller, err := c.signIn(svc, subject)
	if err != nil {
		c.t.Fatalf("sign in %q: %v", subject, err)
	}
	return caller
}

// A warm container reads neither the set-up version nor a subject's
// binding again within SetupFreshFor; it sees its own set-up changes at
// once, another container's within the bound; the version is read
// eventually consistent (half a unit).
func TestSetupKeptForABound(t *testing.T) {
	c := newContainers(t)
	ctx := t.Context()
	ws, admin, err := c.a.CreateWorkspace(ctx, workspace.NewWorkspace{Name: "a", AdminEmail: "admin@a.vn"})
	if err != nil {
		t.Fatal(err)
	}
	counters := "T#" + ws.ID + "#CTR"
	lan, err := c.a.CreateUser(ctx, c.mustSignIn(c.a, admin.AuthSubject), workspace.UserInput{Name: ptr("Lan"), Email: ptr("lan@a.vn")})
	if err != nil {
		t.Fatal(err)
	}
	c.mustSignIn(c.a, lan.AuthSubject)
	c.meter.Reset()

	for range 10 {
		c.mustSignIn(c.a, lan.AuthSubject)
		if _, err := c.a.LoadOrg(ctx, ws.ID); err != nil {
			t.Fatal(err)
		}
	}
	if got := c.reads(counters); got != 0 {
		t.Errorf("a warm container read %v units of the set-up version within the bound, want 0", got)
	}
	if got := c.reads("SUBJECT#" + lan.AuthSubject); got != 0 {
		t.Errorf("a warm container read %v units of the subject's binding within the bound, want 0", got)
	}

	// Container b deactivates Lan: b refuses her at once, a within the bound.
	if _, err := c.b.UpdateUser(ctx, c.mustSignIn(c.b, admin.AuthSubject), lan.ID, workspace.UserInput{Active: ptr(false)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.signIn(c.b, lan.AuthSubject); domain.CodeOf(err) != "user_inactive" {
		t.Errorf("the container that deactivated Lan signs her in: %v, want user_inactive", err)
	}
	if _, err := c.signIn(c.a, lan.AuthSubject); err != nil {
		t.Errorf("another container within the bound: %v, want the kept set-up (Lan active)", err)
	}
	c.clock.Add(workspace.SetupFreshFor)
	c.meter.Reset()
	if _, err := c.signIn(c.a, lan.AuthSubject); domain.CodeOf(err) != "user_inactive" {
		t.Errorf("another container after the bound: %v, want user_inactive", err)
	}
	if got := c.reads(counters); got != 0.5 {
		t.Errorf("looking at the set-up version after the bound cost %v units, want 0.5 (one eventually consistent read)", got)
	}

	// Container a renames the workspace: a sees it at once.
	if _, err := c.a.UpdateWorkspace(ctx, c.mustSignIn(c.a, admin.AuthSubject), workspace.WorkspaceInput{Name: ptr("Tend Sài Gòn")}); err != nil {
		t.Fatal(err)
	}
	if o, err := c.a.LoadOrg(ctx, ws.ID); err != nil || o.Workspace.Name != "Tend Sài Gòn" {
		t.Errorf("the container that renamed the workspace reads %+v, %v", o, err)
	}
}

// A subject given up by its user stops signing in through the container
// that changed it at once, and through another one within the bound.
func TestSubjectKeptForABound(t *testing.T) {
	c := newContainers(t)
	ctx := t.Context()
	_, admin, err := c.a.CreateWorkspace(ctx, workspace.NewWorkspace{Name: "a", AdminEmail: "admin@a.vn"})
	if err != nil {
		t.Fatal(err)
	}
	lan, err := c.a.CreateUser(ctx, c.mustSignIn(c.a, admin.AuthSubject), workspace.UserInput{Name: ptr("Lan"), Email: ptr("lan@a.vn"),
		AuthSubject: ptr("cognito-lan")})
	if err != nil {
		t.Fatal(err)
	}
	c.mustSignIn(c.a, "cognito-lan")
	c.mustSignIn(c.b, "cognito-lan")
	if _, err := c.a.UpdateUser(ctx, c.mustSignIn(c.a, admin.AuthSubject), lan.ID, workspace.UserInput{AuthSubject: ptr("cognito-lan-2")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.signIn(c.a, "cognito-lan"); domain.CodeOf(err) != "unknown_subject" {
		t.Errorf("the old subject through the container that changed it: %v, want unknown_subject", err)
	}
	if caller, err := c.signIn(c.b, "cognito-lan"); err != nil || caller.User.ID != lan.ID {
		t.Errorf("the old subject through another container within the bound: %v, want Lan's kept binding", err)
	}
	c.clock.Add(workspace.SetupFreshFor)
	if _, err := c.signIn(c.b, "cognito-lan"); domain.CodeOf(err) != "unknown_subject" {
		t.Errorf("the old subject through another container after the bound: %v, want unknown_subject", err)
	}
	if caller := c.mustSignIn(c.b, "cognito-lan-2"); caller.User.ID != lan.ID {
		t.Errorf("the new subject signs in as %s, want Lan", caller.User.ID)
	}
}
