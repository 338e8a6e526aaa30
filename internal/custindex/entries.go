package custindex

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"tend/internal/domain"
	"tend/internal/phone"
	"tend/internal/store"
)

// SortFields are the list orders served from an index (created_at keeps the
// customer item's own list keys).
var SortFields = []string{"name", "revenue", "last_care_at", "next_appointment_at", "updated_at"}

// Token kinds (see the key layout).
const (
	KindWord     = "w" // a folded word of the name, the code, the e-mail
	KindPhone    = "p" // the phone's national digits
	KindReversed = "r" // the phone's national digits reversed
)

// Bounds on what one customer indexes: a transaction holds at most 100
// items, and a key at most 1 KB.
const (
	maxNameWords = 16
	maxWordBytes = 64
	maxTextBytes = 254 // an e-mail, a code
	maxNameSort  = 200
)

// Entry is one index entry of a customer: a search token or a sort key.
// A sort key's Kind is its field and its Value "" when the customer has
// no value for it.
type Entry struct{ Kind, Value string }

// IsToken reports whether e is a search token (not a sort key).
func (e Entry) IsToken() bool {
	return e.Kind == KindWord || e.Kind == KindPhone || e.Kind == KindReversed
}

// Entries are a live customer's index entries (none for a deleted one):
// its tokens in order, then a sort key per field of SortFields.
func Entries(c *domain.Customer) []Entry {
	if c == nil || c.DeletedAt != nil {
		return nil
	}
	var out []Entry
	for _, w := range words(c) {
		out = append(out, Entry{KindWord, w})
	}
	if d := PhoneDigits(c.Phone); d != "" {
		out = append(out, Entry{KindPhone, d}, Entry{KindReversed, reverse(d)})
	}
	for _, f := range SortFields {
		out = append(out, Entry{f, sortValue(c, f)})
	}
	return out
}

// words are the customer's word tokens, sorted, each once.
func words(c *domain.Customer) []string {
	var ws []string
	for _, w := range nameWords(c.Name) {
		ws = append(ws, w)
	}
	for _, s := range []string{c.Code, c.Email} {
		if f := trimmed(domain.Fold(s), maxTextBytes); f != "" && !strings.ContainsRune(f, ' ') {
			ws = append(ws, f)
		}
	}
	slices.Sort(ws)
	return slices.Compact(ws)
}

// nameWords are the folded words of a name, split at anything that is not
// a letter or a digit ("Nguyễn-Văn (An)" → nguyen, van, an), the first
// maxNameWords distinct ones.
func nameWords(name string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(domain.Fold(name), notWordRune) {
		w = clip(w, maxWordBytes)
		if !slices.Contains(out, w) {
			out = append(out, w)
		}
		if len(out) == maxNameWords {
			break
		}
	}
	return out
}

func notWordRune(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }

// trimmed is s without the punctuation around it, clipped to n bytes, as
// a word is indexed and looked up.
func trimmed(s string, n int) string {
	return strings.TrimFunc(clip(strings.TrimFunc(s, notWordRune), n), notWordRune)
}

// clip cuts s to at most n bytes, at a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// PhoneDigits is the national form of a phone number as digits: a
// Vietnamese number with its trunk 0 ("0912345678", whichever way it was
// written, legacy 11-digit numbers renumbered), another country's with its
// calling code ("16502530000"), anything else its digits, "+84" read as
// the trunk 0 ("+84912" → "0912", the beginning of a number). "" for no
// digits.
func PhoneDigits(s string) string {
	if n, err := phone.Normalize(s); err == nil {
		if rest, ok := strings.CutPrefix(n, "+84"); ok {
			return "0" + rest
		}
		return n[1:]
	}
	d := phone.Digits(s)
	if rest, ok := strings.CutPrefix(d, "84"); ok && strings.HasPrefix(strings.TrimSpace(s), "+") {
		d = "0" + rest
	}
	return clip(d, 20)
}

func reverse(s string) string {
	b := []byte(s)
	slices.Reverse(b)
	return string(b)
}

// sortValue is the customer's sortable value for field, "" for none.
func sortValue(c *domain.Customer, field string) string {
	switch field {
	case "name":
		return nameSortValue(c.Name)
	case "revenue":
		if c.Revenue == 0 {
			return ""
		}
		return RevenueSortValue(c.Revenue)
	case "last_care_at":
		return timeValue(c.LastCareAt)
	case "next_appointment_at":
		return timeValue(c.NextAppointmentAt)
	case "updated_at":
		return store.SortTime(c.UpdatedAt)
	}
	panic(fmt.Sprintf("custindex: no sort field %q", field))
}

// nameSortValue is a name folded, without control characters (which would
// sort below the end of the value), clipped to keep keys small.
func nameSortValue(name string) string {
	f := strings.Map(func(r rune) rune {
		if r < ' ' {
			return -1
		}
		return r
	}, domain.Fold(name))
	return clip(f, maxNameSort)
}

// RevenueSortValue encodes an amount so that string order is numeric
// order: the sign bit flipped, as a fixed-width unsigned decimal.
func RevenueSortValue(v int64) string { return fmt.Sprintf("%020d", uint64(v)^(1<<63)) }

func timeValue(t *time.Time) string {
	if t == nil {
		return ""
	}
	return store.SortTime(*t)
}
