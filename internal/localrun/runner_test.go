package localrun_test

import (
	"testing"
	"time"

	"tend/internal/domain"
	"tend/internal/httpapi"
)

// The first start creates the demo workspace; a restart keeps every change
// and creates nothing twice.
func TestDemoWorkspaceSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	s := startIn(t, dir, true)
	var tok struct {
		Token string `json:"token"`
	}
	s.anon().do("POST", "/dev/token", nil).ok(200).into(&tok)
	admin := s.as(tok.Token)
	me := admin.do("GET", "/v1/me", nil).ok(200).obj()
	if me["role"] != "admin" {
		t.Fatalf("demo token is for role %v, want admin", me["role"])
	}
	ws := me["workspace"].(map[string]any)
	if ws["timezone"] != "Asia/Ho_Chi_Minh" || ws["language"] != "vi" {
		t.Fatalf("workspace defaults = %v", ws)
	}
	var users struct {
		Items []struct {
			Role string `json:"role"`
		} `json:"items"`
	}
	admin.do("GET", "/v1/users", nil).ok(200).into(&users)
	roles := map[string]int{}
	for _, u := range users.Items {
		roles[u.Role]++
	}
	if roles["admin"] != 1 || roles["team_leader"] != 1 || roles["staff"] != 3 {
		t.Fatalf("demo users by role = %v, want 1 admin, 1 team leader, 3 staff", roles)
	}
	before := admin.list("")
	if len(before.Items) < 3 {
		t.Fatalf("demo has %d customers", len(before.Items))
	}
	added := admin.createCustomer(map[string]any{"name": "Khách sau khởi động", "phone": "0903 000 111"})

	s.stop()
	s2 := startIn(t, dir, true)
	admin2 := s2.as(tok.Token)
	after := admin2.list("")
	if len(after.Items) != len(before.Items)+1 {
		t.Fatalf("after restart: %d customers, want %d", len(after.Items), len(before.Items)+1)
	}
	admin2.do("GET", "/v1/customers/"+added.ID, nil).ok(200)
	var tok2 struct {
		Token string `json:"token"`
	}
	s2.anon().do("POST", "/dev/token", nil).ok(200).into(&tok2)
	if got := s2.as(tok2.Token).do("GET", "/v1/me", nil).ok(200).obj()["id"]; got != me["id"] {
		t.Fatalf("restart made a new demo admin %v (was %v)", got, me["id"])
	}
}

func TestDevHelpers(t *testing.T) {
	s := start(t, false)
	at := time.Date(2026, 12, 20, 1, 0, 0, 0, time.UTC)
	var clock struct {
		Now  time.Time `json:"now"`
		Unix int64     `json:"unix"`
	}
	s.anon().do("POST", "/dev/clock", map[string]any{"now": at}).ok(200).into(&clock)
	if !clock.Now.Equal(at) || clock.Unix != at.Unix() {
		t.Fatalf("clock = %v (unix %d), want %v (unix %d)", clock.Now, clock.Unix, at, at.Unix())
	}
	s.anon().do("GET", "/dev/clock", nil).ok(200).into(&clock)
	if !clock.Now.Equal(at) || clock.Unix != at.Unix() {
		t.Fatalf("frozen clock moved to %v (unix %d)", clock.Now, clock.Unix)
	}
	s.anon().do("POST", "/dev/clock", map[string]any{}).ok(422)

	admin, _ := s.workspace("Công ty Hai")
	cu := admin.createCustomer(map[string]any{"name": "Khách A"})
	var got struct {
		CreatedAt time.Time `json:"created_at"`
	}
	admin.do("GET", "/v1/customers/"+cu.ID, nil).ok(200).into(&got)
	if !got.CreatedAt.Equal(at) {
		t.Fatalf("created_at = %v, want the runner's clock %v", got.CreatedAt, at)
	}

	var drained struct {
		Processed int `json:"processed"`
	}
	s.anon().do("POST", "/dev/drain", nil).ok(200).into(&drained)
	if drained.Processed < 1 {
		t.Fatalf("drain processed %d changes, want the customer's creation at least", drained.Processed)
	}
	s.anon().do("POST", "/dev/drain", nil).ok(200).into(&drained)
	if drained.Processed != 0 {
		t.Fatalf("second drain processed %d, want 0", drained.Processed)
	}
	var outbox struct {
		Items []any `json:"items"`
	}
	s.anon().do("GET", "/dev/outbox", nil).ok(200).into(&outbox)
	if outbox.Items == nil || len(outbox.Items) != 0 {
		t.Fatalf("outbox = %v, want an empty list", outbox.Items)
	}
	s.anon().do("POST", "/dev/token", nil).ok(404) // no demo workspace in this runner
}

// A token is refused when it is forged, expired or for an unknown user.
func TestAuthentication(t *testing.T) {
	s := start(t, false)
	admin, _ := s.workspace("Auth")
	tests := []struct {
		name, token, code string
	}{
		{"no token", "", "unauthorized"},
		{"garbage", "not-a-jwt", "unauthorized"},
		{"forged signature", admin.token[:len(admin.token)-4] + "AAAA", "unauthorized"},
		{"alg none", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", "unauthorized"},
		{"unknown user", s.app.Token("usr_nobody"), "unknown_subject"},
		{"expired", expiredToken(admin.userID), "token_expired"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := s.as(tc.token).do("GET", "/v1/me", nil).problem(401)
			if p.Code != tc.code {
				t.Fatalf("code = %s, want %s", p.Code, tc.code)
			}
		})
	}
	// A deactivated user can't call the API.
	staff := admin.user("Nhân viên Nghỉ", "staff")
	staff.do("GET", "/v1/me", nil).ok(200)
	admin.do("DELETE", "/v1/users/"+staff.userID, nil).ok(200)
	if p := staff.do("GET", "/v1/me", nil).problem(403); p.Code != "user_inactive" {
		t.Fatalf("deactivated user: code %s", p.Code)
	}
}

// expiredToken is a token of the tests' secret issued 31 days ago, for 30.
func expiredToken(userID string) string {
	issued := httpapi.HS256{Secret: []byte(testSecret), Clock: domain.ClockFunc(func() time.Time { return time.Now().Add(-31 * 24 * time.Hour) })}
	return issued.Sign(userID, 30*24*time.Hour)
}

// Tokens keep real time: moving the runner's clock, forward past their 30
// days or back before they were issued, neither logs anyone out nor
// revives an expired token.
func TestTokensIgnoreTheRunnersClock(t *testing.T) {
	s := start(t, false)
	admin, _ := s.workspace("Đồng hồ")
	tests := []struct {
		name string
		at   time.Time
	}{
		{"forward past the token's 30 days", time.Now().Add(31 * 24 * time.Hour)},
		{"a year forward", time.Now().AddDate(1, 0, 0)},
		{"back before the token was issued", time.Now().AddDate(-1, 0, 0)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s.setClock(tc.at)
			admin.do("GET", "/v1/me", nil).ok(200)
		})
	}
	s.setClock(time.Now().Add(-31 * 24 * time.Hour))
	if p := s.as(expiredToken(admin.userID)).do("GET", "/v1/me", nil).problem(401); p.Code != "token_expired" {
		t.Fatalf("an expired token with the clock set back: code %s, want token_expired", p.Code)
	}
}
