package domain

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// UnmarshalJSON keeps values in their normalised Go types: JSON arrays
// become []string, numbers float64.
//
// Custom values are decoded with every customer read (a daily run reads
// them all), so the common shape, a flat object of plain strings, numbers,
// booleans, nulls and lists of strings, is read by hand; anything else
// (an escape in a string, a nested object) goes through encoding/json.
func (v *Values) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) {
		*v = nil
		return nil
	}
	if m, ok := parseFlatValues(b); ok {
		*v = m
		return nil
	}
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	for k, x := range raw {
		if list, ok := x.([]any); ok {
			strs := make([]string, 0, len(list))
			for _, e := range list {
				if s, ok := e.(string); ok {
					strs = append(strs, s)
				}
			}
			raw[k] = strs
		}
	}
	*v = raw
	return nil
}

// flatParser reads a flat JSON object of custom values; ok false means the
// input is not of the shape it reads (not that it is invalid JSON).
type flatParser struct {
	b []byte
	i int
}

func parseFlatValues(b []byte) (Values, bool) {
	p := flatParser{b: b}
	if !p.eat('{') {
		return nil, false
	}
	out := Values{}
	if p.eat('}') {
		return out, p.end()
	}
	for {
		key, ok := p.str()
		if !ok || !p.eat(':') {
			return nil, false
		}
		val, ok := p.value()
		if !ok {
			return nil, false
		}
		out[key] = val
		if p.eat(',') {
			continue
		}
		if p.eat('}') {
			return out, p.end()
		}
		return nil, false
	}
}

func (p *flatParser) space() {
	for p.i < len(p.b) && (p.b[p.i] == ' ' || p.b[p.i] == '\t' || p.b[p.i] == '\n' || p.b[p.i] == '\r') {
		p.i++
	}
}

// eat skips spaces and then c, if c is next.
func (p *flatParser) eat(c byte) bool {
	p.space()
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *flatParser) end() bool {
	p.space()
	return p.i == len(p.b)
}

// str reads a string of valid UTF-8 with no escapes and no control
// characters.
func (p *flatParser) str() (string, bool) {
	if !p.eat('"') {
		return "", false
	}
	start, ascii := p.i, true
	for p.i < len(p.b) {
		switch c := p.b[p.i]; {
		case c == '"':
			raw := p.b[start:p.i]
			if !ascii && !utf8.Valid(raw) {
				return "", false // encoding/json replaces bad bytes
			}
			p.i++
			return string(raw), true
		case c >= 0x80:
			ascii = false
		case c == '\\' || c < 0x20:
			return "", false
		}
		p.i++
	}
	return "", false
}

func (p *flatParser) value() (any, bool) {
	p.space()
	if p.i >= len(p.b) {
		return nil, false
	}
	switch c := p.b[p.i]; {
	case c == '"':
		return p.str()
	case c == '[':
		return p.strings()
	case c == 't':
		return true, p.word("true")
	case c == 'f':
		return false, p.word("false")
	case c == 'n':
		return nil, p.word("null")
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	}
	return nil, false
}

func (p *flatParser) word(w string) bool {
	if !bytes.HasPrefix(p.b[p.i:], []byte(w)) {
		return false
	}
	p.i += len(w)
	return true
}

// strings reads a list of strings.
func (p *flatParser) strings() ([]string, bool) {
	p.i++ // '['
	out := []string{}
	if p.eat(']') {
		return out, true
	}
	for {
		s, ok := p.str()
		if !ok {
			return nil, false
		}
		out = append(out, s)
		if p.eat(',') {
			continue
		}
		return out, p.eat(']')
	}
}

// number reads a JSON number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func (p *flatParser) number() (float64, bool) {
	start := p.i
	p.word("-")
	if p.word("0") {
		// no more integer digits after a leading zero
	} else if !p.digits() {
		return 0, false
	}
	if p.word(".") && !p.digits() {
		return 0, false
	}
	if p.i < len(p.b) && (p.b[p.i] == 'e' || p.b[p.i] == 'E') {
		p.i++
		if p.i < len(p.b) && (p.b[p.i] == '+' || p.b[p.i] == '-') {
			p.i++
		}
		if !p.digits() {
			return 0, false
		}
	}
	f, err := strconv.ParseFloat(string(p.b[start:p.i]), 64)
	return f, err == nil
}

func (p *flatParser) digits() bool {
	start := p.i
	for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
		p.i++
	}
	return p.i > start
}
