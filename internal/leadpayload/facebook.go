package leadpayload

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"tend/internal/domain"
)

// FacebookChallenge answers Facebook's verification of a webhook endpoint:
// GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…. It returns the
// challenge to echo when the mode is "subscribe" and the verify token is
// the source's (compared in constant time; an empty one never matches).
// The challenge is echoed into a response body, so only a short token of
// letters, digits and "-_." is echoed (Facebook sends digits).
func FacebookChallenge(q url.Values, verifyToken string) (challenge string, ok bool) {
	if verifyToken == "" || q.Get("hub.mode") != "subscribe" {
		return "", false
	}
	if subtle.ConstantTimeCompare([]byte(q.Get("hub.verify_token")), []byte(verifyToken)) != 1 {
		return "", false
	}
	challenge = q.Get("hub.challenge")
	if challenge == "" || len(challenge) > MaxIDBytes || strings.IndexFunc(challenge, notTokenChar) >= 0 {
		return "", false
	}
	return challenge, true
}

func notTokenChar(r rune) bool {
	return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.')
}

// FacebookSigned checks the X-Hub-Signature-256 header of a webhook POST:
// "sha256=" and the hex HMAC-SHA256 of the raw body under the app secret,
// compared in constant time. An empty secret never matches.
func FacebookSigned(appSecret []byte, header string, body []byte) bool {
	hexSum, ok := strings.CutPrefix(header, "sha256=")
	if !ok || len(appSecret) == 0 {
		return false
	}
	got, err := hex.DecodeString(hexSum)
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, appSecret)
	mac.Write(body)
	return hmac.Equal(got, mac.Sum(nil))
}

// FacebookLead is one lead a Page's leadgen notification announces: ids
// only; its fields are fetched from the Graph API by LeadgenID.
type FacebookLead struct {
	LeadgenID   string
	FormID      string
	PageID      string
	AdID        string
	AdgroupID   string
	CreatedTime time.Time // zero when not sent
}

// FacebookNotification reads a Page webhook notification:
// {"object":"page","entry":[{"changes":[{"field":"leadgen","value":{…}}]}]}.
// Changes of other fields are ignored, a change without a leadgen_id is
// skipped, a lead announced twice is listed once; a notification with no
// lead at all is no_facebook_leads. created_time is unix seconds.
func FacebookNotification(body []byte) ([]FacebookLead, error) {
	var n struct {
		Object string `json:"object"`
		Entry  []struct {
			Changes []struct {
				Field string          `json:"field"`
				Value json.RawMessage `json:"value"`
			} `json:"changes"`
		} `json:"entry"`
	}
	if err := readJSON(body, "Facebook", &n); err != nil {
		return nil, err
	}
	if n.Object != "page" {
		return nil, notPayload("Facebook")
	}
	var p domain.Problems
	leads := []FacebookLead{}
	seen := map[string]bool{}
	for i, e := range n.Entry {
		for j, ch := range e.Changes {
			if ch.Field != "leadgen" {
				continue
			}
			at := fmt.Sprintf("entry[%d].changes[%d].value", i, j)
			l, ok := facebookLead(&p, at, ch.Value)
			if ok && l.LeadgenID != "" && !seen[l.LeadgenID] {
				seen[l.LeadgenID] = true
				leads = append(leads, l)
			}
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	if len(leads) == 0 {
		return nil, domain.Errorf(domain.ErrBadRequest, "no_facebook_leads")
	}
	return leads, nil
}

// facebookLead reads the value of a leadgen change.
func facebookLead(p *domain.Problems, at string, raw json.RawMessage) (FacebookLead, bool) {
	var v map[string]json.RawMessage
	if json.Unmarshal(raw, &v) != nil {
		p.Add(at, "expected_object")
		return FacebookLead{}, false
	}
	before := len(p.Fields)
	var l FacebookLead
	ids(p, at, v, idOf{"leadgen_id", &l.LeadgenID}, idOf{"form_id", &l.FormID}, idOf{"page_id", &l.PageID},
		idOf{"ad_id", &l.AdID}, idOf{"adgroup_id", &l.AdgroupID})
	created, err := unixSeconds(v["created_time"])
	if err != nil {
		p.Add(at+".created_time", "invalid_value")
	}
	l.CreatedTime = created
	return l, len(p.Fields) == before
}

// maxUnix is the last second unixSeconds accepts (9999-12-31): past it, a
// time has no RFC 3339 form.
const maxUnix = 253402300799

// unixSeconds reads a time sent as unix seconds, a number or a string of
// digits; zero when absent.
func unixSeconds(raw json.RawMessage) (time.Time, error) {
	s, err := id(raw)
	if err != nil {
		return time.Time{}, err
	}
	if s == "" {
		return time.Time{}, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > maxUnix {
		return time.Time{}, errNotID
	}
	return time.Unix(n, 0).UTC(), nil
}
