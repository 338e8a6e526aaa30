package localrun_test

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// campaignFigures are a row of the campaigns report, or its totals.
type campaignFigures struct {
	Registered      int64    `json:"registered_total"`
	Confirmed       int64    `json:"confirmed_total"`
	Joined          int64    `json:"joined_total"`
	Cancelled       int64    `json:"cancelled_total"`
	Budget          int64    `json:"budget"`
	ExpectedRevenue int64    `json:"expected_revenue"`
	Cost            int64    `json:"cost"`
	Revenue         int64    `json:"revenue"`
	ROI             *float64 `json:"roi"`
	Conversion      *float64 `json:"conversion"`
}

type campaignReportRow struct {
	CampaignID string  `json:"campaign_id"`
	Name       string  `json:"name"`
	OwnerID    string  `json:"owner_id"`
	OwnerName  string  `json:"owner_name"`
	StartsOn   *string `json:"starts_on"`
	EndsOn     *string `json:"ends_on"`
	campaignFigures
}

type campaignReport struct {
	From   string              `json:"from"`
	To     string              `json:"to"`
	Rows   []campaignReportRow `json:"rows"`
	Totals campaignFigures     `json:"totals"`
}

// plannedCampaign is a campaign as the test made it, with the member
// statuses it set.
type plannedCampaign struct {
	name, owner, startsOn, endsOn string
	budget, expected, cost, rev   int64
	statuses                      []string // one member per entry
	id                            string
}

// want is the report row the test expects of the campaign, from what it
// did (the seed's cumulative counts, its own ratios).
func (p *plannedCampaign) want(ownerName string) campaignReportRow {
	f := campaignFigures{Budget: p.budget, ExpectedRevenue: p.expected, Cost: p.cost, Revenue: p.rev}
	for _, st := range p.statuses {
		f.Registered++
		switch st {
		case "confirmed":
			f.Confirmed++
		case "joined":
			f.Confirmed++
			f.Joined++
		case "cancelled":
			f.Cancelled++
		}
	}
	if f.Registered > 0 {
		c := math.Round(float64(f.Joined)/float64(f.Registered)*10000) / 10000
		f.Conversion = &c
	}
	if f.Cost > 0 {
		r := float64(f.Revenue-f.Cost) / float64(f.Cost)
		f.ROI = &r
	}
	row := campaignReportRow{CampaignID: p.id, Name: p.name, OwnerID: p.owner, OwnerName: ownerName, campaignFigures: f}
	if p.startsOn != "" {
		row.StartsOn = &p.startsOn
	}
	if p.endsOn != "" {
		row.EndsOn = &p.endsOn
	}
	return row
}

// TestCampaignsReport: the campaigns report keeps the campaigns whose
// dates overlap the period (a missing date leaves that side open), owned
// by the owner or the team filtered on, for every caller alike; its
// spreadsheet holds the JSON's figures, conversion and ROI as
// percentages; a warehouse filter and bad filters are refused with the
// other reports' errors.
func TestCampaignsReport(t *testing.T) {
	s := start(t, false)
	admin, _ := s.workspace("Báo cáo chiến dịch")
	an := admin.user("Nguyễn Văn An", "staff")
	binh := admin.user("Trần Thị Bình", "staff")
	leader := admin.user("Lê Trưởng Nhóm", "team_leader")
	team := admin.create("/v1/teams", map[string]any{"name": "Nhóm An", "leader_id": leader.userID, "member_ids": []string{an.userID}})
	names := map[string]string{an.userID: "Nguyễn Văn An", binh.userID: "Trần Thị Bình", leader.userID: "Lê Trưởng Nhóm"}

	plans := []*plannedCampaign{
		{name: "Hội thảo tháng 6", owner: an.userID, startsOn: "2026-06-01", endsOn: "2026-06-30",
			budget: 50_000_000, expected: 200_000_000, cost: 40_000_000, rev: 100_000_000,
			statuses: []string{"registered", "confirmed", "joined", "cancelled"}},
		{name: "Khuyến mãi tháng 8", owner: binh.userID, startsOn: "2026-08-01", endsOn: "2026-08-31",
			budget: 30_000_000, expected: 90_000_000, cost: 20_000_000, rev: 15_000_000},
		{name: "Tri ân khách hàng", owner: an.userID, startsOn: "2026-08-15", endsOn: "2026-09-15",
			budget: 10_000_000, expected: 40_000_000, cost: 12_000_000, rev: 30_000_000,
			statuses: []string{"joined", "registered", "registered"}},
		{name: "Chăm sóc thường xuyên", owner: binh.userID, statuses: []string{"confirmed"}}, // no dates, no cost
		{name: "Ra mắt sản phẩm", owner: leader.userID, startsOn: "2026-07-01", budget: 5_000_000, cost: 5_000_000, rev: 5_000_000},
	}
	phone := 0
	for _, p := range plans {
		body := map[string]any{"name": p.name, "owner_id": p.owner, "budget": p.budget, "expected_revenue": p.expected, "cost": p.cost, "revenue": p.rev}
		if p.startsOn != "" {
			body["starts_on"] = p.startsOn
		}
		if p.endsOn != "" {
			body["ends_on"] = p.endsOn
		}
		p.id = admin.create("/v1/campaigns", body)
		for _, st := range p.statuses {
			phone++
			cu := admin.createCustomer(map[string]any{"name": fmt.Sprintf("Khách %d", phone), "phone": fmt.Sprintf("09123450%02d", phone)})
			admin.do("POST", "/v1/campaigns/"+p.id+"/members", map[string]any{"customer_id": cu.ID}).ok(201)
			if st != "registered" {
				admin.do("PATCH", "/v1/campaigns/"+p.id+"/members/"+cu.ID, map[string]any{"status": st}).ok(200)
			}
		}
	}
	june, aug, tri, always, launch := plans[0], plans[1], plans[2], plans[3], plans[4]
	all := "from=2026-06-01&to=2026-09-30"

	// check asks the report as each caller and compares it with the
	// planned campaigns it should keep, in the order they were made.
	check := func(t *testing.T, query string, keep ...*plannedCampaign) campaignReport {
		t.Helper()
		var want []campaignReportRow
		var total campaignFigures
		for _, p := range plans {
			if !slices.Contains(keep, p) {
				continue
			}
			row := p.want(names[p.owner])
			want = append(want, row)
			f := row.campaignFigures
			total = campaignFigures{Registered: total.Registered + f.Registered, Confirmed: total.Confirmed + f.Confirmed,
				Joined: total.Joined + f.Joined, Cancelled: total.Cancelled + f.Cancelled, Budget: total.Budget + f.Budget,
				ExpectedRevenue: total.ExpectedRevenue + f.ExpectedRevenue, Cost: total.Cost + f.Cost, Revenue: total.Revenue + f.Revenue}
		}
		if total.Registered > 0 {
			c := math.Round(float64(total.Joined)/float64(total.Registered)*10000) / 10000
			total.Conversion = &c
		}
		if total.Cost > 0 {
			r := float64(total.Revenue-total.Cost) / float64(total.Cost)
			total.ROI = &r
		}
		var first campaignReport
		// Everyone reads every campaign: a staff member outside the team
		// gets what the admin gets.
		who := map[*client]string{admin: "the admin", binh: "a staff member"}
		for _, c := range []*client{admin, binh} {
			var got campaignReport
			c.do("GET", "/v1/reports/campaigns?"+query, nil).ok(200).into(&got)
			if !slices.EqualFunc(got.Rows, want, sameCampaignRow) {
				t.Errorf("?%s as %s: rows\n%s\nwant\n%s", query, who[c], campaignRowsString(got.Rows), campaignRowsString(want))
			}
			if !sameCampaignFigures(got.Totals, total) {
				t.Errorf("?%s: totals %s, want %s", query, figuresString(got.Totals), figuresString(total))
			}
			if c == admin {
				first = got
			}
		}
		return first
	}

	t.Run("periods", func(t *testing.T) {
		check(t, all, june, aug, tri, always, launch)
		check(t, "from=2026-06-01&to=2026-06-30", june, always)
		check(t, "from=2026-06-30&to=2026-06-30", june, always)   // the last day counts
		check(t, "from=2026-07-01&to=2026-07-31", always, launch) // an open end runs on
		check(t, "from=2026-08-20&to=2026-08-25", aug, tri, always, launch)
		check(t, "from=2026-09-16&to=2026-10-01", always, launch) // tri ended the day before
		check(t, "from=2026-05-01&to=2026-05-31", always)         // before everything dated
		got := check(t, "", always, launch)                       // the last 30 days, today included
		if got.From != "2026-10-27" || got.To != "2026-11-25" {
			t.Errorf("default period %s..%s, want 2026-10-27..2026-11-25", got.From, got.To)
		}
	})
	t.Run("owners and teams", func(t *testing.T) {
		check(t, all+"&owner_id="+an.userID, june, tri)
		check(t, all+"&owner_id="+binh.userID, aug, always)
		check(t, all+"&team_id="+team, june, tri, launch) // the leader's and the members'
		check(t, all+"&team_id="+team+"&owner_id="+an.userID, june, tri)
		empty := check(t, all+"&team_id="+team+"&owner_id="+binh.userID) // not in the team
		if empty.Rows == nil {
			t.Errorf("no rows answered as null, want []")
		}
		check(t, "from=2026-06-01&to=2026-06-30&owner_id="+binh.userID, always)
	})

	t.Run("spreadsheet", func(t *testing.T) {
		rep := check(t, all, june, aug, tri, always, launch)
		r := admin.do("GET", "/v1/reports/campaigns?"+all+"&format=xlsx", nil).ok(200)
		if ct := r.Header.Get("Content-Type"); ct != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
			t.Errorf("Content-Type %q", ct)
		}
		if cd, want := r.Header.Get("Content-Disposition"), `attachment; filename="bao-cao-campaigns-2026-06-01-2026-09-30.xlsx"`; cd != want {
			t.Errorf("Content-Disposition %q, want %q", cd, want)
		}
		f, err := excelize.OpenReader(bytes.NewReader(r.Body))
		if err != nil {
			t.Fatalf("the spreadsheet does not open: %v", err)
		}
		defer f.Close()
		shown, err := f.GetRows("Chiến dịch")
		if err != nil {
			t.Fatalf("sheet: %v (sheets %v)", err, f.GetSheetList())
		}
		raw, err := f.GetRows("Chiến dịch", excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		headers := []string{"Mã chiến dịch", "Chiến dịch", "Người phụ trách", "Ngày bắt đầu", "Ngày kết thúc", "Đăng kí", "Xác nhận",
			"Tham gia", "Hủy", "Tỷ lệ chuyển đổi", "Ngân sách", "Doanh thu kỳ vọng", "Chi phí", "Doanh thu", "ROI"}
		// As shown: dates dd/mm/yyyy, ratios as percentages.
		wantShown := [][]string{headers}
		// As stored: the JSON's numbers, ratios as ratios.
		var wantRaw [][]string
		figures := func(f campaignFigures, ratio func(*float64) string) []string {
			return []string{itoa(f.Registered), itoa(f.Confirmed), itoa(f.Joined), itoa(f.Cancelled), ratio(f.Conversion),
				itoa(f.Budget), itoa(f.ExpectedRevenue), itoa(f.Cost), itoa(f.Revenue), ratio(f.ROI)}
		}
		for _, row := range rep.Rows {
			head := []string{row.CampaignID, row.Name, row.OwnerName, shownDate(row.StartsOn), shownDate(row.EndsOn)}
			wantShown = append(wantShown, append(slices.Clone(head), figures(row.campaignFigures, shownPercent)...))
			wantRaw = append(wantRaw, figures(row.campaignFigures, rawRatio))
		}
		wantShown = append(wantShown, trimEnd(append([]string{"", "Tổng", "", "", ""}, figures(rep.Totals, shownPercent)...)))
		wantRaw = append(wantRaw, figures(rep.Totals, rawRatio))
		for i := range wantShown {
			wantShown[i] = trimEnd(wantShown[i])
		}
		if !slices.EqualFunc(shown, wantShown, slices.Equal) {
			t.Errorf("spreadsheet as shown:\n got %q\nwant %q", shown, wantShown)
		}
		if len(raw) != len(wantRaw)+1 {
			t.Fatalf("spreadsheet has %d rows, want %d", len(raw), len(wantRaw)+1)
		}
		for i, w := range wantRaw {
			if got := trimEnd(raw[i+1][5:]); !slices.Equal(got, trimEnd(w)) {
				t.Errorf("row %d's stored figures %q, want the JSON's %q", i+1, got, w)
			}
		}
		if rep.Rows[0].Conversion == nil || *rep.Rows[0].Conversion != 0.25 || shown[1][9] != "25.00%" || shown[1][14] != "150.00%" {
			t.Errorf("the June campaign's conversion %v shown %q and ROI shown %q, want 0.25, 25.00%% and 150.00%%",
				deref(rep.Rows[0].Conversion), shown[1][9], shown[1][14])
		}
	})

	t.Run("refused filters", func(t *testing.T) {
		wh := admin.create("/v1/warehouses", map[string]any{"name": "Kho Hà Nội"})
		for _, tc := range []struct {
			query, path, code, vi, en string
		}{
			{"warehouse_id=" + wh, "warehouse_id", "campaigns_have_no_warehouse",
				"Chiến dịch không thuộc kho dữ liệu nào nên báo cáo chiến dịch không lọc theo kho.",
				"Campaigns belong to no warehouse, so the campaigns report cannot be filtered by one."},
			{"from=2026-02-30", "from", "invalid_date", "Ngày không hợp lệ (định dạng YYYY-MM-DD).", "Not a valid date (YYYY-MM-DD)."},
			{"from=2026-09-30&to=2026-06-01", "from", "range_reversed",
				"Giá trị đầu phải nhỏ hơn hoặc bằng giá trị sau.", "The first value must not be greater than the second."},
			{"from=2025-01-01&to=2026-09-30", "to", "range_too_long", "Khoảng thời gian dài nhất là 366 ngày.", "The period can be at most 366 days long."},
			{"owner_id=usr_khongco", "owner_id", "unknown_user", `Không có nhân viên "usr_khongco".`, `There is no user "usr_khongco".`},
			{"team_id=team_khongco", "team_id", "unknown_team", `Không có đội nhóm "team_khongco".`, `There is no team "team_khongco".`},
			{"format=pdf", "format", "invalid_value", "Giá trị không hợp lệ.", "Not a valid value."},
		} {
			for lang, msg := range map[string]string{"vi": tc.vi, "en": tc.en} {
				p := admin.with("Accept-Language", lang).do("GET", "/v1/reports/campaigns?"+tc.query, nil).problem(422)
				if len(p.Errors) != 1 || p.Errors[0].Path != tc.path || p.Errors[0].Code != tc.code || p.Errors[0].Message != msg {
					t.Errorf("?%s in %s: errors %+v, want one at %s, %s: %q", tc.query, lang, p.Errors, tc.path, tc.code, msg)
				}
				if tc.path == "warehouse_id" {
					continue
				}
				// The other reports answer the same.
				other := admin.with("Accept-Language", lang).do("GET", "/v1/reports/owners?"+tc.query, nil).problem(422)
				if !slices.Equal(other.Errors, p.Errors) {
					t.Errorf("?%s in %s: %+v, but the owners report answers %+v", tc.query, lang, p.Errors, other.Errors)
				}
			}
		}
		// A refused warehouse comes with the other problems of the query.
		p := admin.do("GET", "/v1/reports/campaigns?warehouse_id="+wh+"&from=2026-02-30&owner_id=usr_khongco", nil).problem(422)
		hasError(t, p, "warehouse_id", "campaigns_have_no_warehouse")
		hasError(t, p, "from", "invalid_date")
		hasError(t, p, "owner_id", "unknown_user")
	})
}

func sameRatio(a, b *float64) bool {
	return (a == nil) == (b == nil) && (a == nil || math.Abs(*a-*b) < 1e-9)
}

func sameCampaignFigures(a, b campaignFigures) bool {
	ra, rb, ca, cb := a.ROI, b.ROI, a.Conversion, b.Conversion
	a.ROI, b.ROI, a.Conversion, b.Conversion = nil, nil, nil, nil
	return a == b && sameRatio(ra, rb) && sameRatio(ca, cb)
}

func sameCampaignRow(a, b campaignReportRow) bool {
	return a.CampaignID == b.CampaignID && a.Name == b.Name && a.OwnerID == b.OwnerID && a.OwnerName == b.OwnerName &&
		sameDate(a.StartsOn, b.StartsOn) && sameDate(a.EndsOn, b.EndsOn) && sameCampaignFigures(a.campaignFigures, b.campaignFigures)
}

func sameDate(a, b *string) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func figuresString(f campaignFigures) string {
	return fmt.Sprintf("{%d/%d/%d/%d conv %v budget %d expected %d cost %d revenue %d roi %v}", f.Registered, f.Confirmed, f.Joined,
		f.Cancelled, deref(f.Conversion), f.Budget, f.ExpectedRevenue, f.Cost, f.Revenue, deref(f.ROI))
}

func campaignRowsString(rows []campaignReportRow) string {
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, "  %s %q owner %s (%s) %s..%s %s\n", r.CampaignID, r.Name, r.OwnerID, r.OwnerName, shownDate(r.StartsOn),
			shownDate(r.EndsOn), figuresString(r.campaignFigures))
	}
	return b.String()
}

// shownDate is a YYYY-MM-DD date as the spreadsheet shows it.
func shownDate(d *string) string {
	if d == nil {
		return ""
	}
	t, err := time.Parse(time.DateOnly, *d)
	if err != nil {
		return "bad date " + *d
	}
	return t.Format("02/01/2006")
}

// shownPercent is a ratio as the spreadsheet shows it (0.00%).
func shownPercent(r *float64) string {
	if r == nil {
		return ""
	}
	return fmt.Sprintf("%.2f%%", *r*100)
}

// rawRatio is a ratio as the spreadsheet stores it.
func rawRatio(r *float64) string {
	if r == nil {
		return ""
	}
	return fmt.Sprint(*r)
}

// trimEnd drops a row's empty cells at its end, as excelize reads rows.
func trimEnd(r []string) []string {
	for len(r) > 0 && r[len(r)-1] == "" {
		r = r[:len(r)-1]
	}
	return r
}
