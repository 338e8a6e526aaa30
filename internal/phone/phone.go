// Package phone normalises phone numbers to E.164, with Vietnam as the
// default region, on top of libphonenumber's metadata.
package phone

import (
	"errors"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// ErrInvalid is returned for input that is not a valid phone number.
var ErrInvalid = errors.New("not a valid phone number")

// DefaultRegion is the region of numbers written without a country code.
const DefaultRegion = "VN"

// legacyMobile maps the 11-digit mobile prefixes retired in 2018–19 to the
// 10-digit ones that replaced them; the last 7 digits were kept.
var legacyMobile = map[string]string{
	"0162": "032", "0163": "033", "0164": "034", "0165": "035", "0166": "036",
	"0167": "037", "0168": "038", "0169": "039",
	"0120": "070", "0121": "079", "0122": "077", "0126": "076", "0128": "078",
	"0123": "083", "0124": "084", "0125": "085", "0127": "081", "0129": "082",
	"0186": "056", "0188": "058", "0199": "059",
}

// Normalize returns the E.164 form of s ("+84912345678"), accepting the
// usual ways of writing a number: "0912 345 678", "+84 912.345.678",
// "(+84) 912-345-678", "84912345678", and the legacy 11-digit mobile
// numbers ("0168 123 4567" → "+84381234567").
func Normalize(s string) (string, error) {
	compact := compactDigits(s)
	if compact == "" || len(compact) > 20 {
		return "", ErrInvalid
	}
	compact = renumberLegacy(compact)
	num, err := phonenumbers.Parse(compact, DefaultRegion)
	if err != nil || !phonenumbers.IsValidNumber(num) {
		return "", ErrInvalid
	}
	return phonenumbers.Format(num, phonenumbers.E164), nil
}

// compactDigits keeps the digits of s and a leading "+", dropping the
// separators people type; any other character makes the input invalid.
func compactDigits(s string) string {
	var b strings.Builder
	for _, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && b.Len() == 0:
			b.WriteRune(r)
		case r == ' ' || r == '.' || r == '-' || r == '(' || r == ')' || r == '\u00a0':
		default:
			return ""
		}
	}
	return b.String()
}

// renumberLegacy rewrites an old 11-digit Vietnamese mobile number, in
// national ("0168…") or international ("+84168…", "84168…") form, to its
// national 10-digit form.
func renumberLegacy(n string) string {
	national := ""
	switch {
	case strings.HasPrefix(n, "+84") && len(n) == 13:
		national = "0" + n[3:]
	case strings.HasPrefix(n, "84") && len(n) == 12:
		national = "0" + n[2:]
	case strings.HasPrefix(n, "0") && len(n) == 11:
		national = n
	default:
		return n
	}
	if repl, ok := legacyMobile[national[:4]]; ok {
		return repl + national[len(national)-7:]
	}
	return n
}

// Digits returns only the digits of s, for "contains" searches.
func Digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
