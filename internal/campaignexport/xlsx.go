package campaignexport

import (
	"io"
	"time"

	"github.com/xuri/excelize/v2"
)

// colWidths are the table's column widths, in characters.
var colWidths = [7]float64{14, 28, 16, 30, 22, 16, 16}

// writeXLSX streams one worksheet: the title, the campaign, the day, one
// row per count, the filter, then the table under a bold, frozen header
// row. Joined dates are date cells shown dd/mm/yyyy. Text is written as
// text cells, never as formulas.
func writeXLSX(w io.Writer, h Header, rows Rows, loc *time.Location) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	l := h.labels()
	if err := f.SetSheetName("Sheet1", l.sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(l.sheet)
	if err != nil {
		return err
	}
	title, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	dateFormat := "dd/mm/yyyy"
	date, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dateFormat})
	if err != nil {
		return err
	}
	for i, wd := range colWidths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return err
		}
	}

	// The panes come before any row in a stream; the header's row is known
	// from the header alone.
	top := [][]any{
		{excelize.Cell{StyleID: title, Value: h.Title}},
		{l.campaign, h.CampaignName},
		{l.generated, h.Generated.In(loc).Format(dateTimeLayout)},
	}
	for _, c := range h.Counts {
		top = append(top, []any{c.Label, c.N})
	}
	if h.Filter != "" {
		top = append(top, []any{l.filter, h.Filter})
	}
	top = append(top, nil) // a blank line above the table
	headerRow := len(top) + 1
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: headerRow, TopLeftCell: cellName(1, headerRow+1), ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	n := 0
	put := func(cells []any) error {
		n++
		return sw.SetRow(cellName(1, n), cells)
	}
	for _, cells := range top {
		if err := put(cells); err != nil {
			return err
		}
	}
	head := make([]any, len(l.columns))
	for i, c := range l.columns {
		head[i] = excelize.Cell{StyleID: bold, Value: c}
	}
	if err := put(head); err != nil {
		return err
	}
	cells := make([]any, 7)
	err = each(rows, func(r *Row) error {
		for i, s := range [6]string{r.Code, r.Name, r.Phone, r.Email, r.Owner, r.Status} {
			cells[i] = s
		}
		cells[6] = nil
		if r.JoinedAt != nil {
			// excelize counts serials from a UTC epoch: give it the day in loc.
			d := r.JoinedAt.In(loc)
			cells[6] = excelize.Cell{StyleID: date, Value: time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)}
		}
		return put(cells)
	})
	if err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}

func cellName(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row) // col and row are ≥ 1
	return name
}
