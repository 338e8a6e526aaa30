package templates

import (
	"math"
	"strconv"
	"strings"
	"time"

	"tend/internal/domain"
)

// Layouts of dates and times shown to people: the Vietnamese day/month
// order, in both languages.
const (
	dateLayout     = "02/01/2006"
	dateTimeLayout = "02/01/2006 15:04"
)

// formatDate shows a calendar date as dd/mm/yyyy ("" for no date).
func formatDate(d domain.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.In(time.UTC).Format(dateLayout)
}

// formatTime shows an instant as dd/mm/yyyy HH:MM in loc ("" for none).
func formatTime(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format(dateTimeLayout)
}

func formatTimePtr(t *time.Time, loc *time.Location) string {
	if t == nil {
		return ""
	}
	return formatTime(*t, loc)
}

// formatBool shows a yes/no value in the workspace's language.
func formatBool(b bool, lang string) string {
	switch {
	case lang == "en" && b:
		return "Yes"
	case lang == "en":
		return "No"
	case b:
		return "Có"
	}
	return "Không"
}

// separators returns the thousands and decimal separators of a language:
// "3.000.000,5" in Vietnamese, "3,000,000.5" in English.
func separators(lang string) (thousands, decimal byte) {
	if lang == "en" {
		return ',', '.'
	}
	return '.', ','
}

// formatInt shows a whole number with thousands separators.
func formatInt(n int64, lang string) string {
	th, _ := separators(lang)
	return group(strconv.FormatInt(n, 10), th)
}

// formatNumber shows a number with thousands separators and, when it has
// one, its fraction after the language's decimal mark.
func formatNumber(f float64, lang string) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return ""
	}
	if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
		return formatInt(int64(f), lang)
	}
	th, dec := separators(lang)
	s := strconv.FormatFloat(f, 'f', -1, 64)
	whole, frac, ok := strings.Cut(s, ".")
	out := group(whole, th)
	if ok {
		out += string(dec) + frac
	}
	return out
}

// group puts a separator between every three digits of a whole number
// written in decimal, with an optional leading minus.
func group(digits string, sep byte) string {
	sign := ""
	if strings.HasPrefix(digits, "-") {
		sign, digits = "-", digits[1:]
	}
	if len(digits) <= 3 {
		return sign + digits
	}
	var b strings.Builder
	b.Grow(len(sign) + len(digits) + len(digits)/3)
	b.WriteString(sign)
	head := len(digits) % 3
	if head == 0 {
		head = 3
	}
	b.WriteString(digits[:head])
	for i := head; i < len(digits); i += 3 {
		b.WriteByte(sep)
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}
