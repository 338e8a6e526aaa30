// Package phone normalises phone numbers to E.164, with Vietnam as the
// default region.
//
// Vietnamese numbers are checked against the numbering plan as
// libphonenumber's metadata describes it (fixed lines, mobiles, toll-free,
// premium, UAN and VoIP ranges; see vietnam.go), which a differential test
// holds this package to. Numbers of other countries are checked only as
// E.164 allows: a known country calling code and a plausible length. (The
// library itself weighs about 10 MB in every Lambda binary that links it.)
package phone

import (
	"errors"
	"strings"
)

// ErrInvalid is returned for input that is not a valid phone number.
var ErrInvalid = errors.New("not a valid phone number")

// DefaultRegion is the region of numbers written without a country code.
const DefaultRegion = "VN"

const vietnam = "84"

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
// "(+84) 912-345-678", "84912345678", "0084 912 345 678", and the legacy
// 11-digit mobile numbers ("0168 123 4567" → "+84381234567").
func Normalize(s string) (string, error) {
	compact := compactDigits(s)
	if compact == "" || len(compact) > 20 {
		return "", ErrInvalid
	}
	compact = renumberLegacy(compact)
	switch {
	case strings.HasPrefix(compact, "+"):
		return international(strings.TrimPrefix(compact[1:], "00")) // "+0084…" is seen too
	case strings.HasPrefix(compact, "00"): // Vietnam's international prefix
		return international(compact[2:])
	case strings.HasPrefix(compact, "0"):
		return national(compact[1:])
	}
	// No prefix: a national number without its 0, or an international one
	// without its "+" (84…), as libphonenumber reads them: the national
	// reading first.
	if n, err := national(compact); err == nil {
		return n, nil
	}
	if rest, ok := strings.CutPrefix(compact, vietnam); ok {
		return national(strings.TrimPrefix(rest, "0"))
	}
	return "", ErrInvalid
}

// national checks a Vietnamese national significant number.
func national(nsn string) (string, error) {
	if !validVietnamese(nsn) {
		return "", ErrInvalid
	}
	return "+" + vietnam + nsn, nil
}

// international checks digits after "+": a country calling code and the
// number in that country. Abroad the number is kept as written: each
// country's trunk-prefix rules (a 0 written after the code) are not
// applied.
func international(digits string) (string, error) {
	cc := callingCode(digits)
	switch {
	case cc == "":
		return "", ErrInvalid
	case cc == vietnam: // "+84 0912…": the trunk 0 written after the code is dropped
		return national(strings.TrimPrefix(digits[len(cc):], "0"))
	}
	nsn := digits[len(cc):]
	if cc == "1" && (len(nsn) != 10 || nsn[0] < '2') { // North America: 10 digits, from 2–9
		return "", ErrInvalid
	}
	// No country has numbers shorter than four digits or longer than 17
	// (libphonenumber's bound, past E.164's 15 for a few extensions).
	if len(nsn) < 4 || len(nsn) > 17 {
		return "", ErrInvalid
	}
	return "+" + cc + nsn, nil
}

// callingCode returns the country calling code digits start with, or "".
// Calling codes are prefix-free, so at most one matches.
func callingCode(digits string) string {
	for n := 1; n <= 3 && n <= len(digits); n++ {
		if callingCodes[digits[:n]] {
			return digits[:n]
		}
	}
	return ""
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
