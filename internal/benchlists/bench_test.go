package benchlists_test

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"tend/internal/benchlists"
)

// make bench-lists at 2,000 customers: the data set is built, then found
// in the cache; every kind of request answers in one request what the
// data set says it must, and prints its line.
func TestBenchListsSmall(t *testing.T) {
	dir := t.TempDir()
	var logged []string
	logf := func(format string, args ...any) { logged = append(logged, format) }
	const n = 2000
	d, err := benchlists.Open(t.Context(), dir, n, logf)
	if err != nil {
		t.Fatal(err)
	}
	again, err := benchlists.Open(t.Context(), dir, n, logf)
	if err != nil {
		t.Fatal(err)
	}
	if again.Tenant != d.Tenant || !strings.Contains(logged[len(logged)-1], "cached") {
		t.Fatalf("second open built again: %v", logged)
	}
	var out strings.Builder
	results, err := benchlists.Run(t.Context(), d, benchlists.Options{Repeat: 1, Out: &out, Budget: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	line := regexp.MustCompile(`^list [a-z0-9_-]+ p50-ms [0-9.]+ p99-ms [0-9.]+ requests [0-9]+ read-units [0-9.]+$`)
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != len(results) || len(results) < 25 {
		t.Fatalf("%d lines for %d results:\n%s", len(lines), len(results), out.String())
	}
	for _, l := range lines {
		if !line.MatchString(l) {
			t.Errorf("line %q is not of the form make bench-lists prints", l)
		}
	}
	// What each kind finds in 2,000 customers (0: a full page or more).
	exact := map[string]int{
		"q-rare-name": 1, "q-phone-local": 1, "q-phone-intl": 1, "q-email": 1, "q-code": 1, "filter-email-eq": 1,
		"filter-last-customer": 1, "count-all": n, "count-q-rare-name": 1, "lookup-rare-name": 1,
	}
	// Fewer than a page match these: a staff member has 100 customers,
	// about 30 of them Nguyễn; few share a phone's last 4 digits.
	atLeast := func(kind string) int {
		if kind == "q-phone-last4" || kind == "staff-q-common-name" {
			return 1
		}
		return benchlists.PageSize
	}
	for _, r := range results {
		want, ok := exact[r.Kind]
		switch {
		case r.Requests != 1:
			t.Errorf("%s took %d requests, want 1", r.Kind, r.Requests)
		case ok && r.Items != want:
			t.Errorf("%s found %d, want %d", r.Kind, r.Items, want)
		case !ok && r.Items < atLeast(r.Kind):
			t.Errorf("%s answered %d, want %d or more", r.Kind, r.Items, atLeast(r.Kind))
		}
		if r.ReadUnits <= 0 {
			t.Errorf("%s read no units", r.Kind)
		}
	}
}
