package cellvalue

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxDigits bounds the digits of a number: no amount of money needs more.
const maxDigits = 40

// currencies are the signs of Vietnamese đồng written before or after an
// amount, lower case.
var currencies = []string{"vnđ", "vnd", "đồng", "đ", "₫", "dong"}

// Number reads a number or an amount of money as people write it:
// "1.234.567", "1,234,567", "1 234 567", "1.234.567,5", "1,234,567.5",
// "-1.500", "1.500.000 đ", "₫ 1.500.000", "2,5", "0.75", "1.5E+06".
// Spaces are thousands separators; with both . and , the last one is the
// decimal separator; a single . or , is a decimal separator, unless
// exactly three digits follow it and one to three (not a lone 0) precede
// it: "1.234" and "1,234" are 1234 (Vietnamese writes thousands with a
// dot), "1,5" and "0.750" are decimals. The result is a decimal string as
// JSON writes numbers ("1234567.5"), without float rounding; one shaped
// like thousands ("1.234") gets a trailing 0 ("1.2340") so that it reads
// back as the same value.
func Number(s string) (string, error) {
	bad := func() (string, error) { return "", fmt.Errorf("%w: %q", ErrNumber, s) }
	t := stripCurrency(strings.TrimSpace(s))
	neg := false
	if t != "" && (t[0] == '-' || t[0] == '+') {
		neg, t = t[0] == '-', strings.TrimLeft(t[1:], " ")
	}
	var whole, frac string
	var ok bool
	if i := strings.IndexAny(t, "eE"); i >= 0 {
		whole, frac, ok = exponent(t[:i], t[i+1:])
	} else {
		whole, frac, ok = separated(t)
	}
	if !ok || len(whole)+len(frac) > maxDigits {
		return bad()
	}
	return canonical(neg, whole, frac), nil
}

// stripCurrency drops a currency sign before or after the amount.
func stripCurrency(s string) string {
	for _, c := range currencies {
		if n := len(s) - len(c); n >= 0 && strings.EqualFold(s[n:], c) {
			return strings.TrimSpace(s[:n])
		}
		if len(s) >= len(c) && strings.EqualFold(s[:len(c)], c) {
			return strings.TrimSpace(s[len(c):])
		}
	}
	return s
}

// separated splits a number written with separators into its whole and
// fractional digits.
func separated(s string) (whole, frac string, ok bool) {
	var groups []string // the runs of digits
	var seps []rune     // seps[i] is between groups[i] and groups[i+1]
	start := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r >= '0' && r <= '9':
			i += size
			continue
		case r == '.' || r == ',':
		case unicode.IsSpace(r): // no-break spaces too
			r = ' '
		default:
			return "", "", false
		}
		groups, seps = append(groups, s[start:i]), append(seps, r)
		i += size
		start = i
	}
	groups = append(groups, s[start:])
	if dec := decimalSeparator(groups, seps); dec != 0 {
		frac = groups[len(groups)-1]
		groups, seps = groups[:len(groups)-1], seps[:len(seps)-1]
		if frac == "" {
			return "", "", false
		}
	}
	// What is left is the whole part: one run, or groups of thousands
	// all separated by the same . or , (or spaces).
	if len(seps) == 0 {
		return groups[0], frac, groups[0] != "" || frac != ""
	}
	var thousands rune = ' '
	for i, g := range groups {
		if (i == 0 && (len(g) < 1 || len(g) > 3)) || (i > 0 && len(g) != 3) {
			return "", "", false
		}
		if i == 0 {
			continue
		}
		switch sep := seps[i-1]; {
		case sep == ' ':
		case thousands == ' ':
			thousands = sep
		case sep != thousands:
			return "", "", false
		}
	}
	return strings.Join(groups, ""), frac, true
}

// decimalSeparator says which separator, if any, starts the fraction: the
// last one, when it is . or , and is the only one of its kind, and either
// the other kind or a space is used too, or it isn't followed by exactly
// three digits after one to three (not a lone 0).
func decimalSeparator(groups []string, seps []rune) rune {
	if len(seps) == 0 {
		return 0
	}
	last := seps[len(seps)-1]
	if last == ' ' {
		return 0
	}
	count, others := 0, false
	for _, r := range seps {
		if r == last {
			count++
		} else {
			others = true
		}
	}
	if count > 1 {
		return 0
	}
	if others {
		return last
	}
	before, after := groups[0], groups[1]
	if len(after) == 3 && len(before) >= 1 && len(before) <= 3 && before != "0" {
		return 0 // "1.234": thousands
	}
	return last
}

// exponent reads "1.5E+06": a mantissa with an optional . and a signed
// exponent, shifted into whole and fractional digits.
func exponent(mantissa, exp string) (whole, frac string, ok bool) {
	w, f, _ := strings.Cut(mantissa, ".")
	if (w != "" && !allDigits(w)) || (f != "" && !allDigits(f)) || w+f == "" {
		return "", "", false
	}
	if exp != "" && exp[0] == '+' {
		exp = exp[1:]
	}
	e, err := strconv.Atoi(exp)
	if err != nil || exp == "" || exp[0] == '+' || e < -maxDigits || e > maxDigits {
		return "", "", false
	}
	digits, point := w+f, len(w)+e
	switch {
	case point <= 0:
		return "0", strings.Repeat("0", -point) + digits, true
	case point >= len(digits):
		return digits + strings.Repeat("0", point-len(digits)), "", true
	}
	return digits[:point], digits[point:], true
}

// canonical writes a number as JSON does: no leading zeros, a fraction
// only when it has digits other than 0 at its end kept as written.
func canonical(neg bool, whole, frac string) string {
	whole = strings.TrimLeft(whole, "0")
	if whole == "" {
		whole = "0"
	}
	if strings.Trim(frac, "0") == "" {
		frac = ""
	}
	if frac != "" && len(frac) == 3 && whole != "0" && len(whole) <= 3 {
		frac += "0" // "1.234" would read back as 1234
	}
	s := whole
	if frac != "" {
		s += "." + frac
	}
	if neg && s != "0" {
		s = "-" + s
	}
	return s
}
