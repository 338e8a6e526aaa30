package httpapi

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"tend/internal/domain"
)

// Authenticator tells who signed a request: the token's subject. On AWS the
// API Gateway JWT authorizer has already checked the token and passes its
// claims; locally the runner checks HS256 tokens itself.
type Authenticator interface {
	Subject(r *http.Request) (string, error)
}

// HS256 checks "Authorization: Bearer <JWT>" tokens signed with HMAC-SHA256
// and a shared secret (TEND_JWT_SECRET), as the local runner issues them.
type HS256 struct {
	Secret []byte
	Clock  domain.Clock
}

var errUnauthorized = domain.Errorf(domain.ErrUnauthorized, "unauthorized")

type jwtHeader struct {
	Alg string `json:"alg"`
	Typ string `json:"typ,omitempty"`
}

type jwtClaims struct {
	Sub string `json:"sub"`
	Exp int64  `json:"exp,omitempty"`
	Nbf int64  `json:"nbf,omitempty"`
	Iat int64  `json:"iat,omitempty"`
}

// Subject implements Authenticator.
func (h HS256) Subject(r *http.Request) (string, error) {
	token, ok := bearer(r)
	if !ok {
		return "", errUnauthorized
	}
	return h.Verify(token)
}

// Verify checks a token and returns its subject.
func (h HS256) Verify(token string) (string, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 || len(h.Secret) == 0 {
		return "", errUnauthorized
	}
	var hdr jwtHeader
	if !decodeSegment(parts[0], &hdr) || hdr.Alg != "HS256" {
		return "", errUnauthorized
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || !hmac.Equal(sig, sign(h.Secret, parts[0]+"."+parts[1])) {
		return "", errUnauthorized
	}
	var c jwtClaims
	if !decodeSegment(parts[1], &c) || c.Sub == "" {
		return "", errUnauthorized
	}
	now := h.Clock.Now().Unix()
	if c.Exp != 0 && now >= c.Exp {
		return "", domain.Errorf(domain.ErrUnauthorized, "token_expired")
	}
	if c.Nbf != 0 && now < c.Nbf {
		return "", errUnauthorized
	}
	return c.Sub, nil
}

// Sign issues a token for subject, valid for ttl from now.
func (h HS256) Sign(subject string, ttl time.Duration) string {
	now := h.Clock.Now()
	head, _ := json.Marshal(jwtHeader{Alg: "HS256", Typ: "JWT"})
	claims, _ := json.Marshal(jwtClaims{Sub: subject, Iat: now.Unix(), Exp: now.Add(ttl).Unix()})
	signing := base64.RawURLEncoding.EncodeToString(head) + "." + base64.RawURLEncoding.EncodeToString(claims)
	return signing + "." + base64.RawURLEncoding.EncodeToString(sign(h.Secret, signing))
}

func sign(secret []byte, signing string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(signing))
	return m.Sum(nil)
}

func decodeSegment(seg string, v any) bool {
	b, err := base64.RawURLEncoding.DecodeString(seg)
	return err == nil && json.Unmarshal(b, v) == nil
}

func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return "", false
	}
	return strings.TrimSpace(token), true
}
