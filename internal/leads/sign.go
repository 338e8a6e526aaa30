package leads

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"tend/internal/domain"
)

// MaxSkew is how far a request's timestamp may be from now: older
// requests are refused (a replay), as are ones from too far ahead.
const MaxSkew = 5 * time.Minute

// Sign returns the X-Tend-Signature value of a request: "v1=" and the hex
// HMAC-SHA256 of timestamp + "." + body with the source's secret. Lead
// forms compute the same.
func Sign(secret, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(timestamp))
	m.Write([]byte("."))
	m.Write(body)
	return "v1=" + hex.EncodeToString(m.Sum(nil))
}

var errSignature = domain.Errorf(domain.ErrUnauthorized, "bad_signature")

// verify checks a request's timestamp and signature against the secrets
// (the current one, and the previous one while it is still honoured), in
// constant time.
func verify(secrets []string, timestamp, signature string, body []byte, now time.Time) error {
	at, err := signedAt(timestamp)
	if err != nil {
		return err
	}
	if d := now.Sub(at); d > MaxSkew || d < -MaxSkew {
		return domain.Errorf(domain.ErrUnauthorized, "stale_signature")
	}
	ok := false
	for _, given := range strings.Split(signature, ",") {
		given = strings.TrimSpace(given)
		for _, secret := range secrets {
			if secret != "" && hmac.Equal([]byte(given), []byte(Sign(secret, timestamp, body))) {
				ok = true
			}
		}
	}
	if !ok {
		return errSignature
	}
	return nil
}

// signedAt reads X-Tend-Timestamp: Unix seconds.
func signedAt(timestamp string) (time.Time, error) {
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return time.Time{}, errSignature
	}
	return time.Unix(ts, 0).UTC(), nil
}

// newSecret returns a fresh secret for a source of the kind: a signing
// key, a form's token (it goes in a URL, so letters and digits only), a
// google_key or a Facebook verify token.
func newSecret(k Kind) string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	prefix := map[Kind]string{KindSigned: "whsec_", KindGoogleAds: "gkey_", KindFacebook: "fbv_"}[k]
	if k == KindZalo {
		return ""
	}
	return prefix + hex.EncodeToString(b[:])
}
