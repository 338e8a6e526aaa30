package templates_test

import (
	"strings"
	"testing"

	"tend/internal/templates"
)

func TestSMSSegments(t *testing.T) {
	a := func(n int) string { return strings.Repeat("a", n) }
	for _, tc := range []struct {
		name, text string
		parts      int
		encoding   string
	}{
		{"empty", "", 0, "gsm7"},
		{"160 ascii", a(160), 1, "gsm7"},
		{"161 ascii", a(161), 2, "gsm7"},
		{"306 ascii", a(306), 2, "gsm7"},
		{"307 ascii", a(307), 3, "gsm7"},
		{"without diacritics", "Chuc mung sinh nhat anh An!", 1, "gsm7"},
		{"gsm accents", "àèéìòù ÄÖÑÜ", 1, "gsm7"},
		{"80 euro signs", strings.Repeat("€", 80), 1, "gsm7"},
		{"81 euro signs", strings.Repeat("€", 81), 2, "gsm7"},
		{"escape not split", a(152) + "{" + a(152), 3, "gsm7"},
		{"70 vietnamese", strings.Repeat("ệ", 70), 1, "ucs2"},
		{"71 vietnamese", strings.Repeat("ệ", 71), 2, "ucs2"},
		{"134 vietnamese", strings.Repeat("ệ", 134), 2, "ucs2"},
		{"135 vietnamese", strings.Repeat("ệ", 135), 3, "ucs2"},
		{"one diacritic", a(69) + "ơ", 1, "ucs2"},
		{"35 emoji", strings.Repeat("😀", 35), 1, "ucs2"},
		{"36 emoji", strings.Repeat("😀", 36), 2, "ucs2"},
		{"surrogate pair not split", a(66) + "😀" + a(66), 3, "ucs2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			parts, enc := templates.SMSSegments(tc.text)
			if parts != tc.parts || enc != tc.encoding {
				t.Errorf("SMSSegments = %d, %s, want %d, %s", parts, enc, tc.parts, tc.encoding)
			}
		})
	}
}
