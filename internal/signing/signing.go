// Package signing signs and verifies webhook requests: X-Tend-Timestamp
// and X-Tend-Signature, an HMAC-SHA256 over the timestamp and the raw body
// with the sender's secret. Lead sources and campaigns' key-press webhooks
// are signed alike.
package signing

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
// HMAC-SHA256 of timestamp + "." + body with the secret. Lead forms
// compute the same.
func Sign(secret, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(timestamp))
	m.Write([]byte("."))
	m.Write(body)
	return "v1=" + hex.EncodeToString(m.Sum(nil))
}

// ErrSignature is the refusal of a bad signature (401), which tells a
// sender nothing about what was wrong.
var ErrSignature = domain.Errorf(domain.ErrUnauthorized, "bad_signature")

// Verify checks a request's timestamp and signature against the secrets
// (the current one, and the previous one while it is still honoured), in
// constant time, and returns when the request was signed.
func Verify(secrets []string, timestamp, signature string, body []byte, now time.Time) (time.Time, error) {
	at, err := SignedAt(timestamp)
	if err != nil {
		return time.Time{}, err
	}
	if d := now.Sub(at); d > MaxSkew || d < -MaxSkew {
		return time.Time{}, domain.Errorf(domain.ErrUnauthorized, "stale_signature")
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
		return time.Time{}, ErrSignature
	}
	return at, nil
}

// SignedAt reads X-Tend-Timestamp: Unix seconds.
func SignedAt(timestamp string) (time.Time, error) {
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil {
		return time.Time{}, ErrSignature
	}
	return time.Unix(ts, 0).UTC(), nil
}

// NewSecret returns a fresh signing secret.
func NewSecret() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	return "whsec_" + hex.EncodeToString(b[:])
}
