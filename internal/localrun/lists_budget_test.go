package localrun_test

import (
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"tend/internal/benchlists"
)

// bigWorkspace loads n customers straight into the store (the bench's
// loader: customer items with their list keys, as the services write
// them), owned in turn by two staff members, and returns the admin and
// the first staff member.
func bigWorkspace(s *system, name string, n int) (admin, staff *client, tenant string) {
	s.t.Helper()
	admin, tenant = s.workspace(name)
	staff = admin.user("Nhân Viên Một", "staff")
	other := admin.user("Nhân Viên Hai", "staff")
	wh := admin.create("/v1/warehouses", map[string]any{"name": "Kho Lớn"})
	// Owners[1] is staff: Customer gives every 10th customer no owner and
	// cycles the rest over the owners, so staff owns the odd ones.
	sh := benchlists.Shape{Owners: []string{other.userID, staff.userID}, Warehouses: []string{wh}, Epoch: testEpoch}
	if err := benchlists.Load(s.t.Context(), s.app.DB, tenant, 0, n, n, sh); err != nil {
		s.t.Fatal(err)
	}
	return admin, staff, tenant
}

func filterQuery(f string) string { return "?filter=" + url.QueryEscape(f) }

// A filter that only the last customer (in list order) of 25,000 matches
// answers it on the first request: the list reads on past every customer
// that does not match (more than the 20,000 a request used to read before
// it answered an empty page) until the page is full or the customers run
// out. The count of the same filter is exact; a count past 10,000 says so.
func TestFilterMatchingOnlyTheLastCustomer(t *testing.T) {
	s := start(t, false)
	const n = 25_000
	admin, _, _ := bigWorkspace(s, "Công ty Lớn", n)
	// The budget is not what this test measures: give the race detector
	// all the time it needs to read 25,000 customers.
	s.app.Lists.SetBudget(time.Hour, nil)
	// The tag is found through the tag index; the code (no index serves
	// it) by reading on.
	last := filterQuery(`[[{"field":"tags","op":"has_any","value":["` + benchlists.LastTag + `"]}]]`)
	for _, f := range []string{last, filterQuery(`[[{"field":"code","op":"eq","value":"KH0000000"}]]`)} {
		page := admin.list(f)
		if len(page.Items) != 1 || page.Items[0].Code != "KH0000000" || page.NextCursor != "" {
			t.Fatalf("%s: first request answered %v, next %q; want the last customer KH0000000 alone", f, codes(page.Items), page.NextCursor)
		}
	}
	var count struct {
		Count   int  `json:"count"`
		Capped  bool `json:"capped"`
		Partial bool `json:"partial"`
	}
	admin.do("GET", "/v1/customers/count"+last, nil).ok(200).into(&count)
	if count.Count != 1 || count.Capped || count.Partial {
		t.Fatalf("count of the last customer: %+v", count)
	}
	admin.do("GET", "/v1/customers/count", nil).ok(200).into(&count)
	if count.Count != 10_000 || !count.Capped || count.Partial {
		t.Fatalf("count of %d customers: %+v, want 10,000 capped", n, count)
	}
}

func codes(cs []customer) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Code
	}
	return out
}

// stepStopwatch is a stopwatch on which every look costs step: a request
// looks after each customer it reads, so with a budget of k steps it
// reads k customers, whatever the machine's speed.
func stepStopwatch(step time.Duration) func() func() time.Duration {
	return func() func() time.Duration {
		var looks atomic.Int64
		return func() time.Duration { return time.Duration(looks.Add(1)) * step }
	}
}

// When the time budget runs out before a page is full, the list answers
// what it has found with partial: true and a cursor after the last
// customer it read (an empty page then, when nothing matched yet); the
// cursors lead on to the match without repeating or skipping. A filter on
// an email reads the search index instead, and answers at once. A page
// that fills within the budget is not partial. A staff member's count is of
// their own customers.
func TestPartialPagesWhenTheBudgetRunsOut(t *testing.T) {
	s := start(t, false)
	const n = 1000
	admin, staff, _ := bigWorkspace(s, "Công ty Vừa", n)
	s.app.Lists.SetBudget(60*time.Millisecond, stepStopwatch(time.Millisecond)) // 60 customers a request

	// No index serves a filter on the code: the list reads customers.
	last := filterQuery(`[[{"field":"code","op":"eq","value":"KH0000000"}]]`)
	var found []string
	requests, cursor := 0, ""
	for {
		var p struct {
			Items []customer `json:"items"`
			Next  string     `json:"next_cursor"`
			Part  bool       `json:"partial"`
		}
		q := last
		if cursor != "" {
			q += "&cursor=" + url.QueryEscape(cursor)
		}
		admin.do("GET", "/v1/customers"+q, nil).ok(200).into(&p)
		requests++
		found = append(found, codes(p.Items)...)
		if p.Next == "" {
			if p.Part {
				t.Fatalf("request %d: partial without a cursor", requests)
			}
			break
		}
		if !p.Part || len(p.Items) != 0 {
			t.Fatalf("request %d: %v, partial %v: want an empty partial page until the match", requests, codes(p.Items), p.Part)
		}
		cursor = p.Next
	}
	if len(found) != 1 || found[0] != "KH0000000" || requests < n/60 || requests > n/60+2 {
		t.Fatalf("%d requests found %v, want KH0000000 after about %d", requests, found, n/60)
	}

	// A filter on an email is served by the search index, one on tags by
	// the tag index: the customer comes on the first request, however
	// small the budget.
	byEmail := admin.list(filterQuery(`[[{"field":"email","op":"eq","value":"` + benchlists.Email(1) + `"}]]`))
	if len(byEmail.Items) != 1 || byEmail.Items[0].Code != "KH0000001" || byEmail.NextCursor != "" {
		t.Fatalf("email filter answered %v, next %q; want KH0000001 alone", codes(byEmail.Items), byEmail.NextCursor)
	}
	byTag := admin.list(filterQuery(`[[{"field":"tags","op":"has_any","value":["` + strings.ToUpper(benchlists.LastTag) + `"]}]]`))
	if len(byTag.Items) != 1 || byTag.Items[0].Code != "KH0000000" || byTag.NextCursor != "" {
		t.Fatalf("tag filter answered %v, next %q; want KH0000000 alone", codes(byTag.Items), byTag.NextCursor)
	}
	// A pipeline step likewise, by the step index.
	var pl struct {
		ID    string `json:"id"`
		Steps []struct {
			ID string `json:"id"`
		} `json:"steps"`
	}
	admin.do("POST", "/v1/pipelines", map[string]any{"name": "Bán hàng", "steps": []map[string]string{{"name": "Mới"}, {"name": "Chốt đơn"}}}).ok(201).into(&pl)
	lastID := benchlists.Customer(0, n, benchlists.Shape{}).ID
	admin.do("PATCH", "/v1/customers/"+lastID, map[string]any{"pipelines": map[string]string{pl.ID: pl.Steps[1].ID}}).ok(200)
	byStep := admin.list(filterQuery(`[[{"field":"step:` + pl.ID + `","op":"in","value":["` + pl.Steps[1].ID + `"]}]]`))
	if len(byStep.Items) != 1 || byStep.Items[0].Code != "KH0000000" || byStep.NextCursor != "" {
		t.Fatalf("step filter answered %v, next %q; want KH0000000 alone", codes(byStep.Items), byStep.NextCursor)
	}

	// Without a filter every customer matches: pages fill within budget.
	var p struct {
		Items []customer `json:"items"`
		Part  bool       `json:"partial"`
	}
	admin.do("GET", "/v1/customers?limit=50", nil).ok(200).into(&p)
	if len(p.Items) != 50 || p.Part {
		t.Fatalf("unfiltered page: %d customers, partial %v", len(p.Items), p.Part)
	}

	var count struct {
		Count   int  `json:"count"`
		Partial bool `json:"partial"`
	}
	admin.do("GET", "/v1/customers/count"+last, nil).ok(200).into(&count)
	if count.Count > 1 || !count.Partial {
		t.Fatalf("count past its budget: %+v, want partial (at least what it has counted)", count)
	}
	s.app.Lists.SetBudget(time.Hour, nil)
	count.Partial = false // absent when false
	staff.do("GET", "/v1/customers/count", nil).ok(200).into(&count)
	if count.Count != n/2 || count.Partial {
		t.Fatalf("staff count: %+v, want their %d", count, n/2)
	}
}
