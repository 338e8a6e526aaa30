package domain_test

import (
	"testing"

	"tend/internal/domain"
)

func TestTextFault(t *testing.T) {
	for _, tc := range []struct {
		s                 string
		oneLine, manyLine string
	}{
		{"Nguyễn Thị Lan", "", ""},
		{"", "", ""},
		{"a\nb", "single_line", ""},
		{"a\r\nb", "single_line", ""},
		{"a\tb", "control_character", ""},
		{"a\x00b", "control_character", "control_character"},
		{"a\x1bb", "control_character", "control_character"},
		{"a\x7fb", "control_character", "control_character"},
		{"a\xffb", "invalid_utf8", "invalid_utf8"},
		{"\u0085", "", ""}, // C1 controls are left alone
	} {
		if got := domain.TextFault(tc.s, false); got != tc.oneLine {
			t.Errorf("TextFault(%q, one line) = %q, want %q", tc.s, got, tc.oneLine)
		}
		if got := domain.TextFault(tc.s, true); got != tc.manyLine {
			t.Errorf("TextFault(%q, multi-line) = %q, want %q", tc.s, got, tc.manyLine)
		}
	}
}
