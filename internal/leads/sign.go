package leads

import (
	"crypto/rand"
	"encoding/hex"
	"time"

	"tend/internal/signing"
)

// MaxSkew is how far a request's timestamp may be from now (see signing).
const MaxSkew = signing.MaxSkew

// Sign returns the X-Tend-Signature value of a request (see signing.Sign).
func Sign(secret, timestamp string, body []byte) string { return signing.Sign(secret, timestamp, body) }

var errSignature = signing.ErrSignature

// verify checks a request's timestamp and signature against the secrets
// (the current one, and the previous one while it is still honoured).
func verify(secrets []string, timestamp, signature string, body []byte, now time.Time) error {
	_, err := signing.Verify(secrets, timestamp, signature, body, now)
	return err
}

// signedAt reads X-Tend-Timestamp: Unix seconds.
func signedAt(timestamp string) (time.Time, error) { return signing.SignedAt(timestamp) }

// newSecret returns a fresh secret for a source of the kind: a signing
// key, a form's token (it goes in a URL, so letters and digits only), a
// google_key or a Facebook verify token.
func newSecret(k Kind) string {
	switch k {
	case KindZalo:
		return ""
	case KindSigned:
		return signing.NewSecret()
	}
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	prefix := map[Kind]string{KindGoogleAds: "gkey_", KindFacebook: "fbv_"}[k]
	return prefix + hex.EncodeToString(b[:])
}
