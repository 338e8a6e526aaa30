// Package fbgraph is the adapter to Facebook's Graph API: it fetches the
// lead a Lead Ads webhook announces by its id. A lead notification carries
// ids only; its fields are read here, with the Page's access token.
package fbgraph

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"tend/internal/leadpayload"
)

const (
	// DefaultBaseURL is the Graph API's.
	DefaultBaseURL = "https://graph.facebook.com"
	// Version is the Graph API version called (the current one on
	// developers.facebook.com's reference pages).
	Version = "v26.0"
	// leadFields are the fields of a lead asked for.
	leadFields = "id,created_time,field_data,form_id,ad_id,adset_id,campaign_id,is_organic,platform"
	// maxBody caps a Graph answer read (a lead has at most a few KiB).
	maxBody = 1 << 20
)

// Kinds of failure of a call, for errors.Is.
var (
	// ErrTransient: the Graph API could not answer now (5xx, 429, a rate
	// limit, a timeout, the network); the caller keeps the lead and tries
	// again later.
	ErrTransient = errors.New("fbgraph: transient failure")
	// ErrRejected: the Graph API refused the call (an invalid or expired
	// token, a missing permission, no such lead); trying again won't help
	// until someone fixes the source. The caller records the failure.
	ErrRejected = errors.New("fbgraph: rejected")
)

// Client calls the Graph API. Its fields may be set before the first call.
type Client struct {
	base string
	hc   *http.Client
	// AttemptTimeout bounds one attempt (default 5 s).
	AttemptTimeout time.Duration
	// Attempts is how many times a transient failure is tried within one
	// call (default 3).
	Attempts int
	// Backoff is the wait before the second attempt, doubled before each
	// next one (default 200 ms).
	Backoff time.Duration
}

// New returns a client of the Graph API at baseURL ("" for the real one)
// over hc (nil for a client of its own).
func New(baseURL string, hc *http.Client) *Client {
	if baseURL == "" {
		baseURL = DefaultBaseURL
	}
	if hc == nil {
		hc = &http.Client{}
	}
	return &Client{base: strings.TrimRight(baseURL, "/"), hc: hc,
		AttemptTimeout: 5 * time.Second, Attempts: 3, Backoff: 200 * time.Millisecond}
}

// Lead is a lead as the Graph API answers it.
type Lead struct {
	ID          string
	CreatedTime time.Time
	FormID      string
	AdID        string
	AdsetID     string
	CampaignID  string
	IsOrganic   bool
	Platform    string // "fb", "ig", …
	Fields      []leadpayload.Field
}

// Lead fetches a lead by its leadgen id with a Page access token. The
// token goes in an Authorization: Bearer header, which the Graph API
// accepts as it does the access_token parameter, so that it is in no URL
// (a *url.Error quotes its URL) and no log; it is in no error either.
// Transient failures are tried again, up to c.Attempts in all. Every error
// wraps ErrTransient or ErrRejected.
func (c *Client) Lead(ctx context.Context, leadgenID, accessToken string) (*Lead, error) {
	if leadgenID == "" || accessToken == "" {
		return nil, fmt.Errorf("fetch lead %q: no lead id or no token: %w", leadgenID, ErrRejected)
	}
	u := c.base + "/" + Version + "/" + url.PathEscape(leadgenID) + "?fields=" + url.QueryEscape(leadFields)
	wait := c.Backoff
	for attempt := 1; ; attempt++ {
		lead, err := c.attempt(ctx, u, accessToken)
		if err == nil {
			return lead, nil
		}
		if !errors.Is(err, ErrTransient) || attempt >= c.Attempts || !pause(ctx, wait) {
			return nil, fmt.Errorf("fetch lead %s (attempt %d): %w", leadgenID, attempt, err)
		}
		wait *= 2
	}
}

// attempt makes one call; its errors never hold the token.
func (c *Client) attempt(ctx context.Context, u, token string) (*Lead, error) {
	ctx, cancel := context.WithTimeout(ctx, c.AttemptTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("build request: %v: %w", err, ErrRejected)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/json")
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, failure(ErrTransient, token, "call: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, failure(ErrTransient, token, "read answer: %v", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, graphError(resp.StatusCode, body, token)
	}
	return readLead(body, token)
}

// failure is an error of a kind whose text has the token blanked out, in
// case an answer or a library quoted it.
func failure(kind error, token, format string, args ...any) error {
	text := strings.ReplaceAll(fmt.Sprintf(format, args...), token, "[token]")
	return fmt.Errorf("%s: %w", text, kind)
}

// graphAnswer is a lead, or the Graph API's error.
type graphAnswer struct {
	ID          string `json:"id"`
	CreatedTime string `json:"created_time"`
	FormID      string `json:"form_id"`
	AdID        string `json:"ad_id"`
	AdsetID     string `json:"adset_id"`
	CampaignID  string `json:"campaign_id"`
	IsOrganic   bool   `json:"is_organic"`
	Platform    string `json:"platform"`
	FieldData   []struct {
		Name   string   `json:"name"`
		Values []string `json:"values"`
	} `json:"field_data"`
	Error *struct {
		Message     string `json:"message"`
		Type        string `json:"type"`
		Code        int    `json:"code"`
		Subcode     int    `json:"error_subcode"`
		IsTransient bool   `json:"is_transient"`
	} `json:"error"`
}

// transientCodes are the Graph API's error codes of a failure that passes:
// unknown error, service down, the app's, user's, page's and custom rate
// limits, and the business use case limits (80001–80014).
var transientCodes = map[int]bool{1: true, 2: true, 4: true, 17: true, 32: true, 341: true, 613: true}

// graphError classifies a failed call: 5xx and 429 are transient, and so
// is an error the Graph API marks so or whose code is a rate limit; any
// other is rejected. Graph's own message goes into the error.
func graphError(status int, body []byte, token string) error {
	var a graphAnswer
	_ = json.Unmarshal(body, &a) // a body that isn't Graph's error says nothing more than its status
	kind := ErrRejected
	if status >= 500 || status == http.StatusTooManyRequests {
		kind = ErrTransient
	}
	if a.Error == nil {
		return failure(kind, token, "status %d", status)
	}
	e := a.Error
	if e.IsTransient || transientCodes[e.Code] || e.Code >= 80001 && e.Code <= 80014 {
		kind = ErrTransient
	}
	return failure(kind, token, "status %d: %s (%s, code %d, subcode %d)", status, e.Message, e.Type, e.Code, e.Subcode)
}

// readLead reads a lead's answer. A body cut short is transient; a lead
// whose fields are not text is rejected.
func readLead(body []byte, token string) (*Lead, error) {
	var a graphAnswer
	if err := json.Unmarshal(body, &a); err != nil {
		return nil, failure(ErrTransient, token, "read answer: %v", err)
	}
	if a.ID == "" {
		return nil, failure(ErrRejected, token, "answer has no lead id")
	}
	raw := make([]leadpayload.Field, 0, len(a.FieldData))
	for _, d := range a.FieldData {
		raw = append(raw, leadpayload.Field{Name: d.Name, Values: d.Values})
	}
	fields, err := leadpayload.Clean(raw)
	if err != nil {
		return nil, failure(ErrRejected, token, "lead fields: %v", err)
	}
	return &Lead{ID: a.ID, CreatedTime: graphTime(a.CreatedTime), FormID: a.FormID, AdID: a.AdID, AdsetID: a.AdsetID,
		CampaignID: a.CampaignID, IsOrganic: a.IsOrganic, Platform: a.Platform, Fields: fields}, nil
}

// graphTime reads the Graph API's time ("2026-03-02T02:55:40+0000"); a
// time it can't read is zero: the lead matters more than when it came.
func graphTime(s string) time.Time {
	for _, layout := range []string{"2006-01-02T15:04:05-0700", time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

// pause waits d, or less when ctx ends; it reports whether ctx is live.
func pause(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
