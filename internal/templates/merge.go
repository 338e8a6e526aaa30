package templates

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Merge-field syntax [trường trộn].
//
// Templates name a field as {{field_key}}; spaces or tabs may pad the key
// inside the braces ({{ name }}). A key is one or more of [a-z0-9_]:
// anything else between the braces ({{Name}}, {{ }}, {{a b}}, {{a-b}}) is
// not a merge field and stays literal text. Braces are matched left to
// right, so in "{{{name}}}" the field is "{{name}}" and one brace stays on
// each side.
//
// Task titles and descriptions also take the seed's form #field_key
// ("Gọi chúc mừng #name"). Because "#" is common in plain text, the form is
// narrower than the braces:
//   - the key must start with a letter a-z and runs to the first character
//     outside [a-z0-9_]: "#name," is the field "name" and a comma; "#123"
//     (an order number) and "#_x" are literal;
//   - the "#" must start the text or follow a character that is not a
//     letter, digit, combining mark, "_", "#", "&" or "/": "a#b" (an
//     address), "x.vn/#top" and "page#top" (links), "&#x27;" (an HTML
//     entity) and "##name" are all literal, so doubling the "#" is how to
//     write a hashtag that looks like a field.
//   - a lone "#", or a "#" at the end of the text, is literal.

// Ref is one merge field in a text: its key and the byte offsets of the
// whole token ("{{ name }}" or "#name"), text[Start:End].
type Ref struct {
	Key        string
	Start, End int
}

// Refs returns the {{field_key}} merge fields of text, in order.
func Refs(text string) []Ref { return scan(text, false) }

// TaskRefs returns the merge fields of a task title or description: both
// {{field_key}} and #field_key, in order.
func TaskRefs(text string) []Ref { return scan(text, true) }

// Render replaces every {{field_key}} of text with lookup(key). A key the
// lookup does not know renders as "": templates are checked when saved,
// and a field deleted since leaves a blank rather than a raw token. Lookup
// is called once per merge field, in order.
func Render(text string, lookup func(key string) (string, bool)) string {
	return render(text, Refs(text), lookup)
}

// RenderTask is Render for task titles and descriptions, which also take
// #field_key.
func RenderTask(text string, lookup func(key string) (string, bool)) string {
	return render(text, TaskRefs(text), lookup)
}

func render(text string, refs []Ref, lookup func(string) (string, bool)) string {
	if len(refs) == 0 {
		return text
	}
	var b strings.Builder
	b.Grow(len(text))
	last := 0
	for _, r := range refs {
		b.WriteString(text[last:r.Start])
		if v, ok := lookup(r.Key); ok {
			b.WriteString(v)
		}
		last = r.End
	}
	b.WriteString(text[last:])
	return b.String()
}

// scan finds the merge fields of text; hash also accepts #field_key.
// Every attempt at a token reads only key characters and padding, none of
// which can start another token, so the scan is linear.
func scan(text string, hash bool) []Ref {
	var refs []Ref
	for i := 0; i < len(text); {
		switch {
		case text[i] == '{' && strings.HasPrefix(text[i:], "{{"):
			if r, ok := braced(text, i); ok {
				refs = append(refs, r)
				i = r.End
				continue
			}
		case text[i] == '#' && hash:
			if r, ok := hashed(text, i); ok {
				refs = append(refs, r)
				i = r.End
				continue
			}
		}
		i++
	}
	return refs
}

// braced reads a {{ key }} token starting at text[i:], which begins "{{".
func braced(text string, i int) (Ref, bool) {
	j := skipPadding(text, i+2)
	k := skipKey(text, j)
	if k == j {
		return Ref{}, false
	}
	end := skipPadding(text, k)
	if !strings.HasPrefix(text[end:], "}}") {
		return Ref{}, false
	}
	return Ref{Key: text[j:k], Start: i, End: end + 2}, true
}

// hashed reads a #key token starting at text[i:], which begins "#".
func hashed(text string, i int) (Ref, bool) {
	if i+1 >= len(text) || text[i+1] < 'a' || text[i+1] > 'z' || !hashBoundary(text[:i]) {
		return Ref{}, false
	}
	k := skipKey(text, i+1)
	return Ref{Key: text[i+1 : k], Start: i, End: k}, true
}

// hashBoundary reports whether a "#" may start a field after before.
func hashBoundary(before string) bool {
	if before == "" {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(before)
	switch {
	case r == '_' || r == '#' || r == '&' || r == '/':
		return false
	case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
		return false
	}
	return true
}

// IsKey reports whether s is a well-formed merge key: [a-z0-9_]+.
func IsKey(s string) bool { return s != "" && skipKey(s, 0) == len(s) }

func isKeyByte(c byte) bool { return 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_' }

func skipKey(text string, i int) int {
	for i < len(text) && isKeyByte(text[i]) {
		i++
	}
	return i
}

func skipPadding(text string, i int) int {
	for i < len(text) && (text[i] == ' ' || text[i] == '\t') {
		i++
	}
	return i
}
