package campaign_test

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"testing"
	"time"

	"tend/internal/campaign"
	"tend/internal/customer"
	"tend/internal/customerlist"
	"tend/internal/domain"
	"tend/internal/tendtest"
	"tend/internal/workspace"
)

func day(s string) domain.Date {
	d, err := domain.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// An export's query: the format defaults to xlsx; statuses come one or
// several, comma-separated or repeated, and are kept once each in the
// seed's order; from and to are days; every bad value is named at its
// parameter with its own code.
func TestParseExportQuery(t *testing.T) {
	type problem struct{ path, code, value string }
	for _, tc := range []struct {
		query    string
		want     campaign.ExportQuery
		problems []problem
	}{
		{query: "", want: campaign.ExportQuery{Format: "xlsx"}},
		{query: "format=&status=", want: campaign.ExportQuery{Format: "xlsx"}},
		{query: "format=pdf&status=joined,confirmed&from=2026-11-01&to=2026-11-30",
			want: campaign.ExportQuery{Format: "pdf", Statuses: []string{"confirmed", "joined"}, From: day("2026-11-01"), To: day("2026-11-30")}},
		{query: "format=html&status=cancelled&status=joined,%20cancelled",
			want: campaign.ExportQuery{Format: "html", Statuses: []string{"joined", "cancelled"}}},
		{query: "from=2026-11-30&to=2026-11-30", want: campaign.ExportQuery{Format: "xlsx", From: day("2026-11-30"), To: day("2026-11-30")}},
		{query: "to=2026-11-30", want: campaign.ExportQuery{Format: "xlsx", To: day("2026-11-30")}},
		{query: "format=docx", problems: []problem{{"format", "invalid_export_format", "docx"}}},
		{query: "format=XLSX", problems: []problem{{"format", "invalid_export_format", "XLSX"}}},
		{query: "status=won", problems: []problem{{"status", "invalid_member_status", "won"}}},
		{query: "status=joined,", problems: []problem{{"status", "invalid_member_status", ""}}},
		{query: "status=joined,won,lost", problems: []problem{{"status", "invalid_member_status", "won"}}},
		{query: "from=2026-02-30", problems: []problem{{"from", "invalid_date", ""}}},
		{query: "to=30/11/2026", problems: []problem{{"to", "invalid_date", ""}}},
		{query: "from=2026-12-01&to=2026-11-30", problems: []problem{{"from", "range_reversed", ""}}},
		{query: "format=doc&status=won&from=x&to=y", problems: []problem{
			{"format", "invalid_export_format", "doc"}, {"status", "invalid_member_status", "won"}, {"from", "invalid_date", ""}, {"to", "invalid_date", ""}}},
	} {
		t.Run(tc.query, func(t *testing.T) {
			q, err := url.ParseQuery(tc.query)
			if err != nil {
				t.Fatal(err)
			}
			got, err := campaign.ParseExportQuery(q)
			if tc.problems == nil {
				if err != nil || got.Format != tc.want.Format || !slices.Equal(got.Statuses, tc.want.Statuses) ||
					got.From != tc.want.From || got.To != tc.want.To {
					t.Fatalf("got %+v, %v; want %+v", got, err, tc.want)
				}
				return
			}
			var de *domain.Error
			if !errors.As(err, &de) || !errors.Is(err, domain.ErrInvalid) {
				t.Fatalf("got %+v, %v; want a validation problem", got, err)
			}
			var gotProblems []problem
			for _, f := range de.Fields {
				gotProblems = append(gotProblems, problem{f.Path, f.Code, f.Params["value"]})
			}
			if !slices.Equal(gotProblems, tc.problems) {
				t.Fatalf("problems %+v, want %+v", gotProblems, tc.problems)
			}
		})
	}
}

// Any query either parses into a known format, known statuses (each once)
// and an ordered range, or is refused as a validation problem whose every
// element is at one of the four parameters: never a panic, never another
// error.
func FuzzExportQuery(f *testing.F) {
	for _, s := range []string{"", "format=pdf&status=joined,confirmed&from=2026-11-01&to=2026-11-30", "status=&format=",
		"status=joined,,", "from=2026-12-01&to=2026-11-30", "format=%ff&status=%00", "from=0000-01-01", "to=9999-12-31&status=a&status=b"} {
		f.Add(s)
	}
	params := []string{"format", "status", "from", "to"}
	f.Fuzz(func(t *testing.T, raw string) {
		q, _ := url.ParseQuery(raw) // what parsed: the server reads a query the same way
		got, err := campaign.ParseExportQuery(q)
		var de *domain.Error
		switch {
		case err == nil:
			if !slices.Contains([]string{"xlsx", "html", "pdf"}, got.Format) {
				t.Fatalf("%q: format %q", raw, got.Format)
			}
			for i, st := range got.Statuses {
				if !slices.Contains(campaign.Statuses, st) || slices.Contains(got.Statuses[:i], st) {
					t.Fatalf("%q: statuses %q", raw, got.Statuses)
				}
			}
			if !got.From.IsZero() && !got.To.IsZero() && got.To.Before(got.From) {
				t.Fatalf("%q: range %v..%v", raw, got.From, got.To)
			}
		case !errors.As(err, &de) || len(de.Fields) == 0:
			t.Fatalf("%q: not a validation problem: %v", raw, err)
		default:
			for _, fe := range de.Fields {
				if !slices.Contains(params, fe.Path) {
					t.Fatalf("%q: problem at %q", raw, fe.Path)
				}
			}
		}
	})
}

// exportFixture is a campaign of 520 members (more than one batch of the
// access check), every fourth owned by a staff member, some of them
// joined at the edges of November in Hồ Chí Minh City.
type exportFixture struct {
	*fixture
	clock  *tendtest.Clock
	staff  *workspace.Caller
	campID string
	ids    []string // the members' customer ids, in the order they were made
}

const exportMembers = 520

func newExportFixture(t *testing.T) *exportFixture {
	clock := tendtest.NewClock(tendtest.DefaultTime)
	w := tendtest.MustOpen(t, tendtest.Options{Name: "Xuất chiến dịch", Clock: clock})
	f := &exportFixture{fixture: &fixture{t: t, w: w, svc: campaign.New(w.DB, w.Clock, nil, w.Customers, customerlist.New(w.DB, w.Clock, w.Customers))},
		clock: clock}
	staffUser := w.User("Phạm Quỳnh Hương", domain.RoleStaff)
	f.staff = w.SignIn(staffUser)
	admin := w.Admin() // signed in after the staff member joined, so its workspace knows them
	for i := range exportMembers {
		owner := admin.User.ID
		if i%4 == 0 {
			owner = staffUser.ID
		}
		in, err := customer.ParseInput(fmt.Appendf(nil, `{"name":"Nguyễn Thị Ánh %d","phone":"09%08d","owner_id":%q}`, i, i, owner))
		if err != nil {
			t.Fatal(err)
		}
		cu, err := w.Customers.CreateCustomer(t.Context(), admin, in)
		if err != nil {
			t.Fatal(err)
		}
		f.ids = append(f.ids, cu.ID)
	}
	f.campID = f.campaign(admin).ID
	if res, err := f.svc.AddMembers(t.Context(), admin, f.campID, campaign.AddInput{CustomerIDs: f.ids}); err != nil || len(res.Added) != exportMembers {
		t.Fatalf("add: %v", err)
	}
	return f
}

// joinAt makes member i join at t.
func (f *exportFixture) joinAt(i int, t time.Time) {
	f.t.Helper()
	f.clock.Set(t)
	if _, err := f.svc.UpdateMember(f.t.Context(), f.w.Admin(), f.campID, f.ids[i], campaign.MemberInput{Status: ptr(campaign.StatusJoined)}); err != nil {
		f.t.Fatal(err)
	}
}

// exported is the customer ids an export of the query yields to c.
func (f *exportFixture) exported(c *workspace.Caller, query string) []string {
	f.t.Helper()
	vals, err := url.ParseQuery(query)
	if err != nil {
		f.t.Fatal(err)
	}
	q, err := campaign.ParseExportQuery(vals)
	if err != nil {
		f.t.Fatal(err)
	}
	ex, err := f.svc.Export(f.t.Context(), c, f.campID, q)
	if err != nil {
		f.t.Fatal(err)
	}
	var got []string
	for m, err := range ex.Members {
		if err != nil {
			f.t.Fatal(err)
		}
		got = append(got, m.CustomerID)
	}
	return got
}

// The export yields, in customer-id order across batches of the access
// check, exactly the members the caller may see; "to" takes its whole day
// in the workspace's zone and "from" starts at its midnight there.
func TestExportMembers(t *testing.T) {
	f := newExportFixture(t)
	f.joinAt(0, time.Date(2026, 11, 30, 16, 59, 59, 0, time.UTC)) // 23:59:59 on 30/11 in HCM: in
	f.joinAt(4, time.Date(2026, 11, 30, 17, 0, 0, 0, time.UTC))   // 00:00 on 01/12 in HCM: out
	f.joinAt(8, time.Date(2026, 10, 31, 17, 0, 0, 0, time.UTC))   // 00:00 on 01/11 in HCM: in
	f.joinAt(12, time.Date(2026, 10, 31, 16, 59, 0, 0, time.UTC)) // 23:59 on 31/10 in HCM: out
	f.joinAt(1, time.Date(2026, 11, 15, 3, 0, 0, 0, time.UTC))    // the admin's customer
	admin := f.w.Admin()

	all := slices.Sorted(slices.Values(f.ids))
	var staffs []string
	for i, id := range f.ids {
		if i%4 == 0 {
			staffs = append(staffs, id)
		}
	}
	slices.Sort(staffs)
	sorted := func(ids ...int) []string {
		out := make([]string, len(ids))
		for i, n := range ids {
			out[i] = f.ids[n]
		}
		slices.Sort(out)
		return out
	}
	for _, tc := range []struct {
		name   string
		caller *workspace.Caller
		query  string
		want   []string
	}{
		{"the admin, everyone", admin, "", all},
		{"the staff member, their own", f.staff, "", staffs},
		{"the admin, joined in November", admin, "from=2026-11-01&to=2026-11-30", sorted(0, 8, 1)},
		{"the staff member, joined in November", f.staff, "status=joined&from=2026-11-01&to=2026-11-30", sorted(0, 8)},
		{"to alone", f.staff, "to=2026-11-30", sorted(0, 8, 12)},
		{"from alone", f.staff, "from=2026-12-01", sorted(4)},
		{"one day", admin, "from=2026-11-15&to=2026-11-15", sorted(1)},
		{"no one", admin, "status=cancelled", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := f.exported(tc.caller, tc.query); !slices.Equal(got, tc.want) {
				t.Fatalf("%d members %.3q…, want %d %.3q…", len(got), got, len(tc.want), tc.want)
			}
		})
	}

	// A consumer may stop anywhere, in the first batch or the second.
	for _, stopAt := range []int{1, 505} {
		ex, err := f.svc.Export(t.Context(), admin, f.campID, campaign.ExportQuery{Format: "xlsx"})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, err := range ex.Members {
			if err != nil {
				t.Fatal(err)
			}
			if n++; n == stopAt {
				break
			}
		}
		if n != stopAt {
			t.Fatalf("stopped at %d, want %d", n, stopAt)
		}
	}

	// Another workspace's campaign is not found.
	other := tendtest.MustOpen(t, tendtest.Options{Name: "Công ty khác"})
	if _, err := f.svc.Export(t.Context(), other.Admin(), f.campID, campaign.ExportQuery{Format: "xlsx"}); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("another workspace: %v, want not found", err)
	}
	if registered := f.exported(admin, "status=registered"); len(registered) != exportMembers-5 || slices.Contains(registered, f.ids[0]) {
		t.Fatalf("%d registered members, want %d without the joined ones", len(registered), exportMembers-5)
	}
}
