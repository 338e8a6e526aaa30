package custindex

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"tend/internal/domain"
)

// CheckQuery checks what parseQuery makes of q: terms each with something
// to look up, texts trimmed of punctuation, phone digits only digits.
func CheckQuery(q string) error {
	ts := parseQuery(q)
	if len(ts) > maxTerms {
		return fmt.Errorf("%d terms", len(ts))
	}
	for _, t := range ts {
		if t.text == "" && t.digits == "" {
			return fmt.Errorf("an empty term")
		}
		if !utf8.ValidString(t.text) || strings.TrimFunc(t.text, notWordRune) != t.text || len(t.text) > maxWordBytes {
			return fmt.Errorf("term text %q", t.text)
		}
		if t.digits != "" && (len(t.digits) < minPhoneDigits || strings.Trim(t.digits, "0123456789") != "") {
			return fmt.Errorf("term digits %q", t.digits)
		}
	}
	return nil
}

// NameIndexed reports whether every word of name is indexed (a name has
// at most maxNameWords indexed).
func NameIndexed(name string) bool {
	return len(strings.FieldsFunc(domain.Fold(name), notWordRune)) <= maxNameWords
}

// Finds reports whether a search for q finds c from its index entries: c
// matches every term, and is listed under a token key of its own in the
// ranges the search reads.
func Finds(q string, c *domain.Customer) (bool, error) {
	ts := parseQuery(q)
	if len(ts) == 0 {
		return false, nil
	}
	entries := Entries(c)
	d := docOf(c.ID, entries)
	for _, t := range ts {
		if !t.matches(&d) {
			return false, nil
		}
	}
	// Whichever term the probe picks, the customer is listed under a key
	// of its own in the ranges read.
	for _, lead := range ts {
		key := lead.firstKey(&d)
		inRange := false
		for _, p := range lead.prefixes() {
			inRange = inRange || strings.HasPrefix(key, p)
		}
		if !inRange {
			return false, fmt.Errorf("listed under %q, outside the ranges read %q", key, lead.prefixes())
		}
		if !slices.ContainsFunc(entries, func(e Entry) bool { return e.IsToken() && indexKey("t", c.ID, e).SK == key }) {
			return false, fmt.Errorf("listed under %q, which is no token of it", key)
		}
	}
	return true, nil
}
