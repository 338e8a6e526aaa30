package reports_test

import (
	"bytes"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"

	"tend/internal/campaign"
	"tend/internal/domain"
	"tend/internal/reports"
)

// The campaigns report's sheet has a row per campaign and a totals row;
// its dates are date cells shown dd/mm/yyyy, its conversion and ROI cells
// hold the ratios and show them as percentages, and a missing date or
// ratio is an empty cell.
func TestCampaignsSheet(t *testing.T) {
	starts, ends := domain.Date{Year: 2026, Month: 6, Day: 1}, domain.Date{Year: 2026, Month: 6, Day: 30}
	conv, roi, totalConv := 0.3333, -0.25, 0.25
	rep := &reports.CampaignsReport{
		Period: reports.Period{From: starts, To: ends},
		Rows: []reports.CampaignRow{
			{CampaignID: "cmp_1", Name: "Hội thảo tháng 6", OwnerID: "usr_an", OwnerName: "Nguyễn Văn An", StartsOn: &starts, EndsOn: &ends,
				CampaignFigures: reports.CampaignFigures{Conversion: &conv, Stats: campaign.Stats{
					Totals: campaign.Totals{Registered: 3, Confirmed: 2, Joined: 1}, Budget: 50_000_000, ExpectedRevenue: 90_000_000,
					Cost: 20_000_000, Revenue: 15_000_000, ROI: &roi}}},
			{CampaignID: "cmp_2", Name: "Chăm sóc thường xuyên", OwnerID: "usr_binh", OwnerName: "Trần Thị Bình",
				CampaignFigures: reports.CampaignFigures{Stats: campaign.Stats{Totals: campaign.Totals{Registered: 1, Cancelled: 1}}}},
		},
		Totals: reports.CampaignFigures{Conversion: &totalConv, Stats: campaign.Stats{
			Totals: campaign.Totals{Registered: 4, Confirmed: 2, Joined: 1, Cancelled: 1}, Budget: 50_000_000, ExpectedRevenue: 90_000_000,
			Cost: 20_000_000, Revenue: 15_000_000, ROI: &roi}},
	}
	table := rep.Table()
	if table.Name != "campaigns" || table.Sheet != "Chiến dịch" {
		t.Errorf("table %q, sheet %q", table.Name, table.Sheet)
	}
	var buf bytes.Buffer
	if err := table.WriteXLSX(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, tc := range []struct {
		name string
		opts []excelize.Options
		want [][]string
	}{
		{"as shown", nil, [][]string{
			{"Mã chiến dịch", "Chiến dịch", "Người phụ trách", "Ngày bắt đầu", "Ngày kết thúc", "Đăng kí", "Xác nhận", "Tham gia", "Hủy",
				"Tỷ lệ chuyển đổi", "Ngân sách", "Doanh thu kỳ vọng", "Chi phí", "Doanh thu", "ROI"},
			{"cmp_1", "Hội thảo tháng 6", "Nguyễn Văn An", "01/06/2026", "30/06/2026", "3", "2", "1", "0", "33.33%",
				"50000000", "90000000", "20000000", "15000000", "-25.00%"},
			{"cmp_2", "Chăm sóc thường xuyên", "Trần Thị Bình", "", "", "1", "0", "0", "1", "", "0", "0", "0", "0"},
			{"", "Tổng", "", "", "", "4", "2", "1", "1", "25.00%", "50000000", "90000000", "20000000", "15000000", "-25.00%"},
		}},
		{"as stored", []excelize.Options{{RawCellValue: true}}, [][]string{
			{"Mã chiến dịch", "Chiến dịch", "Người phụ trách", "Ngày bắt đầu", "Ngày kết thúc", "Đăng kí", "Xác nhận", "Tham gia", "Hủy",
				"Tỷ lệ chuyển đổi", "Ngân sách", "Doanh thu kỳ vọng", "Chi phí", "Doanh thu", "ROI"},
			{"cmp_1", "Hội thảo tháng 6", "Nguyễn Văn An", "46174", "46203", "3", "2", "1", "0", "0.3333",
				"50000000", "90000000", "20000000", "15000000", "-0.25"},
			{"cmp_2", "Chăm sóc thường xuyên", "Trần Thị Bình", "", "", "1", "0", "0", "1", "", "0", "0", "0", "0"},
			{"", "Tổng", "", "", "", "4", "2", "1", "1", "0.25", "50000000", "90000000", "20000000", "15000000", "-0.25"},
		}},
	} {
		got, err := f.GetRows("Chiến dịch", tc.opts...)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.EqualFunc(got, tc.want, slices.Equal) {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}
}
