package domain

import (
	"crypto/rand"
	"encoding/base32"
	"strings"
)

var idEncoding = base32.NewEncoding("0123456789abcdefghjkmnpqrstvwxyz").WithPadding(base32.NoPadding)

// NewID returns a random, opaque id with a readable prefix, e.g.
// "cus_5k2m9x0q4d7r1t3v".
func NewID(prefix string) string {
	var b [10]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	var s strings.Builder
	s.Grow(len(prefix) + 17)
	s.WriteString(prefix)
	s.WriteByte('_')
	s.WriteString(idEncoding.EncodeToString(b[:]))
	return s.String()
}
