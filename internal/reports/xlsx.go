package reports

import (
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"

	"tend/internal/domain"
)

// Table is a report as a spreadsheet: its sheet's name, Vietnamese
// headers, and rows of values (text, numbers, a Percent, a domain.Date,
// nil for an empty cell).
type Table struct {
	Name    string // the report's name in file names: "funnel", "owners"…
	Sheet   string
	Headers []string
	Rows    [][]any
}

// Table is the funnel as a spreadsheet.
func (f *Funnel) Table() Table {
	t := Table{Name: "funnel", Sheet: "Phễu", Headers: []string{"Mã bước", "Bước", "Khách hàng hiện tại", "Vào bước trong kỳ", "Tỷ lệ chuyển đổi"}}
	for _, r := range f.Rows {
		t.Rows = append(t.Rows, []any{r.StepID, r.StepName, r.Now, r.Entered, share(r.Conversion)})
	}
	t.Rows = append(t.Rows, []any{"", "Tổng", f.Totals.Now, f.Totals.Entered, nil})
	return t
}

// Table is the report per staff member as a spreadsheet.
func (o *Owners) Table() Table {
	t := Table{Name: "owners", Sheet: "Nhân viên", Headers: []string{"Mã nhân viên", "Nhân viên", "Khách hàng đang phụ trách",
		"Khách hàng mới", "Lượt chăm sóc", "Đơn hàng hoàn thành", "Doanh thu"}}
	for _, r := range o.Rows {
		t.Rows = append(t.Rows, []any{r.UserID, r.UserName, r.Owned, r.New, r.Cared, r.Orders, r.Revenue})
	}
	f := o.Totals
	t.Rows = append(t.Rows, []any{"", "Tổng", f.Owned, f.New, f.Cared, f.Orders, f.Revenue})
	return t
}

// Table is the report per source as a spreadsheet.
func (s *Sources) Table() Table {
	t := Table{Name: "sources", Sheet: "Nguồn", Headers: []string{"Nguồn", "Mã kho", "Kho", "Khách hàng mới", "Trùng lặp",
		"Khách hàng cũ", "Đã giao", "Chuyển đổi", "Doanh thu"}}
	for _, r := range s.Rows {
		t.Rows = append(t.Rows, []any{r.Source, r.WarehouseID, r.WarehouseName, r.Leads, r.Duplicates, r.Returning, r.Assigned, r.Converted, r.Revenue})
	}
	f := s.Totals
	t.Rows = append(t.Rows, []any{"Tổng", "", "", f.Leads, f.Duplicates, f.Returning, f.Assigned, f.Converted, f.Revenue})
	return t
}

// Table is the distribution report as a spreadsheet.
func (d *Distribution) Table() Table {
	t := Table{Name: "distribution", Sheet: "Chia cơ hội", Headers: []string{"Mã quy tắc", "Quy tắc", "Mã nhân viên", "Nhân viên",
		"Được giao", "Bị thu hồi", "Tỷ trọng mục tiêu", "Tỷ trọng thực tế"}}
	for _, r := range d.Rows {
		t.Rows = append(t.Rows, []any{r.RuleID, r.RuleName, r.UserID, r.UserName, r.Assigned, r.Reclaimed, r.TargetShare, share(r.ActualShare)})
	}
	t.Rows = append(t.Rows, []any{"", "Tổng", "", "", d.Totals.Assigned, d.Totals.Reclaimed, nil, nil})
	return t
}

// Table is the campaigns report as a spreadsheet: conversion and ROI are
// shown as percentages.
func (r *CampaignsReport) Table() Table {
	t := Table{Name: "campaigns", Sheet: "Chiến dịch", Headers: []string{"Mã chiến dịch", "Chiến dịch", "Người phụ trách",
		"Ngày bắt đầu", "Ngày kết thúc", "Đăng kí", "Xác nhận", "Tham gia", "Hủy", "Tỷ lệ chuyển đổi",
		"Ngân sách", "Doanh thu kỳ vọng", "Chi phí", "Doanh thu", "ROI"}}
	figures := func(f CampaignFigures) []any {
		return []any{f.Registered, f.Confirmed, f.Joined, f.Cancelled, percent(f.Conversion),
			f.Budget, f.ExpectedRevenue, f.Cost, f.Revenue, percent(f.ROI)}
	}
	for _, c := range r.Rows {
		t.Rows = append(t.Rows, append([]any{c.CampaignID, c.Name, c.OwnerName, day(c.StartsOn), day(c.EndsOn)}, figures(c.CampaignFigures)...))
	}
	t.Rows = append(t.Rows, append([]any{"", "Tổng", "", nil, nil}, figures(r.Totals)...))
	return t
}

func share(r *float64) any {
	if r == nil {
		return nil
	}
	return *r
}

// Percent is a ratio shown as a percentage: the cell holds the ratio
// (0.2) and reads "20.00%".
type Percent float64

func percent(r *float64) any {
	if r == nil {
		return nil
	}
	return Percent(*r)
}

// day is a date's cell (shown dd/mm/yyyy), nil for none.
func day(d *domain.Date) any {
	if d == nil {
		return nil
	}
	return *d
}

// WriteXLSX writes the table as an .xlsx workbook of one sheet.
func (t Table) WriteXLSX(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName(f.GetSheetName(0), t.Sheet); err != nil {
		return fmt.Errorf("reports: sheet: %w", err)
	}
	sw, err := f.NewStreamWriter(t.Sheet)
	if err != nil {
		return fmt.Errorf("reports: sheet: %w", err)
	}
	pct, err := f.NewStyle(&excelize.Style{NumFmt: 10}) // 0.00%
	if err != nil {
		return fmt.Errorf("reports: style: %w", err)
	}
	dateFormat := "dd/mm/yyyy"
	date, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFormat})
	if err != nil {
		return fmt.Errorf("reports: style: %w", err)
	}
	cells := make([]any, len(t.Headers))
	row := func(n int, values []any) error {
		cell, err := excelize.CoordinatesToCellName(1, n)
		if err != nil {
			return err
		}
		cells = cells[:0]
		for _, v := range values {
			switch v := v.(type) {
			case Percent:
				cells = append(cells, excelize.Cell{StyleID: pct, Value: float64(v)})
			case domain.Date:
				// excelize counts serials from a UTC epoch: midnight UTC is the day.
				cells = append(cells, excelize.Cell{StyleID: date, Value: v.In(time.UTC)})
			default:
				cells = append(cells, v)
			}
		}
		return sw.SetRow(cell, cells)
	}
	headers := make([]any, len(t.Headers))
	for i, h := range t.Headers {
		headers[i] = h
	}
	if err := row(1, headers); err != nil {
		return fmt.Errorf("reports: header: %w", err)
	}
	for i, r := range t.Rows {
		if err := row(i+2, r); err != nil {
			return fmt.Errorf("reports: row %d: %w", i+1, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("reports: sheet: %w", err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("reports: write workbook: %w", err)
	}
	return nil
}
