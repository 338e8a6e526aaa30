package leads

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"tend/internal/domain"
)

// Kind is how a source sends its leads, and so how they are verified and
// read.
type Kind string

const (
	// KindSigned: JSON signed with the source's secret (X-Tend-Signature),
	// mapped by JSON paths.
	KindSigned Kind = "signed"
	// KindForm: a landing page or form tool posting its fields to the
	// source's secret URL (/hooks/f/{token}).
	KindForm Kind = "form_url"
	// KindFacebook: Facebook Lead Ads notifications, whose leads are
	// fetched from the Graph API with the page's access token.
	KindFacebook Kind = "facebook"
	// KindGoogleAds: Google Ads lead form webhooks, authenticated by the
	// google_key.
	KindGoogleAds Kind = "google_ads"
	// KindZalo: Zalo Official Account events (user_submit_info).
	KindZalo Kind = "zalo_oa"
)

var kinds = []Kind{KindSigned, KindForm, KindFacebook, KindGoogleAds, KindZalo}

// Settings are a source's options, by kind. They are not secret.
type Settings struct {
	// Honeypot names a form field people leave empty and spam bots fill:
	// a post with it filled is dropped (answered as if taken).
	Honeypot string `json:"honeypot,omitempty"`
	// RedirectTo, when set, answers a browser's form post with 303 to it
	// (a thank-you page).
	RedirectTo string `json:"redirect_to,omitempty"`
	// PerMinute and PerIPPerMinute limit a form's posts: for the whole
	// source and for one client address (defaults 120 and 10).
	PerMinute      int `json:"per_minute,omitempty"`
	PerIPPerMinute int `json:"per_ip_per_minute,omitempty"`
	// PageID is the Facebook page whose leads the source takes.
	PageID string `json:"page_id,omitempty"`
	// AppID is the Zalo app of the Official Account.
	AppID string `json:"app_id,omitempty"`
}

const (
	defaultPerMinute      = 120
	defaultPerIPPerMinute = 10
)

func (s Settings) perMinute() int64 {
	if s.PerMinute > 0 {
		return int64(s.PerMinute)
	}
	return defaultPerMinute
}

func (s Settings) perIPPerMinute() int64 {
	if s.PerIPPerMinute > 0 {
		return int64(s.PerIPPerMinute)
	}
	return defaultPerIPPerMinute
}

// The provider's secrets a source keeps sealed: written by an admin, never
// answered back (a source says only which are set).
const (
	SecretAppSecret       = "app_secret"        // facebook: signs notifications
	SecretPageAccessToken = "page_access_token" // facebook: reads leads from the Graph API
	SecretOASecretKey     = "oa_secret_key"     // zalo_oa: signs events
)

// sealedSecrets are the secrets each kind needs.
var sealedSecrets = map[Kind][]string{
	KindFacebook: {SecretAppSecret, SecretPageAccessToken},
	KindZalo:     {SecretOASecretKey},
}

// Sealer encrypts secrets at rest, bound to what they are for: AWS KMS on
// AWS, a key in the data folder locally.
type Sealer interface {
	Seal(ctx context.Context, purpose string, plaintext []byte) ([]byte, error)
	Open(ctx context.Context, purpose string, sealed []byte) ([]byte, error)
}

// purpose binds a sealed secret to its source and name: a secret copied
// into another source's record does not open.
func purpose(sourceID, name string) string { return "lead_source/" + sourceID + "/" + name }

// checkKind checks the kind and its settings.
func checkKind(r *record, p *domain.Problems) {
	if !slices.Contains(kinds, r.Kind) {
		p.Add("kind", "invalid_lead_source_kind", "value", string(r.Kind))
		return
	}
	st := r.Settings
	if st.RedirectTo != "" {
		if u, err := url.Parse(st.RedirectTo); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			p.Add("settings.redirect_to", "invalid_url")
		}
	}
	if st.PerMinute < 0 || st.PerMinute > 10000 {
		p.Add("settings.per_minute", "out_of_range", "min", "0", "max", "10000")
	}
	if st.PerIPPerMinute < 0 || st.PerIPPerMinute > 10000 {
		p.Add("settings.per_ip_per_minute", "out_of_range", "min", "0", "max", "10000")
	}
	for at, v := range map[string]string{"settings.honeypot": st.Honeypot, "settings.page_id": st.PageID, "settings.app_id": st.AppID} {
		if len(v) > 200 || domain.TextFault(v, false) != "" {
			p.Add(at, "invalid_value")
		}
	}
	if r.Kind == KindZalo && strings.TrimSpace(st.AppID) == "" {
		p.Add("settings.app_id", "required")
	}
}

// sealInput seals the secrets an input sets, refusing those the kind does
// not take.
func (s *Service) sealInput(ctx context.Context, r *record, in map[string]string, p *domain.Problems) error {
	allowed := sealedSecrets[r.Kind]
	for name, value := range in {
		at := "secrets." + name
		switch {
		case !slices.Contains(allowed, name):
			p.Add(at, "unknown_secret", "kind", string(r.Kind))
			continue
		case strings.TrimSpace(value) == "" || len(value) > 4096 || domain.TextFault(value, false) != "":
			p.Add(at, "invalid_value")
			continue
		}
		if s.Sealer == nil {
			return fmt.Errorf("leads: no sealer for the secrets of %s", r.ID)
		}
		sealed, err := s.Sealer.Seal(ctx, purpose(r.ID, name), []byte(strings.TrimSpace(value)))
		if err != nil {
			return fmt.Errorf("leads: seal %s of %s: %w", name, r.ID, err)
		}
		if r.Sealed == nil {
			r.Sealed = map[string][]byte{}
		}
		r.Sealed[name] = sealed
	}
	return nil
}

// secret opens one of a source's sealed secrets; ok is false when it is
// not set.
func (s *Service) secret(ctx context.Context, r *record, name string) (string, bool, error) {
	sealed, ok := r.Sealed[name]
	if !ok {
		return "", false, nil
	}
	if s.Sealer == nil {
		return "", false, fmt.Errorf("leads: no sealer for the secrets of %s", r.ID)
	}
	plain, err := s.Sealer.Open(ctx, purpose(r.ID, name), sealed)
	if err != nil {
		return "", false, fmt.Errorf("leads: open %s of %s: %w", name, r.ID, err)
	}
	return string(plain), true, nil
}

// secretsSet names the sealed secrets a source has, for its answer.
func (r *record) secretsSet() []string {
	out := []string{}
	for name := range r.Sealed {
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}
