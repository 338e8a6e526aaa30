package campaignexport

import (
	"strings"
	"time"
	"unicode"

	"tend/internal/domain"
)

// maxNameRunes bounds the campaign's part of a file name.
const maxNameRunes = 80

// FileName is the download's name, readable in Vietnamese: the campaign's
// name (without the characters file systems refuse) and the day,
// "Chiến dịch Tết 2027 - 2026-11-25.xlsx". day is taken as given: pass it
// in the workspace's zone. ContentDisposition adds an ASCII form.
func FileName(campaignName, format string, day time.Time) string {
	var b strings.Builder
	n := 0
	space := false
	for _, r := range campaignName {
		switch {
		case unicode.IsSpace(r) || unicode.IsControl(r) || strings.ContainsRune(`<>:"/\|?*`, r):
			space = b.Len() > 0
			continue
		case !unicode.IsPrint(r):
			continue
		}
		if n == maxNameRunes {
			break
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
		n++
	}
	name := b.String()
	if name == "" {
		name = "Chiến dịch"
	}
	return name + " - " + day.Format("2006-01-02") + "." + format
}

// ContentDisposition is the Content-Disposition of a download named
// fileName: an ASCII slug in filename= for every client, and the name
// itself in the RFC 5987 filename* form for those that read UTF-8.
func ContentDisposition(fileName string) string {
	return `attachment; filename="` + asciiSlug(fileName) + `"; filename*=UTF-8''` + rfc5987(fileName)
}

// asciiSlug folds a name to lower-case ASCII letters and digits joined by
// '-', keeping dots (the extension): "Chiến dịch Tết.pdf" → "chien-dich-tet.pdf".
func asciiSlug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range name {
		f := domain.FoldRune(r)
		switch {
		case f >= 'a' && f <= 'z', f >= '0' && f <= '9', f == '.':
			if dash && b.Len() > 0 && f != '.' {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(f)
		case f >= 0: // anything else separates words; a dropped mark (-1) does not
			dash = true
		}
	}
	s := strings.Trim(b.String(), ".")
	if s == "" {
		return "download"
	}
	return s
}

// rfc5987 percent-encodes the UTF-8 bytes of s outside attr-char.
func rfc5987(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}
