package cellvalue

import (
	"slices"
	"strings"

	"tend/internal/domain"
)

// Option matches a value to a select's options ignoring case, diacritics
// and surrounding space ("ha noi" → "Hà Nội"). It returns the option as
// the select writes it.
func Option(options []string, s string) (string, bool) {
	folded := domain.Fold(s)
	if folded == "" {
		return "", false
	}
	for _, o := range options {
		if domain.Fold(o) == folded {
			return o, true
		}
	}
	return "", false
}

// Options splits a multiselect cell on , ; | or a line break and matches
// each part, returning the options matched (each once, in the cell's
// order) and the parts that matched none. A cell that is itself an option
// ("Hà Nội, Việt Nam") is that option.
func Options(options []string, s string) (matched []string, unknown []string) {
	matched, unknown = []string{}, []string{}
	if o, ok := Option(options, s); ok {
		return append(matched, o), unknown
	}
	parts := strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == ';' || r == '|' || r == '\n' || r == '\r'
	})
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		o, ok := Option(options, p)
		switch {
		case !ok:
			unknown = append(unknown, p)
		case !slices.Contains(matched, o):
			matched = append(matched, o)
		}
	}
	return matched, unknown
}
