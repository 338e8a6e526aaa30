package cellvalue_test

import (
	"errors"
	"testing"

	"tend/internal/cellvalue"
)

var numberCases = []struct {
	in, want string // want "" for an error
}{
	{"1.234.567", "1234567"},
	{"1,234,567", "1234567"},
	{"1 234 567", "1234567"},
	{"1\u00a0234\u00a0567", "1234567"},
	{"1.234.567,5", "1234567.5"},
	{"1,234,567.5", "1234567.5"},
	{"1 234 567,5", "1234567.5"},
	{"1234567", "1234567"},
	{"-1.500", "-1500"},
	{"+1.500", "1500"},
	{"1.500.000 đ", "1500000"},
	{"1.500.000đ", "1500000"},
	{"1.500.000 VND", "1500000"},
	{"1.500.000 vnđ", "1500000"},
	{"1.500.000 VNĐ", "1500000"},
	{"1.500.000 đồng", "1500000"},
	{"₫ 1.500.000", "1500000"},
	{"VND 1.500.000", "1500000"},
	{"2,5", "2.5"},
	{"0.75", "0.75"},
	{"0,750", "0.750"},
	{"1.234", "1234"},
	{"1,234", "1234"},
	{"123.456", "123456"},
	{"1.5", "1.5"},
	{"1,5", "1.5"},
	{"12.3456", "12.3456"},
	{"1234.567", "1234.567"},
	{"1234567.5", "1234567.5"},
	{"1.5E+06", "1500000"},
	{"1.5e6", "1500000"},
	{"1.234E-2", "0.01234"},
	{"1.234E0", "1.2340"},
	{"2E+00", "2"},
	{"007", "7"},
	{".5", "0.5"},
	{"-0", "0"},
	{"0", "0"},
	{"  42  ", "42"},
	{"2,50", "2.50"},
	{"1.000,00", "1000"},
	// errors
	{"", ""},
	{"-", ""},
	{"đ", ""},
	{"abc", ""},
	{"1.2.3", ""},
	{"1.23.456", ""},
	{"1,234.567,8", ""},
	{"1.234,567.8", ""},
	{"12,34,567", ""},
	{"1.234,5,6", ""},
	{"5.", ""},
	{"1  000", ""},
	{"NaN", ""},
	{"Inf", ""},
	{"0x10", ""},
	{"1e", ""},
	{"1e99", ""},
	{"--1", ""},
	{"1.5E+06 đ x", ""},
	{"12345678901234567890123456789012345678901", ""},
}

func TestNumber(t *testing.T) {
	for _, c := range numberCases {
		got, err := cellvalue.Number(c.in)
		if c.want == "" {
			if err == nil || !errors.Is(err, cellvalue.ErrNumber) {
				t.Errorf("Number(%q) = %q, %v; want ErrNumber", c.in, got, err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("Number(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

func FuzzNumber(f *testing.F) {
	for _, c := range numberCases {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := cellvalue.Number(s)
		if err != nil {
			if !errors.Is(err, cellvalue.ErrNumber) {
				t.Fatalf("Number(%q) error %v is not ErrNumber", s, err)
			}
			return
		}
		again, err := cellvalue.Number(got)
		if err != nil || again != got {
			t.Fatalf("Number(%q) = %q, which reads back as %q, %v", s, got, again, err)
		}
		if !jsonNumber(got) {
			t.Fatalf("Number(%q) = %q is not a JSON number", s, got)
		}
	})
}

// jsonNumber reports whether s is a number as JSON writes it:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?
func jsonNumber(s string) bool {
	if s != "" && s[0] == '-' {
		s = s[1:]
	}
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 || (s[0] == '0' && i > 1) {
		return false
	}
	if i == len(s) {
		return true
	}
	if s[i] != '.' || i+1 == len(s) {
		return false
	}
	for _, c := range []byte(s[i+1:]) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
