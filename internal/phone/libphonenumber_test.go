package phone_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"

	"tend/internal/phone"
)

// library is libphonenumber's reading of s, with Vietnam as the default
// region: the E.164 form when it is a valid number.
func library(s string) (string, bool) {
	n, err := phonenumbers.Parse(s, phone.DefaultRegion)
	if err != nil || !phonenumbers.IsValidNumber(n) {
		return "", false
	}
	return phonenumbers.Format(n, phonenumbers.E164), true
}

// candidates are inputs around Vietnam's numbering plan: every two-digit
// start of a national number, in each length a number may have, written
// nationally, internationally and without the "+"; and numbers of other
// countries the library knows to be valid.
func candidates(rng *rand.Rand) []string {
	digits := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteByte(byte('0' + rng.IntN(10)))
		}
		return b.String()
	}
	var out []string
	for start := 10; start < 100; start++ {
		for length := 6; length <= 11; length++ {
			for range 6 {
				nsn := fmt.Sprint(start) + digits(length-2)
				out = append(out, "0"+nsn, "+84"+nsn, "84"+nsn, "0084 "+nsn, nsn)
			}
		}
	}
	for _, region := range []string{"US", "GB", "FR", "DE", "JP", "KR", "CN", "TH", "SG", "AU", "IT", "LA", "KH"} {
		for _, typ := range []phonenumbers.PhoneNumberType{phonenumbers.MOBILE, phonenumbers.FIXED_LINE} {
			if ex := phonenumbers.GetExampleNumberForType(region, typ); ex != nil {
				out = append(out, phonenumbers.Format(ex, phonenumbers.E164), phonenumbers.Format(ex, phonenumbers.INTERNATIONAL))
			}
		}
	}
	return out
}

// Every Vietnamese number, however written, is read as libphonenumber
// reads it; every number the library finds valid, Vietnamese or not, is
// valid here too, with the same E.164 form. (Numbers of other countries
// are checked less strictly here: the library may refuse some that pass.)
func TestMatchesLibphonenumber(t *testing.T) {
	rng := rand.New(rand.NewPCG(84, 1))
	checked := 0
	for _, in := range candidates(rng) {
		if legacy(in) {
			continue // renumbered here, unknown to the library (TestNormalize covers them)
		}
		want, valid := library(in)
		got, err := phone.Normalize(in)
		vietnamese := !strings.HasPrefix(in, "+") || strings.HasPrefix(in, "+84")
		switch {
		case valid && (err != nil || got != want):
			t.Errorf("Normalize(%q) = %q, %v; libphonenumber: %q", in, got, err, want)
		case !valid && vietnamese && err == nil:
			t.Errorf("Normalize(%q) = %q; libphonenumber finds it invalid", in, got)
		}
		checked++
	}
	if checked < 10000 {
		t.Fatalf("only %d inputs checked", checked)
	}
}

// FuzzMatchesLibphonenumber: any input the library reads as a valid
// number reads the same here, and any Vietnamese-written input this
// package accepts, the library accepts too.
func FuzzMatchesLibphonenumber(f *testing.F) {
	for _, s := range []string{"0912 345 678", "+84 24 3825 1234", "1800 1234", "0168 123 4567", "+1 650 253 0000", "84912345678"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 40 || strings.Trim(s, "0123456789+ .-()\u00a0") != "" {
			return // letters (vanity numbers) and the like are not taken here
		}
		if plus := strings.IndexByte(s, '+'); strings.Count(s, "+") > 1 || plus > strings.IndexAny(s, "0123456789") {
			return // a "+" anywhere but in front is refused here
		}
		got, err := phone.Normalize(s)
		want, valid := library(s)
		// Abroad, the library applies each country's trunk-prefix rules
		// (a 0 written after the code is dropped, Norfolk Island's becomes
		// 3), which this package does not: those numbers are compared only
		// when the library keeps them as written.
		foreignRewritten := valid && !strings.HasPrefix(want, "+84") && want != "+"+asWritten(s)
		if strings.Contains(phone.Digits(s), "8400") {
			return // "84" then "00…": read by the library in ways no one writes
		}
		if valid && !foreignRewritten && (err != nil || got != want) && !legacy(s) {
			t.Fatalf("Normalize(%q) = %q, %v; libphonenumber: %q", s, got, err, want)
		}
		if err == nil && !valid && strings.HasPrefix(got, "+84") && !legacy(s) {
			if again, ok := library(got); !ok || again != got {
				t.Fatalf("Normalize(%q) = %q, which libphonenumber finds invalid", s, got)
			}
		}
	})
}

// legacy reports whether s is an old 11-digit mobile number, which this
// package renumbers and the library does not know.
func legacy(s string) bool {
	d := phone.Digits(s)
	return (strings.HasPrefix(d, "01") && len(d) == 11) || (strings.HasPrefix(d, "841") && len(d) == 12)
}

// asWritten is an international number's digits as written, after "+" or
// "00" ("" for a number written nationally).
func asWritten(s string) string {
	d := phone.Digits(s)
	switch t := strings.TrimLeft(s, " .-()\u00a0"); {
	case strings.HasPrefix(t, "+"):
		return strings.TrimPrefix(d, "00")
	case strings.HasPrefix(d, "00"):
		return d[2:]
	}
	return ""
}
