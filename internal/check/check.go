// Package check holds the checks every input shares: texts, emails,
// phones, lists of ids. Each records what is wrong at its path in a
// domain.Problems and returns the value as it is to be stored.
package check

import (
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"tend/internal/domain"
	"tend/internal/phone"
)

// Text trims a one-line text (a name, a title) and checks it: a
// required text must not be empty, and no text may be too long or hold a
// line break, a tab or another control character.
func Text(p *domain.Problems, path, s string, max int, required bool) string {
	return text(p, path, s, max, required, false)
}

// Lines is Text for text that may run over several lines (a
// description, a note, an address): tabs and line breaks are kept.
func Lines(p *domain.Problems, path, s string, max int, required bool) string {
	return text(p, path, s, max, required, true)
}

func text(p *domain.Problems, path, s string, max int, required, multiline bool) string {
	s = strings.TrimSpace(s)
	fault := domain.TextFault(s, multiline)
	switch {
	case s == "" && required:
		p.Add(path, "required")
	case fault != "":
		p.Add(path, fault)
	case utf8.RuneCountInString(s) > max:
		p.Add(path, "too_long", "max", fmt.Sprint(max))
	}
	return s
}

// Email returns the address lower-cased, or records why it is not one.
func Email(p *domain.Problems, path, s string, required bool) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		if required {
			p.Add(path, "required")
		}
		return ""
	}
	if !ValidEmail(s) {
		p.Add(path, "invalid_email")
	}
	return s
}

// ValidEmail reports whether s is a plain address "local@domain.tld".
func ValidEmail(s string) bool {
	if len(s) > 254 || strings.ContainsAny(s, " <>\"") || strings.ContainsFunc(s, unicode.IsControl) {
		return false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	domainPart := s[at+1:]
	return at > 0 && strings.Contains(domainPart, ".") && !strings.HasPrefix(domainPart, ".") && !strings.HasSuffix(domainPart, ".")
}

// Phone returns the number in E.164 (empty stays empty).
func Phone(p *domain.Problems, path, s string) string {
	if strings.TrimSpace(s) == "" {
		return ""
	}
	n, err := phone.Normalize(s)
	if err != nil {
		p.Add(path, "invalid_phone")
		return s
	}
	return n
}

// Index is the path of the i-th element of a list.
func Index(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }

// Dedupe drops empty and repeated strings, keeping order.
func Dedupe(in []string) []string {
	out := make([]string, 0, len(in))
	seen := map[string]bool{}
	for _, s := range in {
		s = strings.TrimSpace(s)
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	return out
}

// OneOf checks a value against the allowed ones: when creating, the empty
// value stands for def; when changing, it is refused like any other.
func OneOf(p *domain.Problems, path, v string, allowed []string, def string, creating bool) string {
	if v == "" && creating {
		return def
	}
	if !slices.Contains(allowed, v) {
		p.Add(path, "invalid_value", "value", v)
	}
	return v
}
