package domain

import "unicode/utf8"

// IsControl reports whether r is a control character no stored text may
// hold: a C0 control (U+0000–U+001F) or DEL (U+007F), but for tab, line
// feed and carriage return, which multi-line text may hold.
func IsControl(r rune) bool {
	return (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f
}

// TextFault says, as a message code, what makes s unfit to be stored as
// text: "invalid_utf8", "control_character" (see IsControl; in one-line
// text a tab too), "single_line" (a line break in one-line text), or ""
// when it is fine.
func TextFault(s string, multiline bool) string {
	if !utf8.ValidString(s) {
		return "invalid_utf8"
	}
	for _, r := range s {
		switch {
		case IsControl(r):
			return "control_character"
		case multiline:
		case r == '\n' || r == '\r':
			return "single_line"
		case r == '\t':
			return "control_character"
		}
	}
	return ""
}
