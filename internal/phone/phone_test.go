package phone_test

import (
	"errors"
	"strings"
	"testing"

	"tend/internal/phone"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"0912 345 678", "+84912345678"},
		{"+84912345678", "+84912345678"},
		{"84912345678", "+84912345678"},
		{"(+84) 912-345-678", "+84912345678"},
		{"091.234.5678", "+84912345678"},
		{" 0912345678 ", "+84912345678"},
		{"024 3825 1234", "+842438251234"}, // Hà Nội landline
		{"028 3822 1234", "+842838221234"}, // TP HCM landline
		{"+1 650 253 0000", "+16502530000"},
		// Legacy 11-digit mobile numbers, renumbered in 2018–19.
		{"0162 123 4567", "+84321234567"},
		{"0163 123 4567", "+84331234567"},
		{"0164 123 4567", "+84341234567"},
		{"0165 123 4567", "+84351234567"},
		{"0166 123 4567", "+84361234567"},
		{"0167 123 4567", "+84371234567"},
		{"0168 123 4567", "+84381234567"},
		{"0169 123 4567", "+84391234567"},
		{"0120 123 4567", "+84701234567"},
		{"0121 123 4567", "+84791234567"},
		{"0122 123 4567", "+84771234567"},
		{"0126 123 4567", "+84761234567"},
		{"0128 123 4567", "+84781234567"},
		{"0123 123 4567", "+84831234567"},
		{"0124 123 4567", "+84841234567"},
		{"0125 123 4567", "+84851234567"},
		{"0127 123 4567", "+84811234567"},
		{"0129 123 4567", "+84821234567"},
		{"0186 123 4567", "+84561234567"},
		{"0188 123 4567", "+84581234567"},
		{"0199 123 4567", "+84591234567"},
		{"+84 168 123 4567", "+84381234567"},
		{"84168 123 4567", "+84381234567"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := phone.Normalize(tc.in)
			if err != nil || got != tc.want {
				t.Fatalf("Normalize(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestNormalizeRejects(t *testing.T) {
	for _, in := range []string{"", "abc", "12", "0912 345 67a", "++84912345678", "0912345", "09123456789012345678901",
		"0170 123 4567", // 017x was never a mobile prefix
	} {
		if got, err := phone.Normalize(in); !errors.Is(err, phone.ErrInvalid) {
			t.Errorf("Normalize(%q) = %q, %v; want ErrInvalid", in, got, err)
		}
	}
}

// Two spellings of one number normalise to the same E.164 string, and a
// normalised number normalises to itself.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"0912 345 678", "+84912345678", "0168 123 4567", "+1 650 253 0000", "024 3825 1234", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := phone.Normalize(s)
		if err != nil {
			return
		}
		if !strings.HasPrefix(got, "+") || phone.Digits(got) != got[1:] {
			t.Fatalf("Normalize(%q) = %q, not E.164", s, got)
		}
		again, err := phone.Normalize(got)
		if err != nil || again != got {
			t.Fatalf("Normalize(Normalize(%q)) = %q, %v; want %q", s, again, err, got)
		}
	})
}
