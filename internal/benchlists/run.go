package benchlists

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"time"

	"tend/internal/customer"
	"tend/internal/customerlist"
	"tend/internal/domain"
	"tend/internal/sqlite"
	"tend/internal/store/heatmeter"
	"tend/internal/workspace"
)

// PageSize is the page every list request asks for.
const PageSize = 50

// Result is what one kind of request measured.
type Result struct {
	Kind     string
	P50, P99 time.Duration
	// Requests is the most requests one answer took: a full first page,
	// the last page, or a count that is not partial.
	Requests int
	// ReadUnits are the read units one answer cost (the mean).
	ReadUnits float64
	// Items is what the first answer held (its customers, or the count).
	Items int
}

// Line is the result as `make bench-lists` prints it.
func (r Result) Line() string {
	return fmt.Sprintf("list %s p50-ms %.1f p99-ms %.1f requests %d read-units %.1f",
		r.Kind, ms(r.P50), ms(r.P99), r.Requests, r.ReadUnits)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// Options shape a run.
type Options struct {
	// Repeat is how many answers each kind is timed over, unless they add
	// up to MaxPerKind first (at least 3 answers are timed).
	Repeat     int
	MaxPerKind time.Duration
	// Out receives a Line per kind as it is measured (nil: none).
	Out io.Writer
	// Budget, when set, replaces the lists' time budget (customerlist.Budget):
	// the small run in make test checks what each request answers, on a
	// machine whose load it does not know.
	Budget time.Duration
}

// kind is one kind of request: its answer is a sequence of requests, made
// by ask with the previous request's cursor.
type kind struct {
	name   string
	caller *workspace.Caller
	ask    func(ctx context.Context, c *workspace.Caller, cursor string) (items int, next string, partial bool, err error)
}

// Run times every kind of request over the data set.
func Run(ctx context.Context, d *Dataset, o Options) ([]Result, error) {
	db, err := sqlite.Open(d.Path, fixedClock(Epoch), sqlite.Options{})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	meter := heatmeter.New(db)
	ws := workspace.New(db, fixedClock(Epoch), nil)
	lists := customerlist.New(meter, fixedClock(Epoch), customer.New(meter, fixedClock(Epoch), nil))
	if o.Budget > 0 {
		lists.SetBudget(o.Budget, nil)
	}
	admin, err := ws.Authenticate(ctx, d.AdminSubject)
	if err != nil {
		return nil, err
	}
	staff, err := ws.Authenticate(ctx, d.StaffSubject)
	if err != nil {
		return nil, err
	}
	var out []Result
	for _, k := range kinds(d, lists, admin, staff) {
		r, err := measure(ctx, meter, k, o)
		if err != nil {
			return out, fmt.Errorf("benchlists: %s: %w", k.name, err)
		}
		if o.Out != nil {
			fmt.Fprintln(o.Out, r.Line())
		}
		out = append(out, r)
	}
	return out, nil
}

// measure times answers of one kind of request.
func measure(ctx context.Context, meter *heatmeter.Store, k kind, o Options) (Result, error) {
	r := Result{Kind: k.name}
	var took []time.Duration
	var units float64
	var spent time.Duration
	answers := 0
	for answers < max(o.Repeat, 3) && (answers < 3 || spent < o.MaxPerKind) {
		meter.Reset()
		requests, items, cursor := 0, 0, ""
		for {
			start := time.Now()
			n, next, partial, err := k.ask(ctx, k.caller, cursor)
			d := time.Since(start)
			if err != nil {
				return r, err
			}
			took, spent, requests, items = append(took, d), spent+d, requests+1, items+n
			if next == "" || (items >= PageSize && !partial) {
				break
			}
			cursor = next
		}
		for _, u := range meter.Charges() {
			units += u.Read
		}
		if answers == 0 {
			r.Items = items
		}
		r.Requests = max(r.Requests, requests)
		answers++
	}
	slices.Sort(took)
	r.P50, r.P99 = took[len(took)/2], took[min(len(took)-1, len(took)*99/100)]
	r.ReadUnits = units / float64(answers)
	return r, nil
}

// listKind is a list request (a page of PageSize).
func listKind(name string, lists *customerlist.Service, c *workspace.Caller, q customerlist.ListQuery) kind {
	return kind{name: name, caller: c, ask: func(ctx context.Context, c *workspace.Caller, cursor string) (int, string, bool, error) {
		q := q
		q.Limit, q.Cursor = PageSize, cursor
		p, err := lists.ListCustomers(ctx, c, q)
		if err != nil {
			return 0, "", false, err
		}
		return len(p.Items), p.NextCursor, p.Partial, nil
	}}
}

func countKind(name string, lists *customerlist.Service, c *workspace.Caller, q customerlist.ListQuery) kind {
	return kind{name: name, caller: c, ask: func(ctx context.Context, c *workspace.Caller, _ string) (int, string, bool, error) {
		n, err := lists.CountCustomers(ctx, c, q)
		if err != nil {
			return 0, "", false, err
		}
		return n.Count, "", n.Partial, nil
	}}
}

func lookupKind(name string, lists *customerlist.Service, c *workspace.Caller, q string) kind {
	return kind{name: name, caller: c, ask: func(ctx context.Context, c *workspace.Caller, cursor string) (int, string, bool, error) {
		p, err := lists.Lookup(ctx, c, q, PageSize, cursor)
		if err != nil {
			return 0, "", false, err
		}
		return len(p.Items), p.NextCursor, p.Partial, nil
	}}
}

func filter(field, op string, value any) string {
	b, _ := json.Marshal([][]map[string]any{{{"field": field, "op": op, "value": value}}})
	return string(b)
}

// kinds are the requests of issue 17, an admin's (the whole workspace)
// and a staff member's (their own customers).
func kinds(d *Dataset, lists *customerlist.Service, admin, staff *workspace.Caller) []kind {
	n := d.N
	some := n / 3 // a customer with an email (i%3 != 0 for n/3+1)
	if some%3 == 0 {
		some++
	}
	phone := Phone(some)
	out := []kind{
		listKind("default", lists, admin, customerlist.ListQuery{}),
		listKind("q-rare-name", lists, admin, customerlist.ListQuery{Q: domain.Fold(RareName)}),
		listKind("q-common-name", lists, admin, customerlist.ListQuery{Q: "nguyen"}),
		listKind("q-name-prefix", lists, admin, customerlist.ListQuery{Q: "ngu"}),
		listKind("q-phone-local", lists, admin, customerlist.ListQuery{Q: "0" + phone[3:]}),
		listKind("q-phone-intl", lists, admin, customerlist.ListQuery{Q: phone}),
		listKind("q-phone-last4", lists, admin, customerlist.ListQuery{Q: phone[len(phone)-4:]}),
		listKind("q-email", lists, admin, customerlist.ListQuery{Q: Email(some)}),
		listKind("q-code", lists, admin, customerlist.ListQuery{Q: fmt.Sprintf("KH%07d", some)}),
		listKind("filter-email-eq", lists, admin, customerlist.ListQuery{Filter: filter("email", "eq", Email(some))}),
		listKind("filter-owner", lists, admin, customerlist.ListQuery{Filter: filter("owner_id", "eq", d.Owners[3])}),
		listKind("filter-last-customer", lists, admin, customerlist.ListQuery{Filter: filter("tags", "has_any", []string{LastTag})}),
	}
	for _, f := range []string{"name", "code", "revenue", "last_care_at", "next_appointment_at", "updated_at"} {
		out = append(out, listKind("sort-"+f, lists, admin, customerlist.ListQuery{Sort: f}),
			listKind("sort--"+f, lists, admin, customerlist.ListQuery{Sort: "-" + f}))
	}
	return append(out,
		listKind("staff-default", lists, staff, customerlist.ListQuery{}),
		listKind("staff-q-common-name", lists, staff, customerlist.ListQuery{Q: "nguyen"}),
		listKind("staff-sort-name", lists, staff, customerlist.ListQuery{Sort: "name"}),
		countKind("count-all", lists, admin, customerlist.ListQuery{}),
		countKind("count-q-rare-name", lists, admin, customerlist.ListQuery{Q: domain.Fold(RareName)}),
		countKind("count-filter-owner", lists, admin, customerlist.ListQuery{Filter: filter("owner_id", "eq", d.Owners[3])}),
		lookupKind("lookup-rare-name", lists, staff, domain.Fold(RareName)),
	)
}
