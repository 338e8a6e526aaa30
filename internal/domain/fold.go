package domain

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// FoldRune returns r without case and without Vietnamese (and other Latin)
// diacritics: 'Ễ' → 'e', 'Đ' → 'd', 'A' → 'a'. Combining marks fold to -1,
// meaning "drop this rune", so decomposed input folds like precomposed.
func FoldRune(r rune) rune {
	switch {
	case r < utf8.RuneSelf:
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	case r >= foldLatinFirst && r <= foldLatinLast:
		if b := foldLatin[r-foldLatinFirst]; b != '_' {
			return rune(b)
		}
	case r >= foldExtFirst && r <= foldExtLast:
		if b := foldExt[r-foldExtFirst]; b != '_' {
			return rune(b)
		}
	case r >= 0x0300 && r <= 0x036F: // combining diacritical marks
		return -1
	}
	return unicode.ToLower(r)
}

// AppendFold appends the folded form of s to dst.
func AppendFold(dst []byte, s string) []byte {
	for _, r := range s {
		if f := FoldRune(r); f >= 0 {
			dst = utf8.AppendRune(dst, f)
		}
	}
	return dst
}

// Fold returns s folded for comparison: lower case, no diacritics, runs of
// white space collapsed to one space and trimmed.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		f := FoldRune(r)
		if f < 0 {
			continue
		}
		if unicode.IsSpace(f) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(f)
	}
	return b.String()
}

// plainASCII reports whether s folds to itself but for letter case: ASCII
// with no white space other than single spaces inside. Most emails,
// sources and tags are; comparing them needs no rune decoding.
func plainASCII(s string) bool {
	if len(s) > 0 && (s[0] == ' ' || s[len(s)-1] == ' ') {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || c < ' ' || (c == ' ' && i > 0 && s[i-1] == ' ') {
			return false
		}
	}
	return true
}

// lowerEqual compares an ASCII string with an already folded one,
// ignoring the case of the first.
func lowerEqual(s, folded string) bool {
	if len(s) != len(folded) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != folded[i] {
			return false
		}
	}
	return true
}

// FoldedContains reports whether folded(s) contains needle, where needle is
// already folded. It folds s on the fly and does not allocate.
func FoldedContains(s, needle string) bool {
	if needle == "" {
		return true
	}
	if plainASCII(s) {
		for i := 0; i+len(needle) <= len(s); i++ {
			if lowerEqual(s[i:i+len(needle)], needle) {
				return true
			}
		}
		return false
	}
	for start := 0; start < len(s); {
		if foldedPrefix(s[start:], needle) {
			return true
		}
		_, size := utf8.DecodeRuneInString(s[start:])
		start += size
	}
	return false
}

// FoldedHasPrefix reports whether folded(s) starts with the folded needle.
func FoldedHasPrefix(s, needle string) bool {
	if plainASCII(s) {
		return len(s) >= len(needle) && lowerEqual(s[:len(needle)], needle)
	}
	return foldedPrefix(strings.TrimLeftFunc(s, unicode.IsSpace), needle)
}

// FoldedEqual reports whether folded(s) equals the folded needle.
func FoldedEqual(s, needle string) bool {
	if plainASCII(s) {
		return lowerEqual(s, needle)
	}
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	i := foldedMatch(s, needle)
	return i >= 0 && foldedRest(s[i:])
}

// FoldedHasSuffix reports whether folded(s) ends with the folded needle.
func FoldedHasSuffix(s, needle string) bool {
	if plainASCII(s) {
		return len(s) >= len(needle) && lowerEqual(s[len(s)-len(needle):], needle)
	}
	for start := 0; start <= len(s); {
		if i := foldedMatch(s[start:], needle); i >= 0 && foldedRest(s[start+i:]) {
			return true
		}
		if start == len(s) {
			break
		}
		_, size := utf8.DecodeRuneInString(s[start:])
		start += size
	}
	return false
}

func foldedPrefix(s, needle string) bool { return foldedMatch(s, needle) >= 0 }

// foldedMatch matches the folded needle against the start of s, skipping
// combining marks and collapsing white space as Fold does. It returns how
// many bytes of s were consumed, or -1.
func foldedMatch(s, needle string) int {
	i, j := 0, 0
	for j < len(needle) {
		if i >= len(s) {
			return -1
		}
		if c, nc := s[i], needle[j]; c < utf8.RuneSelf && nc < utf8.RuneSelf && nc != ' ' {
			// ASCII on both sides, the common case: no decoding.
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != nc {
				return -1
			}
			i, j = i+1, j+1
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		f := FoldRune(r)
		if f < 0 {
			i += size
			continue
		}
		nr, nsize := utf8.DecodeRuneInString(needle[j:])
		if nr == ' ' && isSpace(f) {
			i += size
			for i < len(s) {
				r2, s2 := utf8.DecodeRuneInString(s[i:])
				if !unicode.IsSpace(r2) {
					break
				}
				i += s2
			}
			j += nsize
			continue
		}
		if f != nr {
			return -1
		}
		i += size
		j += nsize
	}
	return i
}

// foldedRest reports whether what is left of s folds to nothing (only
// combining marks or white space).
func foldedRest(s string) bool {
	for _, r := range s {
		if f := FoldRune(r); f >= 0 && !unicode.IsSpace(f) {
			return false
		}
	}
	return true
}

func isSpace(r rune) bool {
	if r < utf8.RuneSelf {
		return r == ' ' || ('\t' <= r && r <= '\r')
	}
	return unicode.IsSpace(r)
}
