package jsonin

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"tend/internal/domain"
)

// Check refuses a body that is not JSON (invalid_json) or whose strings,
// keys included, are not text: invalid UTF-8, which decoding would quietly
// turn into U+FFFD (invalid_utf8), or a control character (see
// domain.IsControl) whether written raw or escaped (control_character).
// Each string at fault is named by its path, all at once. Tab and line
// breaks pass: whether a string may hold several lines is for its field to
// say. An empty body passes too: its reader decides what it means.
func Check(raw []byte) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil
	}
	if !json.Valid(raw) {
		return domain.Errorf(domain.ErrBadRequest, "invalid_json")
	}
	s := scanner{raw: raw}
	s.value("")
	return s.p.Err()
}

// scanner walks a valid JSON document, keeping the path of where it is.
type scanner struct {
	raw []byte
	i   int
	p   domain.Problems
}

func (s *scanner) space() {
	for s.i < len(s.raw) && strings.IndexByte(" \t\r\n", s.raw[s.i]) >= 0 {
		s.i++
	}
}

func (s *scanner) value(path string) {
	s.space()
	switch s.raw[s.i] {
	case '{':
		s.i++
		for {
			s.space()
			switch s.raw[s.i] {
			case '}':
				s.i++
				return
			case ',':
				s.i++
				s.space()
			}
			key, fault := s.str()
			at := Path(path, key)
			if fault != "" {
				s.p.Add(at, fault)
			}
			s.space()
			s.i++ // the colon
			s.value(at)
		}
	case '[':
		s.i++
		for n := 0; ; n++ {
			s.space()
			switch s.raw[s.i] {
			case ']':
				s.i++
				return
			case ',':
				s.i++
			}
			s.value(fmt.Sprintf("%s[%d]", path, n))
		}
	case '"':
		if _, fault := s.str(); fault != "" {
			s.p.Add(path, fault)
		}
	default: // a number, true, false or null
		for s.i < len(s.raw) && strings.IndexByte(",]} \t\r\n", s.raw[s.i]) < 0 {
			s.i++
		}
	}
}

// str reads the string at s.i and returns it decoded, with the code of
// the first thing that makes it not text.
func (s *scanner) str() (text, fault string) {
	s.i++ // the opening quote
	var b strings.Builder
	for {
		var r rune
		switch c := s.raw[s.i]; {
		case c == '"':
			s.i++
			return b.String(), fault
		case c == '\\':
			var ok bool
			if r, ok = s.escape(); !ok && fault == "" {
				fault = "invalid_utf8"
			}
		case c < utf8.RuneSelf:
			r = rune(c)
			s.i++
		default:
			var size int
			r, size = utf8.DecodeRune(s.raw[s.i:])
			if r == utf8.RuneError && size == 1 && fault == "" {
				fault = "invalid_utf8"
			}
			s.i += size
		}
		if domain.IsControl(r) && fault == "" {
			fault = "control_character"
		}
		b.WriteRune(r)
	}
}

// escape reads the escape sequence at s.i; a \u escape of half a
// surrogate pair, which no UTF-8 text can hold, is not ok.
func (s *scanner) escape() (rune, bool) {
	c := s.raw[s.i+1]
	s.i += 2
	switch c {
	case 'b':
		return '\b', true
	case 'f':
		return '\f', true
	case 'n':
		return '\n', true
	case 'r':
		return '\r', true
	case 't':
		return '\t', true
	case 'u':
	default: // '"', '\\' or '/'
		return rune(c), true
	}
	r := s.hex4(s.i)
	s.i += 4
	if !utf16.IsSurrogate(r) {
		return r, true
	}
	if s.i+6 <= len(s.raw) && s.raw[s.i] == '\\' && s.raw[s.i+1] == 'u' {
		if pair := utf16.DecodeRune(r, s.hex4(s.i+2)); pair != utf8.RuneError {
			s.i += 6
			return pair, true
		}
	}
	return utf8.RuneError, false
}

// hex4 reads the four hex digits at i, which valid JSON has there.
func (s *scanner) hex4(i int) rune {
	n, _ := strconv.ParseUint(string(s.raw[i:i+4]), 16, 32)
	return rune(n)
}
