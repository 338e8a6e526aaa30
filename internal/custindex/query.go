package custindex

import (
	"strings"
	"unicode"

	"tend/internal/domain"
	"tend/internal/phone"
)

// minPhoneDigits is how many digits a query needs to be looked up as a
// phone number (the last 4+ digits, or a number's beginning).
const minPhoneDigits = 4

// maxTerms bounds the words of a query that are checked.
const maxTerms = 16

// term is one word of a query: text matches a word token by prefix,
// digits (when the word can be a phone number) the phone's national
// digits by prefix or suffix.
type term struct {
	text   string
	digits string
}

// parseQuery splits a query into its terms: a query that is only a phone
// number, however spaced ("0912 345 678", "+84 912.345.678"), is one term;
// otherwise each white-space separated folded word is one, stripped of
// the punctuation around it. Terms come each once; words that hold nothing
// to look up are dropped.
func parseQuery(q string) []term {
	if isPhoneLike(q) {
		d := phone.Digits(q)
		return []term{{text: clip(d, maxWordBytes), digits: queryDigits(q)}}
	}
	var out []term
	for _, w := range strings.Fields(domain.Fold(q)) {
		t := term{text: clip(strings.TrimFunc(w, notWordRune), maxTextBytes)}
		if isPhoneLike(w) {
			t.digits = queryDigits(w)
		}
		if (t.text == "" && t.digits == "") || containsTerm(out, t) {
			continue
		}
		out = append(out, t)
		if len(out) == maxTerms {
			break
		}
	}
	return out
}

func containsTerm(ts []term, t term) bool {
	for _, x := range ts {
		if x == t {
			return true
		}
	}
	return false
}

// isPhoneLike reports whether s is written like a phone number: digits
// and the separators people type, at least minPhoneDigits digits.
func isPhoneLike(s string) bool {
	n := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			n++
		case r == '+' || r == '.' || r == '-' || r == '(' || r == ')' || unicode.IsSpace(r):
		default:
			return false
		}
	}
	return n >= minPhoneDigits
}

// queryDigits are the digits a phone-like query word is looked up by: a
// whole number in its national form (PhoneDigits), the beginning of one
// written internationally ("+84912" → "0912"), else its digits as typed.
func queryDigits(s string) string {
	if _, err := phone.Normalize(s); err == nil {
		return PhoneDigits(s)
	}
	d := phone.Digits(s)
	if rest, ok := strings.CutPrefix(d, "84"); ok && strings.HasPrefix(strings.TrimSpace(s), "+") {
		d = "0" + rest
	}
	if len(d) < minPhoneDigits {
		return ""
	}
	return clip(d, 20)
}

// matches reports whether a customer's token document matches t.
func (t term) matches(d *tokenDoc) bool {
	if t.text != "" {
		for _, w := range d.Words {
			if strings.HasPrefix(w, t.text) {
				return true
			}
		}
	}
	return t.digits != "" && d.Phone != "" && (strings.HasPrefix(d.Phone, t.digits) || strings.HasSuffix(d.Phone, t.digits))
}

// ranges are the token key ranges (each a prefix) that hold the customers
// t matches.
func (t term) prefixes() []string {
	var out []string
	if t.digits != "" {
		out = append(out, KindPhone+":"+t.digits, KindReversed+":"+reverse(t.digits))
	}
	if t.text != "" {
		out = append(out, KindWord+":"+t.text)
	}
	return out
}

// firstKey is the first (lowest) token key of the customer of d that t's
// prefixes match: the one key under which a search lists it, so that a
// customer with several matching tokens is listed once.
func (t term) firstKey(d *tokenDoc) string {
	var best string
	consider := func(k string) {
		if best == "" || k < best {
			best = k
		}
	}
	if t.digits != "" && d.Phone != "" {
		if strings.HasPrefix(d.Phone, t.digits) {
			consider(KindPhone + ":" + d.Phone + "#" + d.ID)
		}
		if strings.HasSuffix(d.Phone, t.digits) {
			consider(KindReversed + ":" + reverse(d.Phone) + "#" + d.ID)
		}
	}
	if t.text != "" {
		for _, w := range d.Words {
			if strings.HasPrefix(w, t.text) {
				consider(KindWord + ":" + w + "#" + d.ID)
			}
		}
	}
	return best
}

// driver picks the term whose index ranges are read: the longest, as
// the likeliest to match fewest customers; the others are checked on the
// token documents read.
func driver(ts []term) term {
	best := ts[0]
	for _, t := range ts[1:] {
		if max(len(t.text), len(t.digits)) > max(len(best.text), len(best.digits)) {
			best = t
		}
	}
	return best
}
