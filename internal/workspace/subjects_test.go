package workspace_test

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"tend/internal/domain"
	"tend/internal/tendtest"
	"tend/internal/workspace"
)

// signIns is the set-up service over real SQLite whose clock the test moves, and
// whose log it reads.
type signIns struct {
	t     *testing.T
	svc   *workspace.Service
	clock *tendtest.Clock
	log   *syncBuffer
}

func newSignIns(t *testing.T) *signIns {
	si := &signIns{t: t, clock: tendtest.NewClock(tendtest.DefaultTime), log: &syncBuffer{}}
	si.svc = workspace.New(tendtest.Store(t, si.clock), si.clock, slog.New(slog.NewTextHandler(si.log, nil)))
	return si
}

// workspace opens a workspace and returns its admin's subject.
func (si *signIns) workspace(name string) string {
	si.t.Helper()
	_, admin, err := si.svc.CreateWorkspace(si.t.Context(), workspace.NewWorkspace{Name: name, AdminEmail: "admin@" + name + ".vn"})
	if err != nil {
		si.t.Fatal(err)
	}
	return admin.AuthSubject
}

// as signs in as subject.
func (si *signIns) as(subject string) *workspace.Caller {
	si.t.Helper()
	c, err := si.svc.Authenticate(si.t.Context(), subject)
	if err != nil {
		si.t.Fatalf("Authenticate(%q): %v", subject, err)
	}
	return c
}

// invite has the admin signed in as admin create a user carrying subject.
func (si *signIns) invite(admin, name, subject string) (*domain.User, error) {
	return si.svc.CreateUser(si.t.Context(), si.as(admin), workspace.UserInput{Name: &name,
		Email: ptr(strings.ToLower(name) + "@example.vn"), AuthSubject: &subject})
}

func (si *signIns) mustInvite(admin, name, subject string) *domain.User {
	si.t.Helper()
	u, err := si.invite(admin, name, subject)
	if err != nil {
		si.t.Fatalf("invite %s as %q: %v", name, subject, err)
	}
	return u
}

// signsInAs fails unless subject signs in as user u.
func (si *signIns) signsInAs(subject string, u *domain.User) {
	si.t.Helper()
	if c := si.as(subject); c.User.ID != u.ID || c.Tenant() != u.TenantID {
		si.t.Fatalf("%q signs in as %s of %s, want %s (%s) of %s", subject, c.User.ID, c.Tenant(), u.ID, u.Name, u.TenantID)
	}
}

// unknown fails unless subject is refused as unknown.
func (si *signIns) unknown(subject string) {
	si.t.Helper()
	if _, err := si.svc.Authenticate(si.t.Context(), subject); domain.CodeOf(err) != "unknown_subject" {
		si.t.Fatalf("Authenticate(%q): %v, want unknown_subject", subject, err)
	}
}

func ptr[T any](v T) *T { return &v }

// Another workspace's admin typing a subject neither learns that it exists
// nor takes it: the invitation is accepted and never takes effect.
func TestSubjectOfAnotherWorkspace(t *testing.T) {
	si := newSignIns(t)
	adminA, adminB := si.workspace("a"), si.workspace("b")
	adminUserA := si.as(adminA).User
	lan := si.mustInvite(adminA, "Lan", "cognito-lan")
	si.signsInAs("cognito-lan", lan)

	si.clock.Add(time.Hour)
	mallory, err := si.invite(adminB, "Mallory", "cognito-lan")
	if err != nil {
		t.Fatalf("B invites A's bound subject: %v, want it accepted", err)
	}
	si.signsInAs("cognito-lan", lan)
	// B's admin changing its user's subject doesn't free A's binding.
	if _, err := si.svc.UpdateUser(t.Context(), si.as(adminB), mallory.ID, workspace.UserInput{AuthSubject: ptr("cognito-other")}); err != nil {
		t.Fatal(err)
	}
	si.signsInAs("cognito-lan", lan)
	// Nor does inviting again, or opening a workspace, with A's admin's subject.
	if _, err := si.invite(adminB, "Eve", adminA); err != nil {
		t.Fatalf("B invites A's admin's subject: %v", err)
	}
	si.signsInAs(adminA, adminUserA)
	if _, _, err := si.svc.CreateWorkspace(t.Context(), workspace.NewWorkspace{Name: "c", AdminEmail: "c@c.vn", AdminSubject: "cognito-lan"}); domain.CodeOf(err) != "subject_taken" {
		t.Fatalf("a workspace opened with a bound subject: %v, want subject_taken", err)
	}
	si.signsInAs("cognito-lan", lan)
}

// A subject invited but not signed in yet binds, at its first sign-in, to
// the oldest invitation whose user is still active and still carries it.
func TestFirstSignInBindsOldestInvitation(t *testing.T) {
	start := tendtest.DefaultTime
	tests := []struct {
		name string
		// after runs on the invited users (by name) before the first sign-in.
		after func(si *signIns, admins map[string]string, users map[string]*domain.User)
		want  string // "" for unknown_subject
	}{
		{"the oldest invitation", nil, "older"},
		{"the oldest whose user is still active", func(si *signIns, admins map[string]string, users map[string]*domain.User) {
			if _, err := si.svc.DeactivateUser(si.t.Context(), si.as(admins["older"]), users["older"].ID); err != nil {
				si.t.Fatal(err)
			}
		}, "newer"},
		{"the oldest whose user still carries the subject", func(si *signIns, admins map[string]string, users map[string]*domain.User) {
			if _, err := si.svc.UpdateUser(si.t.Context(), si.as(admins["older"]), users["older"].ID, workspace.UserInput{AuthSubject: ptr("cognito-elsewhere")}); err != nil {
				si.t.Fatal(err)
			}
		}, "newer"},
		{"none left", func(si *signIns, admins map[string]string, users map[string]*domain.User) {
			for _, who := range []string{"older", "newer"} {
				if _, err := si.svc.DeactivateUser(si.t.Context(), si.as(admins[who]), users[who].ID); err != nil {
					si.t.Fatal(err)
				}
			}
		}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			si := newSignIns(t)
			admins := map[string]string{"older": si.workspace("older"), "newer": si.workspace("newer")}
			users := map[string]*domain.User{}
			// The newer invitation is written first: age, not order, decides.
			si.clock.Set(start.Add(2 * time.Hour))
			users["newer"] = si.mustInvite(admins["newer"], "Newer", "cognito-hoa")
			si.clock.Set(start.Add(time.Hour))
			users["older"] = si.mustInvite(admins["older"], "Older", "cognito-hoa")
			si.clock.Set(start.Add(3 * time.Hour))
			if tc.after != nil {
				tc.after(si, admins, users)
			}
			if tc.want == "" {
				si.unknown("cognito-hoa")
				return
			}
			si.signsInAs("cognito-hoa", users[tc.want])
			// Bound now: a user invited later in any workspace doesn't take it.
			other := si.workspace("later")
			si.mustInvite(other, "Later", "cognito-hoa")
			si.signsInAs("cognito-hoa", users[tc.want])
		})
	}
}

// Concurrent first sign-ins of one invited subject bind it once, all to
// the same user.
func TestConcurrentFirstSignInsBindOnce(t *testing.T) {
	si := newSignIns(t)
	first := si.mustInvite(si.workspace("a"), "Minh", "cognito-minh")
	si.clock.Add(time.Minute)
	si.mustInvite(si.workspace("b"), "Minh", "cognito-minh")

	const n = 50
	got := make([]*workspace.Caller, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { got[i], errs[i] = si.svc.Authenticate(t.Context(), "cognito-minh") })
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("sign-in %d: %v", i, errs[i])
		}
		if got[i].User.ID != first.ID {
			t.Fatalf("sign-in %d: user %s, want %s", i, got[i].User.ID, first.ID)
		}
	}
	if bound := strings.Count(si.log.String(), `msg="subject bound"`); bound != 1 {
		t.Fatalf("%d bindings written, want 1", bound)
	}
}

// Within one workspace two users can't carry the same subject, even one
// bound elsewhere. A subject its user gives up is free again: its next
// sign-in binds the oldest invitation left.
func TestSubjectTakenInWorkspace(t *testing.T) {
	si := newSignIns(t)
	adminA, adminB := si.workspace("a"), si.workspace("b")
	lan := si.mustInvite(adminA, "Lan", "cognito-lan")
	si.signsInAs("cognito-lan", lan)
	si.clock.Add(time.Hour)
	mai := si.mustInvite(adminB, "Mai", "cognito-lan")
	hoa := si.mustInvite(adminB, "Hoa", "cognito-hoa")
	taken := func(what string, err error) {
		t.Helper()
		var e *domain.Error
		if !errors.As(err, &e) || !errors.Is(err, domain.ErrConflict) || e.Code != "subject_taken" ||
			len(e.Fields) != 1 || e.Fields[0].Path != "auth_subject" || e.Fields[0].Code != "subject_taken" {
			t.Fatalf("%s: %v, want 409 subject_taken at auth_subject", what, err)
		}
	}
	_, err := si.invite(adminB, "Minh", "cognito-lan")
	taken("a new user with a colleague's subject", err)
	_, err = si.svc.UpdateUser(t.Context(), si.as(adminB), hoa.ID, workspace.UserInput{AuthSubject: ptr("cognito-lan")})
	taken("a user given a colleague's subject", err)
	_, err = si.invite(adminB, "Quan", adminB)
	taken("a new user with the admin's subject", err)

	change := func(admin string, u *domain.User, subject string) {
		t.Helper()
		if _, err := si.svc.UpdateUser(t.Context(), si.as(admin), u.ID, workspace.UserInput{AuthSubject: &subject}); err != nil {
			t.Fatalf("give %s %q: %v", u.Name, subject, err)
		}
	}
	// A's Lan gives the subject up: B's invitation now takes effect.
	change(adminA, lan, "cognito-lan-2")
	si.signsInAs("cognito-lan", mai)
	si.signsInAs("cognito-lan-2", lan)
	// B's Mai gives it up: no invitation is left, and Hoa may take it.
	change(adminB, mai, "cognito-mai")
	si.unknown("cognito-lan")
	change(adminB, hoa, "cognito-lan")
	si.signsInAs("cognito-lan", hoa)
}

// syncBuffer is a log sink safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
