// Package fbgraphtest is a fake Graph API for tests and the local runner:
// it answers GET /{version}/{leadgen_id} with the leads it was given, per
// access token, as the Graph API does, and can fail or hang on demand.
package fbgraphtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"

	"tend/internal/fbgraph"
)

// Server is a fake Graph API; URL is its base URL for fbgraph.New.
type Server struct {
	*httptest.Server

	mu      sync.Mutex
	leads   map[string]map[string][]byte // token → lead id → answer
	fail    []int                        // statuses of the next calls to fail
	hang    int                          // next calls to hang
	calls   int
	closing chan struct{}
	once    sync.Once
}

// New starts a fake Graph API; Close it when done.
func New() *Server {
	s := &Server{leads: map[string]map[string][]byte{}, closing: make(chan struct{})}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Close releases the calls that hang and stops the server.
func (s *Server) Close() {
	s.once.Do(func() { close(s.closing) })
	s.Server.Close()
}

// AddLead serves a lead to callers with token.
func (s *Server) AddLead(token string, lead fbgraph.Lead) {
	data := []map[string]any{}
	for _, f := range lead.Fields {
		data = append(data, map[string]any{"name": f.Name, "values": f.Values})
	}
	answer := map[string]any{"id": lead.ID, "form_id": lead.FormID, "ad_id": lead.AdID, "adset_id": lead.AdsetID,
		"campaign_id": lead.CampaignID, "is_organic": lead.IsOrganic, "platform": lead.Platform, "field_data": data}
	if !lead.CreatedTime.IsZero() {
		answer["created_time"] = lead.CreatedTime.UTC().Format("2006-01-02T15:04:05-0700")
	}
	b, _ := json.Marshal(answer) // strings, bools and lists of them always encode
	s.AddAnswer(token, lead.ID, b)
}

// AddAnswer serves body, as it is, for the lead id to callers with token
// (a sample of events/providers, say).
func (s *Server) AddAnswer(token, id string, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.leads[token] == nil {
		s.leads[token] = map[string][]byte{}
	}
	s.leads[token][id] = body
}

// FailNext makes the next n calls answer status with a Graph error: code
// 1 ("An unknown error occurred", transient) for a 5xx, 4 (the app's rate
// limit) for 429, else 100 (invalid parameter).
func (s *Server) FailNext(n, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.fail = append(s.fail, status)
	}
}

// ClearFailures drops the failures FailNext queued that no call has met.
func (s *Server) ClearFailures() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail = nil
}

// HangNext makes the next n calls answer nothing until their caller gives
// up (the client's timeout ends the request) or the server closes.
func (s *Server) HangNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hang += n
}

// Calls is how many calls the server got.
func (s *Server) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.calls++
	hang := s.hang > 0
	if hang {
		s.hang--
	}
	status := 0
	if !hang && len(s.fail) > 0 {
		status, s.fail = s.fail[0], s.fail[1:]
	}
	s.mu.Unlock()

	switch {
	case hang:
		select {
		case <-r.Context().Done():
		case <-s.closing:
		}
		return
	case status != 0:
		code, message := 100, "Invalid parameter"
		switch {
		case status >= 500:
			code, message = 1, "An unknown error occurred"
		case status == http.StatusTooManyRequests:
			code, message = 4, "Application request limit reached"
		}
		graphError(w, status, code, "OAuthException", message)
		return
	}
	s.answer(w, r)
}

// answer serves a lead as the Graph API does: the version in the path, the
// token in an Authorization: Bearer header or the access_token parameter.
func (s *Server) answer(w http.ResponseWriter, r *http.Request) {
	id, ok := strings.CutPrefix(r.URL.Path, "/"+fbgraph.Version+"/")
	if r.Method != http.MethodGet || !ok || id == "" || strings.Contains(id, "/") {
		graphError(w, http.StatusBadRequest, 2500, "OAuthException", "Unknown path components: "+r.URL.Path)
		return
	}
	token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if token == "" {
		token = r.URL.Query().Get("access_token")
	}
	s.mu.Lock()
	leads, known := s.leads[token]
	body, found := leads[id]
	s.mu.Unlock()
	switch {
	case token == "" || !known:
		graphError(w, http.StatusBadRequest, 190, "OAuthException", "Invalid OAuth access token - Cannot parse access token")
	case !found:
		graphError(w, http.StatusBadRequest, 100, "GraphMethodException",
			fmt.Sprintf("Unsupported get request. Object with ID '%s' does not exist, cannot be loaded due to missing permissions, or does not support this operation.", id))
	default:
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		_, _ = w.Write(body) // a write that fails is a short answer, for the client to see
	}
}

// graphError writes the Graph API's error answer.
func graphError(w http.ResponseWriter, status, code int, typ, message string) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{ // as above
		"message": message, "type": typ, "code": code, "fbtrace_id": "AbCdEfGhIjK"}})
}
