package custindex

import (
	"fmt"
	"maps"
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
var SortFields = []string{"name", "code", "revenue", "last_care_at", "next_appointment_at", "updated_at"}

// Token kinds (see the key layout).
const (
	KindWord     = "w" // a folded word of the name or an address, the code, the e-mail, the tax code
	KindPhone    = "p" // the phone's national digits
	KindReversed = "r" // the phone's national digits reversed
	KindTag      = "g" // a folded tag: what a tags filter reads
	KindStep     = "s" // <pipeline id>:<step id>: what a pipeline step filter reads
)

// Scope kinds: who the customer belongs to. They have no item of their
// own: every index item's document carries them, so that a read for a
// user who sees only some customers passes over the others without
// reading them (Keep).
const (
	KindOwner     = "o"
	KindWarehouse = "h"
)

// Bounds on what one customer indexes: a transaction holds at most 100
// items, and a key at most 1 KB.
const (
	// A customer's index items, and their deletes when a write changes
	// them all, go in its transaction beside its claims and history: at
	// most 16 words (the name's first, then the addresses'), 10 tags and 6
	// pipelines' steps, with the code, e-mail, tax code, phone (2) and 6
	// sort keys, keep the worst write under 80 index operations
	// (TestOpsFitATransaction).
	maxNameWords = 16 // the name's and the addresses' together
	maxTags      = 10 // past it, the one token ManyTags
	maxSteps     = 6  // past it, the one token ManySteps
	maxWordBytes = 64
	maxTextBytes = 254 // an e-mail, a code
	maxNameSort  = 200
)

// Entry is one index entry of a customer: a search token or a sort key.
// A sort key's Kind is its field and its Value "" when the customer has
// no value for it.
type Entry struct{ Kind, Value string }

// IsToken reports whether e is a search token (an item in a token shard).
func (e Entry) IsToken() bool {
	switch e.Kind {
	case KindWord, KindPhone, KindReversed, KindTag, KindStep:
		return true
	}
	return false
}

// IsScope reports whether e names the customer's owner or warehouse.
func (e Entry) IsScope() bool { return e.Kind == KindOwner || e.Kind == KindWarehouse }

// isSortKey reports whether e is a sort key (an item in a sort shard).
func (e Entry) isSortKey() bool { return !e.IsToken() && !e.IsScope() }

// Entries are a live customer's index entries (none for a deleted one):
// its tokens in order, then a sort key per field of SortFields, then its
// owner and warehouse when it has them.
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
	for _, t := range tagTokens(c.Tags) {
		out = append(out, Entry{KindTag, t})
	}
	for _, st := range stepTokens(c.Pipelines) {
		out = append(out, Entry{KindStep, st})
	}
	for _, f := range SortFields {
		out = append(out, Entry{f, sortValue(c, f)})
	}
	if c.OwnerID != "" {
		out = append(out, Entry{KindOwner, c.OwnerID})
	}
	if c.WarehouseID != "" {
		out = append(out, Entry{KindWarehouse, c.WarehouseID})
	}
	return out
}

// StepToken is how a customer's step in a pipeline is indexed.
func StepToken(pipelineID, stepID string) string { return pipelineID + ":" + stepID }

// ManySteps is the one step token of a customer in more than maxSteps
// pipelines: a step filter reads its range too (as ManyTags).
const ManySteps = ""

// stepTokens are the customer's step tokens, sorted.
func stepTokens(pipelines map[string]string) []string {
	var out []string
	for _, pl := range slices.Sorted(maps.Keys(pipelines)) {
		if step := pipelines[pl]; pl != "" && step != "" {
			out = append(out, StepToken(pl, step))
		}
	}
	if len(out) > maxSteps {
		return []string{ManySteps}
	}
	return out
}

// TagToken is how a tag is indexed and looked up: folded, as a tags
// filter compares them.
func TagToken(tag string) string { return clip(strings.TrimSpace(domain.Fold(tag)), maxTextBytes) }

// ManyTags is the one tag token of a customer with more than maxTags
// tags (no tag folds to ""): a tags filter reads its range too, so that
// such a customer is found whatever its tags, while its index stays
// within a transaction's bounds.
const ManyTags = ""

// tagTokens are the customer's tag tokens, sorted, each once.
func tagTokens(tags []string) []string {
	var out []string
	for _, t := range tags {
		if f := TagToken(t); f != "" {
			out = append(out, f)
		}
	}
	slices.Sort(out)
	if out = slices.Compact(out); len(out) > maxTags {
		return []string{ManyTags}
	}
	return out
}

// words are the customer's word tokens, sorted, each once: the words of
// the name and of the addresses, and the code, the e-mail and the tax
// code whole (a list's q matches all of them, a lookup too).
func words(c *domain.Customer) []string {
	var ws []string
	ws = append(ws, nameWords(c.Name, maxNameWords)...)
	for _, a := range []string{c.BusinessAddress, c.OfficeAddress} {
		for _, w := range nameWords(a, maxNameWords) {
			if len(ws) < maxNameWords && !slices.Contains(ws, w) {
				ws = append(ws, w)
			}
		}
	}
	for _, s := range []string{c.Code, c.Email, c.TaxCode} {
		if f := trimmed(domain.Fold(s), maxTextBytes); f != "" && !strings.ContainsRune(f, ' ') {
			ws = append(ws, f)
		}
	}
	slices.Sort(ws)
	return slices.Compact(ws)
}

// nameWords are the folded words of a name (or an address), split at
// anything that is not a letter or a digit ("Nguyễn-Văn (An)" → nguyen,
// van, an), the first most distinct ones.
func nameWords(name string, most int) []string {
	var out []string
	for _, w := range strings.FieldsFunc(domain.Fold(name), notWordRune) {
		w = clip(w, maxWordBytes)
		if !slices.Contains(out, w) {
			out = append(out, w)
		}
		if len(out) == most {
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
	case "code":
		return plainSortValue(c.Code)
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
func nameSortValue(name string) string { return plainSortValue(domain.Fold(name)) }

// plainSortValue is s without control characters, clipped.
func plainSortValue(s string) string {
	f := strings.Map(func(r rune) rune {
		if r < ' ' {
			return -1
		}
		return r
	}, s)
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
