package rules

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"

	"tend/internal/domain"
	"tend/internal/phone"
)

// valueReader decodes a condition's value in the shape its operator needs,
// recording a problem at its path when it can't.
type valueReader struct {
	raw json.RawMessage
	at  string
	p   *domain.Problems
}

func (v valueReader) missing() bool {
	t := bytes.TrimSpace(v.raw)
	return len(t) == 0 || bytes.Equal(t, []byte("null"))
}

func (v valueReader) fail(code string, kv ...string) { v.p.Add(v.at, code, kv...) }

func (v valueReader) str() (string, bool) {
	if v.missing() {
		v.fail("required")
		return "", false
	}
	var s string
	if json.Unmarshal(v.raw, &s) != nil {
		v.fail("expected_text")
		return "", false
	}
	return s, true
}

func (v valueReader) strs() ([]string, bool) {
	if v.missing() {
		v.fail("required")
		return nil, false
	}
	var list []string
	if json.Unmarshal(v.raw, &list) != nil {
		v.fail("expected_text_list")
		return nil, false
	}
	if len(list) == 0 {
		v.fail("required")
		return nil, false
	}
	return list, true
}

// id decodes one id and checks it with ok (nil: any non-empty id).
func (v valueReader) id(ok func(string) bool, code string) (string, bool) {
	s, good := v.str()
	if !good {
		return "", false
	}
	if s == "" {
		v.fail("required")
		return "", false
	}
	if ok != nil && !ok(s) {
		v.fail(code, "value", s)
		return "", false
	}
	return s, true
}

// ids decodes a list of ids, each checked with ok; the path of a bad one
// names its index ("…value[1]").
func (v valueReader) ids(ok func(string) bool, code string) ([]string, bool) {
	list, good := v.strs()
	if !good {
		return nil, false
	}
	all := true
	for i, s := range list {
		if s == "" || (ok != nil && !ok(s)) {
			v.p.Add(fmt.Sprintf("%s[%d]", v.at, i), code, "value", s)
			all = false
		}
	}
	return list, all
}

func (v valueReader) number() (float64, bool) {
	if v.missing() {
		v.fail("required")
		return 0, false
	}
	var f float64
	if json.Unmarshal(v.raw, &f) != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		v.fail("expected_number")
		return 0, false
	}
	return f, true
}

func (v valueReader) numberPair() (float64, float64, bool) {
	var pair []float64
	if v.missing() || json.Unmarshal(v.raw, &pair) != nil || len(pair) != 2 {
		v.fail("expected_range")
		return 0, 0, false
	}
	if pair[0] > pair[1] {
		v.fail("range_reversed")
		return 0, 0, false
	}
	return pair[0], pair[1], true
}

// days decodes a whole number of days, 0 to 36,500.
func (v valueReader) days() (int, bool) {
	f, ok := v.number()
	if !ok {
		return 0, false
	}
	if f != math.Trunc(f) || f < 0 || f > 36500 {
		v.fail("expected_days")
		return 0, false
	}
	return int(f), true
}

func (v valueReader) date() (domain.Date, bool) {
	s, ok := v.str()
	if !ok {
		return domain.Date{}, false
	}
	d, err := domain.ParseDate(s)
	if err != nil {
		v.fail("invalid_date")
		return domain.Date{}, false
	}
	return d, true
}

func (v valueReader) datePair() (domain.Date, domain.Date, bool) {
	var pair []string
	if v.missing() || json.Unmarshal(v.raw, &pair) != nil || len(pair) != 2 {
		v.fail("expected_date_range")
		return domain.Date{}, domain.Date{}, false
	}
	a, errA := domain.ParseDate(pair[0])
	b, errB := domain.ParseDate(pair[1])
	switch {
	case errA != nil:
		v.p.Add(v.at+"[0]", "invalid_date")
	case errB != nil:
		v.p.Add(v.at+"[1]", "invalid_date")
	case b.Before(a):
		v.fail("range_reversed")
	default:
		return a, b, true
	}
	return domain.Date{}, domain.Date{}, false
}

// instant decodes either a date (compared by local day) or an RFC 3339
// time (compared by instant).
func (v valueReader) instant() (day domain.Date, at time.Time, isDay, ok bool) {
	s, good := v.str()
	if !good {
		return
	}
	if d, err := domain.ParseDate(s); err == nil {
		return d, time.Time{}, true, true
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		v.fail("invalid_datetime")
		return
	}
	return domain.Date{}, t, false, true
}

func (v valueReader) boolean() (bool, bool) {
	var b bool
	if v.missing() || json.Unmarshal(v.raw, &b) != nil {
		v.fail("expected_boolean")
		return false, false
	}
	return b, true
}

// phoneNeedle turns a typed phone fragment into the digits to look for in
// an E.164 number: "0912" is looked for as "84912" too.
func phoneNeedles(s string) (string, string) {
	d := phone.Digits(s)
	if strings.HasPrefix(d, "0") && len(d) > 1 {
		return d, "84" + d[1:]
	}
	return d, d
}
