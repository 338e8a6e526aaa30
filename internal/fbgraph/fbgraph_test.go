package fbgraph_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"tend/internal/fbgraph"
	"tend/internal/fbgraph/fbgraphtest"
	"tend/internal/leadpayload"
)

const (
	token  = "EAAGm0PX4ZCpsBAPageToken-s3cr3t"
	leadID = "1234567890123456"
)

// sampleLead is the Graph API's answer of events/providers.
func sampleLead(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "events", "providers", "facebook-graph-lead.json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// start returns a fake Graph API serving the sample lead to token, and a
// client of it whose attempts time out fast and retry at once.
func start(t *testing.T) (*fbgraphtest.Server, *fbgraph.Client) {
	t.Helper()
	srv := fbgraphtest.New()
	t.Cleanup(srv.Close)
	srv.AddAnswer(token, leadID, sampleLead(t))
	c := fbgraph.New(srv.URL, nil)
	c.AttemptTimeout = 200 * time.Millisecond
	c.Backoff = 0
	return srv, c
}

func wantSample(t *testing.T, got *fbgraph.Lead) {
	t.Helper()
	want := fbgraph.Lead{ID: leadID, CreatedTime: time.Date(2026, 3, 2, 2, 55, 40, 0, time.UTC), FormID: "987654321098765",
		AdID: "120210987654321098", AdsetID: "120210987654321011", CampaignID: "120210987654321000", Platform: "fb",
		Fields: []leadpayload.Field{{Name: "full_name", Values: []string{"Nguyễn Thị Lan"}},
			{Name: "phone_number", Values: []string{"+84912345678"}}, {Name: "email", Values: []string{"lan.nguyen@example.com"}},
			{Name: "city", Values: []string{"Hà Nội"}}, {Name: "bạn_quan_tâm_gói_nào?", Values: []string{"Gói gia đình"}}}}
	g, fields, wantFields := *got, got.Fields, want.Fields
	g.Fields, want.Fields = nil, nil
	if !g.CreatedTime.Equal(want.CreatedTime) || g.ID != want.ID || g.FormID != want.FormID || g.AdID != want.AdID ||
		g.AdsetID != want.AdsetID || g.CampaignID != want.CampaignID || g.IsOrganic || g.Platform != want.Platform {
		t.Errorf("lead %+v, want %+v", g, want)
	}
	if !slices.EqualFunc(fields, wantFields, func(a, b leadpayload.Field) bool {
		return a.Name == b.Name && slices.Equal(a.Values, b.Values)
	}) {
		t.Errorf("fields %q, want %q", fields, wantFields)
	}
}

func TestLead(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setUp func(*fbgraphtest.Server)
		calls int
	}{
		{"at once", func(*fbgraphtest.Server) {}, 1},
		{"after a 500", func(s *fbgraphtest.Server) { s.FailNext(1, 500) }, 2},
		{"after a 503 and a 429", func(s *fbgraphtest.Server) { s.FailNext(1, 503); s.FailNext(1, 429) }, 3},
		{"after a timeout", func(s *fbgraphtest.Server) { s.HangNext(1) }, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, c := start(t)
			tc.setUp(srv)
			got, err := c.Lead(t.Context(), leadID, token)
			if err != nil {
				t.Fatal(err)
			}
			wantSample(t, got)
			if n := srv.Calls(); n != tc.calls {
				t.Errorf("%d calls, want %d", n, tc.calls)
			}
		})
	}
}

// A lead built with AddLead comes back as it went in.
func TestAddLead(t *testing.T) {
	srv, c := start(t)
	in := fbgraph.Lead{ID: "42", CreatedTime: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), FormID: "7", IsOrganic: true, Platform: "ig",
		Fields: []leadpayload.Field{{Name: "full_name", Values: []string{"Võ Thị Sáu"}}}}
	srv.AddLead("other-token", in)
	got, err := c.Lead(t.Context(), "42", "other-token")
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != "42" || !got.CreatedTime.Equal(in.CreatedTime) || !got.IsOrganic || got.Platform != "ig" || got.Fields[0].Values[0] != "Võ Thị Sáu" {
		t.Fatalf("got %+v", got)
	}
}

func TestLeadFailures(t *testing.T) {
	for _, tc := range []struct {
		name     string
		setUp    func(*fbgraphtest.Server)
		id, tok  string
		kind     error
		calls    int
		contains string
	}{
		{"an invalid token is rejected at once", func(*fbgraphtest.Server) {}, leadID, token + "x", fbgraph.ErrRejected, 1,
			"Invalid OAuth access token - Cannot parse access token (OAuthException, code 190"},
		{"no such lead", func(*fbgraphtest.Server) {}, "999", token, fbgraph.ErrRejected, 1, "code 100"},
		{"a 400 is rejected at once", func(s *fbgraphtest.Server) { s.FailNext(1, 400) }, leadID, token, fbgraph.ErrRejected, 1, "Invalid parameter"},
		{"5xx every time", func(s *fbgraphtest.Server) { s.FailNext(5, 500) }, leadID, token, fbgraph.ErrTransient, 3, "An unknown error occurred"},
		{"timeouts every time", func(s *fbgraphtest.Server) { s.HangNext(5) }, leadID, token, fbgraph.ErrTransient, 3, "attempt 3"},
		{"a rate limit every time", func(s *fbgraphtest.Server) { s.FailNext(5, 429) }, leadID, token, fbgraph.ErrTransient, 3, "code 4,"},
		{"no token", func(*fbgraphtest.Server) {}, leadID, "", fbgraph.ErrRejected, 0, "no token"},
		{"a lead id with a path in it stays one path segment", func(*fbgraphtest.Server) {}, "../me", token, fbgraph.ErrRejected, 1, "code 2500"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, c := start(t)
			tc.setUp(srv)
			got, err := c.Lead(t.Context(), tc.id, tc.tok)
			if err == nil {
				t.Fatalf("got %+v", got)
			}
			if !errors.Is(err, tc.kind) {
				t.Errorf("error %v, want %v", err, tc.kind)
			}
			if other := map[error]error{fbgraph.ErrRejected: fbgraph.ErrTransient, fbgraph.ErrTransient: fbgraph.ErrRejected}[tc.kind]; errors.Is(err, other) {
				t.Errorf("error %v is %v too", err, other)
			}
			if !strings.Contains(err.Error(), tc.contains) {
				t.Errorf("error %q, want it to say %q", err, tc.contains)
			}
			if tc.tok != "" && strings.Contains(err.Error(), tc.tok) || strings.Contains(err.Error(), token) {
				t.Errorf("error %q holds the token", err)
			}
			if n := srv.Calls(); n != tc.calls {
				t.Errorf("%d calls, want %d", n, tc.calls)
			}
		})
	}
}

// A lead whose answer holds text that is not text is rejected, not
// retried; an answer cut short is retried.
func TestLeadBadAnswers(t *testing.T) {
	for _, tc := range []struct {
		name, answer string
		kind         error
		calls        int
	}{
		{"a control character", `{"id":"5","field_data":[{"name":"full_name","values":["a\u0000"]}]}`, fbgraph.ErrRejected, 1},
		{"no id", `{"field_data":[]}`, fbgraph.ErrRejected, 1},
		{"cut short", `{"id":"5","field_da`, fbgraph.ErrTransient, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, c := start(t)
			srv.AddAnswer(token, "5", []byte(tc.answer))
			_, err := c.Lead(t.Context(), "5", token)
			if !errors.Is(err, tc.kind) {
				t.Fatalf("error %v, want %v", err, tc.kind)
			}
			if n := srv.Calls(); n != tc.calls {
				t.Errorf("%d calls, want %d", n, tc.calls)
			}
		})
	}
}

// A cancelled caller ends the call: no wait for the next attempt.
func TestLeadCancelled(t *testing.T) {
	_, c := start(t)
	c.Backoff = time.Hour // only the cancelled context can end this wait
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := c.Lead(ctx, leadID, token)
	if !errors.Is(err, fbgraph.ErrTransient) {
		t.Fatalf("error %v, want transient", err)
	}
}
