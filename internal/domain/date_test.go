package domain_test

import (
	"encoding/json"
	"testing"

	"tend/internal/domain"
)

// FuzzDateUnmarshal checks the reader of dates from outside (a user's or a
// customer's birthday): whatever it is given it does not panic, and what
// it accepts is a real day that writes back as it was read.
func FuzzDateUnmarshal(f *testing.F) {
	for _, s := range []string{`"1990-12-20"`, `"2000-02-29"`, `"2001-02-29"`, `""`, `null`, `"1990-13-01"`, `"199-12-20"`, `12`, `"1990-12-20 "`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var d domain.Date
		if err := json.Unmarshal(b, &d); err != nil || d.IsZero() {
			return
		}
		if d.Day > domain.DaysIn(d.Month, d.Year) || d.Day < 1 || d.Month < 1 || d.Month > 12 {
			t.Fatalf("%s read as impossible %+v", b, d)
		}
		back, err := domain.ParseDate(d.String())
		if err != nil || back != d {
			t.Fatalf("%s read as %+v, written %q, read back %+v (%v)", b, d, d.String(), back, err)
		}
	})
}
