package templates

import (
	"fmt"
	"strings"

	"tend/internal/domain"
	"tend/internal/lunar"
	"tend/internal/rules"
	"tend/internal/workspace"
)

// LunarSuffix makes the merge key of a date field's lunar date:
// {{birthday_lunar}} shows a birthday as "15/8 Âm lịch", the day and month
// by the Vietnamese lunar calendar — what a lunar birthday wish names.
const LunarSuffix = "_lunar"

// lunarKeys are the "<key>_lunar" merge keys of the workspace's date
// fields, system and custom.
func lunarKeys(o *workspace.Org) []string {
	var keys []string
	for _, f := range domain.SystemFields {
		if f.Type == domain.TypeDate {
			keys = append(keys, f.Key+LunarSuffix)
		}
	}
	for _, f := range o.Fields {
		if f.Type == domain.TypeDate {
			keys = append(keys, f.Key+LunarSuffix)
		}
	}
	return keys
}

// lunarDate shows the lunar day and month of the date field base of c:
// "15/8 Âm lịch", "10/2 nhuận Âm lịch" in a leap month; in English
// "15/8 (lunar)", "10/2 leap (lunar)". ok is false when base is not a date
// field; an empty field shows "". A field with calendar "lunar" holds its
// lunar date already and shows it as {{<key>}} does.
func (f formatter) lunarDate(c *domain.Customer, base string) (string, bool) {
	if t, ok := f.o.FieldType(base); !ok || t != domain.TypeDate {
		return "", false
	}
	if c == nil {
		return "", true
	}
	if def, ok := f.o.Field(base); ok && def.IsLunar() {
		return f.custom(def, c.Fields[base]), true
	}
	d, ok := dateOf(c, base)
	if !ok {
		return "", true
	}
	return f.formatLunar(lunar.FromSolar(d.Year, d.Month, d.Day)), true
}

// formatLunar shows a lunar date's day and month, as lunarDate describes.
func (f formatter) formatLunar(ld lunar.Date) string {
	leap, label := "", " Âm lịch"
	if f.lang == "en" {
		label = " (lunar)"
	}
	if ld.Leap {
		leap = " nhuận"
		if f.lang == "en" {
			leap = " leap"
		}
	}
	return fmt.Sprintf("%d/%d%s%s", ld.Day, ld.Month, leap, label)
}

// dateOf reads a customer's date field, system or custom.
func dateOf(c *domain.Customer, key string) (domain.Date, bool) {
	if domain.IsSystemField(key) {
		v, _ := rules.ReadSystem(c, key)
		d, ok := v.(domain.Date)
		return d, ok && !d.IsZero()
	}
	s, _ := c.Fields[key].(string)
	d, err := domain.ParseDate(strings.TrimSpace(s))
	return d, err == nil
}
