package leads

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/url"
	"strings"
	"time"

	"tend/internal/domain"
	"tend/internal/fieldmatch"
	"tend/internal/leadpayload"
	"tend/internal/phone"
)

// How each kind of source is checked and read before its leads are held.
// A request that fails its check is refused with errUnverified (a sender
// learns nothing about which source, secret or field was wrong); one whose
// content can't be read is refused with the reader's error; neither is
// held, so neither makes a customer.

var errUnverified = domain.Errorf(domain.ErrUnauthorized, "bad_signature")

// providerIDWindow is how long a provider's lead id counts a repeat as the
// same lead: as long as the deliveries are kept.
const providerIDWindow = deliveryRetention

// formWindow: the same contact posted to a form twice within it is one
// lead (a double click, a page reloaded).
const formWindow = 10 * time.Minute

// KindOf returns the kind of an enabled source; an unknown or disabled one
// is errUnverified.
// It reads the source through the cache (see sourceTTL): it is asked for
// every post to a source's webhook.
func (s *Service) KindOf(ctx context.Context, sourceID string) (Kind, error) {
	r, err := s.cached(ctx, sourceID)
	if errors.Is(err, domain.ErrNotFound) || (err == nil && !r.Enabled) {
		return "", errUnverified
	}
	if err != nil {
		return "", err
	}
	return r.Kind, nil
}

// source reads an enabled source, of the kind when one is named.
func (s *Service) source(ctx context.Context, sourceID string, kind Kind) (*record, error) {
	r, err := s.load(ctx, sourceID)
	if errors.Is(err, domain.ErrNotFound) || (err == nil && (!r.Enabled || (kind != "" && r.Kind != kind))) {
		return nil, errUnverified
	}
	return r, err
}

// secretMatches compares a given secret with the source's current one and
// its previous one while honoured, in constant time.
func (s *Service) secretMatches(r *record, given string) bool {
	ok := given != "" && subtle.ConstantTimeCompare([]byte(given), []byte(r.Secret)) == 1
	if r.PreviousSecret != "" && s.Clock.Now().Before(r.PreviousUntil) {
		ok = subtle.ConstantTimeCompare([]byte(given), []byte(r.PreviousSecret)) == 1 || ok
	}
	return ok
}

// FacebookChallenge answers Facebook's check of the webhook: the challenge
// when the verify token is the source's.
func (s *Service) FacebookChallenge(ctx context.Context, sourceID string, q url.Values) (string, error) {
	r, err := s.source(ctx, sourceID, KindFacebook)
	if err != nil {
		return "", err
	}
	if q.Get("hub.mode") != "subscribe" || !s.secretMatches(r, q.Get("hub.verify_token")) || q.Get("hub.challenge") == "" {
		return "", domain.Errorf(domain.ErrForbidden, "bad_verify_token")
	}
	return q.Get("hub.challenge"), nil
}

// Facebook holds the leads of a Lead Ads notification signed with the
// app secret (X-Hub-Signature-256); their fields are read from the Graph
// API by the intake queue's consumer.
func (s *Service) Facebook(ctx context.Context, sourceID, signature string, body []byte) ([]*Held, error) {
	r, err := s.source(ctx, sourceID, KindFacebook)
	if err != nil {
		return nil, err
	}
	secret, ok, err := s.secret(ctx, r, SecretAppSecret)
	if err != nil {
		return nil, err
	}
	if !ok || !leadpayload.FacebookSigned([]byte(secret), signature, body) {
		return nil, errUnverified
	}
	found, err := leadpayload.FacebookNotification(body)
	var de *domain.Error
	if errors.As(err, &de) && de.Code == "no_facebook_leads" {
		// A change of another field of the page: answered 200, since
		// Facebook retries anything else and may end the subscription.
		return []*Held{}, nil
	}
	if err != nil {
		return nil, err
	}
	out := []*Held{}
	for _, l := range found {
		if r.Settings.PageID != "" && l.PageID != r.Settings.PageID {
			continue // another page's lead, for another source
		}
		h, err := s.hold(ctx, r, incoming{ExternalID: l.LeadgenID, Same: "facebook:" + l.LeadgenID, Window: providerIDWindow,
			Meta: compactMeta(map[string]string{"form_id": l.FormID, "page_id": l.PageID, "ad_id": l.AdID, "adgroup_id": l.AdgroupID})})
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, nil
}

// GoogleAds holds a Google Ads lead form's lead, whose google_key must be
// the source's. A test lead (is_test) is held apart: checked, never made a
// customer nor distributed.
func (s *Service) GoogleAds(ctx context.Context, sourceID string, body []byte) (*Held, error) {
	r, err := s.source(ctx, sourceID, KindGoogleAds)
	if err != nil {
		return nil, err
	}
	lead, err := leadpayload.GoogleAdsLead(body)
	if err != nil {
		return nil, err
	}
	if !leadpayload.GoogleKeyOK(r.Secret, lead.Key) &&
		!(r.PreviousSecret != "" && s.Clock.Now().Before(r.PreviousUntil) && leadpayload.GoogleKeyOK(r.PreviousSecret, lead.Key)) {
		return nil, errUnverified
	}
	return s.hold(ctx, r, incoming{ExternalID: lead.LeadID, Same: "google:" + lead.LeadID, Window: providerIDWindow, Fields: leadpayload.GoogleFields(lead.Fields),
		Test: lead.IsTest, Meta: compactMeta(map[string]string{"form_id": lead.FormID, "campaign_id": lead.CampaignID,
			"adgroup_id": lead.AdgroupID, "creative_id": lead.CreativeID, "gcl_id": lead.GCLID})})
}

// Zalo holds a Zalo Official Account's user_submit_info event signed
// with the OA secret key (X-ZEvent-Signature); other events are read,
// checked and left alone (nil, no error).
func (s *Service) Zalo(ctx context.Context, sourceID, signature string, body []byte) (*Held, error) {
	r, err := s.source(ctx, sourceID, KindZalo)
	if err != nil {
		return nil, err
	}
	secret, ok, err := s.secret(ctx, r, SecretOASecretKey)
	if err != nil {
		return nil, err
	}
	if !ok || !leadpayload.ZaloSigned(r.Settings.AppID, secret, body, signature) {
		return nil, errUnverified
	}
	ev, err := leadpayload.ZaloEvent(body)
	if err != nil {
		return nil, err
	}
	if ev.EventName != "user_submit_info" {
		return nil, nil
	}
	return s.hold(ctx, r, incoming{ExternalID: ev.EventID(), Same: "zalo:" + ev.EventID(), Window: providerIDWindow, Fields: leadpayload.ZaloFields(ev.Fields),
		Meta: compactMeta(map[string]string{"zalo_user_id": ev.UserID, "oa_id": ev.OAID})})
}

// FormPost is a landing page's post to its source's URL.
type FormPost struct {
	// Token is the URL's last part: the source's id, a dot, its token.
	Token       string
	ContentType string
	// ClientIP is the poster's address, for the per-address limit.
	ClientIP string
	Body     []byte
}

// FormHeld is the answer to a form post: the lead held, and where to send
// the browser, if the source says.
type FormHeld struct {
	*Held
	RedirectTo string
	// Dropped says the post filled the honeypot: answered as taken, held
	// not.
	Dropped bool
}

// Form holds a landing page's lead. The URL's token must be the source's
// (the previous one is honoured for a day after a rotation); posts over
// the source's or the address's limit are refused (429); a post with the
// honeypot filled is answered as taken and dropped; the same contact
// posted again within ten minutes is the same lead.
func (s *Service) Form(ctx context.Context, post FormPost) (*FormHeld, error) {
	id, token, _ := strings.Cut(post.Token, ".")
	r, err := s.source(ctx, id, KindForm)
	if errors.Is(err, errUnverified) || (err == nil && !s.secretMatches(r, token)) {
		return nil, domain.Errorf(domain.ErrNotFound, "not_found", "what", "lead_form")
	}
	if err != nil {
		return nil, err
	}
	if err := s.limit(ctx, r, post.ClientIP); err != nil {
		return nil, err
	}
	fields, err := leadpayload.Form(post.ContentType, post.Body)
	if err != nil {
		return nil, err
	}
	out := &FormHeld{RedirectTo: r.Settings.RedirectTo}
	for _, f := range fields {
		if r.Settings.Honeypot != "" && fieldmatch.Same(f.Name, r.Settings.Honeypot) && strings.TrimSpace(strings.Join(f.Values, "")) != "" {
			s.Log.InfoContext(ctx, "form post with its honeypot filled dropped", "source", r.ID)
			out.Held, out.Dropped = &Held{Status: OutcomeRejected}, true
			return out, nil
		}
	}
	out.Held, err = s.hold(ctx, r, incoming{Same: "form:" + sameContact(fields), Window: formWindow, Fields: fields})
	return out, err
}

// sameContact names a form's lead by its phone number, else its email,
// else all its fields: what makes two posts the same person's.
func sameContact(fields []leadpayload.Field) string {
	var all strings.Builder
	for _, f := range fields {
		v := strings.TrimSpace(strings.Join(f.Values, ","))
		if n, err := phone.Normalize(v); err == nil && v != "" {
			return "phone:" + n
		}
		if at := strings.IndexByte(v, '@'); at > 0 && !strings.ContainsAny(v, " \n") {
			return "email:" + strings.ToLower(v)
		}
		all.WriteString(f.Name + "=" + v + "\n")
	}
	return "fields:" + all.String()
}

func compactMeta(m map[string]string) map[string]string {
	for k, v := range m {
		if v == "" {
			delete(m, k)
		}
	}
	if len(m) == 0 {
		return nil
	}
	return m
}
