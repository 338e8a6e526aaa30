package custindex

import (
	"slices"
	"strings"
	"unicode"

	"tend/internal/domain"
)

// minPhoneDigits is how many digits a query needs to be looked up as a
// phone number (the last 4+ digits, or a number's beginning).
const minPhoneDigits = 4

// maxTerms bounds the words of a query that are checked.
const maxTerms = 16

// term is one word of a query. It matches a customer with a word token
// that text is a prefix of (the whole word: an e-mail, a code, a name
// word), or, when text holds several parts ("nguyen-van", "o'neil"), a
// word token for each part; or, when the word can be a phone number, the
// phone whose national digits start or end with digits.
type term struct {
	text   string
	parts  []string
	digits string
}

func newTerm(text string) term {
	t := term{text: trimmed(text, maxWordBytes)}
	if parts := strings.FieldsFunc(t.text, notWordRune); len(parts) > 1 {
		for i, p := range parts {
			parts[i] = clip(p, maxWordBytes)
		}
		t.parts = parts
	}
	return t
}

// parseQuery splits a query into its terms: a query that is only a phone
// number, however spaced ("0912 345 678", "+84 912.345.678"), is one term;
// otherwise each white-space separated folded word is one. Terms come each
// once; words that hold nothing to look up are dropped.
func parseQuery(q string) []term {
	if isPhoneLike(q) {
		t := newTerm(domain.Fold(q))
		t.digits = queryDigits(q)
		return []term{t}
	}
	var out []term
	for _, w := range strings.Fields(domain.Fold(q)) {
		t := newTerm(w)
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
		if x.text == t.text && x.digits == t.digits {
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

// queryDigits are the digits a phone-like query word is looked up by
// (PhoneDigits), "" when too few.
func queryDigits(s string) string {
	if d := PhoneDigits(s); len(d) >= minPhoneDigits {
		return d
	}
	return ""
}

// lead is the part of a term with parts whose index range is read: the
// longest, the likeliest to match fewest.
func (t term) lead() string {
	best := ""
	for _, p := range t.parts {
		if len(p) > len(best) {
			best = p
		}
	}
	return best
}

// matches reports whether a customer's token document matches t.
func (t term) matches(d *tokenDoc) bool {
	if t.text != "" && hasWordWithPrefix(d, t.text) {
		return true
	}
	if len(t.parts) > 0 && !slices.ContainsFunc(t.parts, func(p string) bool { return !hasWordWithPrefix(d, p) }) {
		return true
	}
	return t.digits != "" && d.Phone != "" && (strings.HasPrefix(d.Phone, t.digits) || strings.HasSuffix(d.Phone, t.digits))
}

func hasWordWithPrefix(d *tokenDoc, p string) bool {
	return slices.ContainsFunc(d.Words, func(w string) bool { return strings.HasPrefix(w, p) })
}

// wordPrefixes are the word token prefixes whose ranges hold every
// customer t matches by its words.
func (t term) wordPrefixes() []string {
	var out []string
	if t.text != "" {
		out = append(out, t.text)
	}
	if lead := t.lead(); lead != "" {
		out = append(out, lead)
	}
	return out
}

// prefixes are the token key prefixes of the ranges that hold every
// customer t matches (they may overlap: "nguyen-van" and "nguyen").
func (t term) prefixes() []string {
	var out []string
	if t.digits != "" {
		out = append(out, KindPhone+":"+t.digits, KindReversed+":"+reverse(t.digits))
	}
	for _, p := range t.wordPrefixes() {
		out = append(out, KindWord+":"+p)
	}
	return out
}

// kindOf is the token kind a token key (or its prefix) begins with.
func kindOf(key string) string {
	kind, _, _ := strings.Cut(key, ":")
	return kind
}

// rangeSets are the index ranges t's prefixes read, each in the
// partitions of its kind of token.
func (t term) rangeSets(tenant string) []rangeSet {
	bySet := map[string]int{}
	var out []rangeSet
	for _, p := range t.prefixes() {
		kind := kindOf(p)
		pks := tokenPKs(tenant, kind)
		i, ok := bySet[pks[0]]
		if !ok {
			i = len(out)
			bySet[pks[0]] = i
			out = append(out, rangeSet{pks: pks})
		}
		out[i].ranges = append(out[i].ranges, keyRange{p, p + keyMax})
	}
	return out
}

// firstKey is the first (lowest) token key of the customer of d in the
// ranges of t's prefixes: the one key under which a search lists it, so
// that a customer with several tokens in them is listed once.
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
	for _, p := range t.wordPrefixes() {
		for _, w := range d.Words {
			if strings.HasPrefix(w, p) {
				consider(KindWord + ":" + w + "#" + d.ID)
			}
		}
	}
	return best
}
