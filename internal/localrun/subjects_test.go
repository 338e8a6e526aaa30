package localrun_test

import (
	"strings"
	"testing"
)

// An admin invites a user by sign-in subject; the subject binds at its
// first sign-in. Another workspace's subject is accepted (revealing
// nothing) and never takes effect; within one workspace a subject is
// taken once.
func TestInviteBySubject(t *testing.T) {
	s := start(t, false)
	a, tenantA := s.workspace("Công ty A")
	b, tenantB := s.workspace("Công ty B")
	invite := func(admin *client, name, subject string) *reply {
		t.Helper()
		return admin.do("POST", "/v1/users", map[string]any{"name": name, "auth_subject": subject,
			"email": strings.ToLower(name) + "@example.vn"})
	}
	type user struct {
		ID       string `json:"id"`
		TenantID string `json:"tenant_id"`
	}
	signsInAs := func(subject string, want user) {
		t.Helper()
		var got user
		s.as(s.app.Token(subject)).do("GET", "/v1/me", nil).ok(200).into(&got)
		if got != want {
			t.Fatalf("%q signs in as %+v, want %+v", subject, got, want)
		}
	}

	var lan, mai, hoa user
	invite(a, "Lan", "cognito-lan").ok(201).into(&lan)
	signsInAs("cognito-lan", lan)
	invite(b, "Mai", "cognito-lan").ok(201).into(&mai)
	signsInAs("cognito-lan", lan)
	if lan.TenantID != tenantA || mai.TenantID != tenantB {
		t.Fatalf("Lan in %s, Mai in %s; want %s and %s", lan.TenantID, mai.TenantID, tenantA, tenantB)
	}
	invite(b, "Hoa", "cognito-hoa").ok(201).into(&hoa)
	signsInAs("cognito-hoa", hoa)

	messages := map[string]string{"vi": "Tài khoản đăng nhập này đã gắn với một nhân viên khác.", "en": "This sign-in is already linked to another user."}
	for lang, want := range messages {
		c := *b
		c.lang = lang
		p := invite(&c, "Minh", "cognito-lan").problem(409)
		if p.Code != "subject_taken" || p.Detail != want || len(p.Errors) != 1 ||
			p.Errors[0].Path != "auth_subject" || p.Errors[0].Code != "subject_taken" || p.Errors[0].Message != want {
			t.Fatalf("%s: a second user of B with the subject: %+v, want subject_taken %q at auth_subject", lang, p, want)
		}
	}
}
