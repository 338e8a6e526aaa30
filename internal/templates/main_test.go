package templates_test

import (
	"errors"
	"testing"
	"time"

	"tend/internal/domain"
	"tend/internal/templates"
	"tend/internal/tendtest"
	"tend/internal/workspace"
)

// now is the tests' clock: 09:00 on 15 June 2026 in Hà Nội.
var now = time.Date(2026, 6, 15, 2, 0, 0, 0, time.UTC)

// env is a workspace with custom fields of the types templates format,
// an admin and a staff member.
type env struct {
	svc   *templates.Service
	org   *workspace.Org
	admin *workspace.Caller
	staff *workspace.Caller
}

func str(s string) *string { return &s }

// newEnv opens a store in a temporary directory and sets up a workspace
// in language lang.
func newEnv(t *testing.T, lang string) *env {
	t.Helper()
	w := tendtest.MustOpen(t, tendtest.Options{Name: "Công ty Hoa Sen", Language: lang, AdminName: "Quản Trị", Clock: tendtest.NewClock(now)})
	w.Field("kind", "Loại", domain.TypeSelect, "VIP", "Thường")
	w.Field("hobbies", "Sở thích", domain.TypeMultiSelect, "golf", "wine")
	w.Field("score", "Điểm", domain.TypeNumber)
	w.Field("budget", "Ngân sách", domain.TypeMoney)
	w.Field("signed", "Ngày ký", domain.TypeDate)
	w.Field("seen", "Lần gặp", domain.TypeDateTime)
	w.Field("partner", "Đối tác", domain.TypeBoolean)
	w.Field("manager", "Quản lý", domain.TypeUser)
	w.Field("title", "Chức vụ", domain.TypeText)
	staff, err := w.Workspaces.CreateUser(t.Context(), w.Admin(), workspace.UserInput{Name: str("Trần Thị Lan"), Email: str("lan@hoasen.vn"), Phone: str("0912345678")})
	if err != nil {
		t.Fatal(err)
	}
	sc := w.SignIn(staff)
	return &env{svc: templates.New(w.DB, w.Clock), org: sc.Org, admin: w.Admin(), staff: sc}
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
