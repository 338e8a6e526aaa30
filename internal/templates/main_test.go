package templates_test

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"tend/internal/crm"
	"tend/internal/domain"
	"tend/internal/sqlite"
	"tend/internal/templates"
)

// now is the tests' clock: 09:00 on 15 June 2026 in Hà Nội.
var now = time.Date(2026, 6, 15, 2, 0, 0, 0, time.UTC)

// env is a workspace with custom fields of the types templates format,
// an admin and a staff member.
type env struct {
	svc   *templates.Service
	crm   *crm.Service
	org   *crm.Org
	admin *crm.Caller
	staff *crm.Caller
}

func str(s string) *string { return &s }

// newEnv opens a store in a temporary directory and sets up a workspace
// in language lang.
func newEnv(t *testing.T, lang string) *env {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "t.db"), sqlite.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	cs := crm.New(db, domain.ClockFunc(func() time.Time { return now }), nil)
	ctx := t.Context()
	_, admin, err := cs.CreateWorkspace(ctx, crm.NewWorkspace{Name: "Công ty Hoa Sen", Language: lang, AdminName: "Quản Trị", AdminEmail: "admin@hoasen.vn"})
	if err != nil {
		t.Fatal(err)
	}
	ac, err := cs.Authenticate(ctx, admin.AuthSubject)
	if err != nil {
		t.Fatal(err)
	}
	typ := func(t domain.FieldType) *domain.FieldType { return &t }
	for _, f := range []crm.FieldInput{
		{Key: str("kind"), Label: str("Loại"), Type: typ(domain.TypeSelect), Options: &[]string{"VIP", "Thường"}},
		{Key: str("hobbies"), Label: str("Sở thích"), Type: typ(domain.TypeMultiSelect), Options: &[]string{"golf", "wine"}},
		{Key: str("score"), Label: str("Điểm"), Type: typ(domain.TypeNumber)},
		{Key: str("budget"), Label: str("Ngân sách"), Type: typ(domain.TypeMoney)},
		{Key: str("signed"), Label: str("Ngày ký"), Type: typ(domain.TypeDate)},
		{Key: str("seen"), Label: str("Lần gặp"), Type: typ(domain.TypeDateTime)},
		{Key: str("partner"), Label: str("Đối tác"), Type: typ(domain.TypeBoolean)},
		{Key: str("manager"), Label: str("Quản lý"), Type: typ(domain.TypeUser)},
		{Key: str("title"), Label: str("Chức vụ"), Type: typ(domain.TypeText)},
	} {
		if _, err := cs.SaveField(ctx, ac, "", f); err != nil {
			t.Fatal(err)
		}
	}
	staff, err := cs.CreateUser(ctx, ac, crm.UserInput{Name: str("Trần Thị Lan"), Email: str("lan@hoasen.vn"), Phone: str("0912345678")})
	if err != nil {
		t.Fatal(err)
	}
	sc, err := cs.Authenticate(ctx, staff.AuthSubject)
	if err != nil {
		t.Fatal(err)
	}
	// Read the callers again: the admin's snapshot predates the fields.
	if ac, err = cs.Authenticate(ctx, admin.AuthSubject); err != nil {
		t.Fatal(err)
	}
	return &env{svc: templates.New(cs), crm: cs, org: sc.Org, admin: ac, staff: sc}
}

// problem is one field error as the tests compare it.
type problem struct{ path, code, param string }

// problemsOf returns the field errors of a validation error.
func problemsOf(t *testing.T, err error) []problem {
	t.Helper()
	var e *domain.Error
	if !errors.As(err, &e) {
		t.Fatalf("got error %v, want a *domain.Error", err)
	}
	var out []problem
	for _, f := range e.Fields {
		param := f.Params["field"]
		if param == "" {
			param = f.Params["max"]
		}
		out = append(out, problem{f.Path, f.Code, param})
	}
	return out
}

// wantCode fails unless err is a *domain.Error of kind with code.
func wantCode(t *testing.T, err error, kind error, code string) {
	t.Helper()
	if !errors.Is(err, kind) || domain.CodeOf(err) != code {
		t.Fatalf("got error %v, want %s (%v)", err, code, kind)
	}
}
