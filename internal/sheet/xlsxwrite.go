package sheet

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// XLSXWriter writes one worksheet with excelize's StreamWriter: a bold,
// frozen header row, column widths from the header.
type XLSXWriter struct {
	f        *excelize.File
	sw       *excelize.StreamWriter
	w        io.Writer
	row      int
	date     int // style ids
	dateTime int
	cells    []any
}

// NewXLSX starts an xlsx file with its header.
func NewXLSX(w io.Writer, sheetName string, header []string) (*XLSXWriter, error) {
	f := excelize.NewFile()
	x := &XLSXWriter{f: f, w: w}
	if err := x.start(sheetName, header); err != nil {
		_ = f.Close()
		return nil, err
	}
	return x, nil
}

func (x *XLSXWriter) start(sheetName string, header []string) error {
	if err := x.f.SetSheetName("Sheet1", sheetName); err != nil {
		return fmt.Errorf("sheet: name %q: %w", sheetName, err)
	}
	var err error
	if x.sw, err = x.f.NewStreamWriter(sheetName); err != nil {
		return err
	}
	bold, err := x.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	dateFormat, dateTimeFormat := "dd/mm/yyyy", "dd/mm/yyyy hh:mm"
	if x.date, err = x.f.NewStyle(&excelize.Style{CustomNumFmt: &dateFormat}); err != nil {
		return err
	}
	if x.dateTime, err = x.f.NewStyle(&excelize.Style{CustomNumFmt: &dateTimeFormat}); err != nil {
		return err
	}
	for i, h := range header {
		width := float64(min(max(utf8.RuneCountInString(h)+4, 12), 60))
		if err := x.sw.SetColWidth(i+1, i+1, width); err != nil {
			return err
		}
	}
	if err := x.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	x.row = 1
	return x.sw.SetRow("A1", cells)
}

// Write writes a row: strings, numbers, bools, times (a date cell shown
// dd/mm/yyyy, or dd/mm/yyyy hh:mm with a time of day, at the time's wall
// clock), nil (empty). A string is written as a text cell, never as a
// formula, so a value starting with = + - @ needs no guard here: Excel
// shows it and does not run it.
func (x *XLSXWriter) Write(cells []any) error {
	x.cells = x.cells[:0]
	for _, v := range cells {
		c, err := x.cell(v)
		if err != nil {
			return err
		}
		x.cells = append(x.cells, c)
	}
	x.row++
	ref, err := excelize.CoordinatesToCellName(1, x.row)
	if err != nil {
		return err
	}
	return x.sw.SetRow(ref, x.cells)
}

func (x *XLSXWriter) cell(v any) (any, error) {
	switch v := v.(type) {
	case nil, string, bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64:
		return v, nil
	case json.Number:
		if f, err := strconv.ParseFloat(string(v), 64); err == nil {
			return f, nil
		}
		return string(v), nil
	case time.Time:
		// excelize counts serials from a UTC epoch: give it the wall clock.
		wall := time.Date(v.Year(), v.Month(), v.Day(), v.Hour(), v.Minute(), v.Second(), v.Nanosecond(), time.UTC)
		style := x.date
		if hasTimeOfDay(v) {
			style = x.dateTime
		}
		return excelize.Cell{StyleID: style, Value: wall}, nil
	}
	return nil, fmt.Errorf("sheet: a cell of type %T", v)
}

// Close flushes the worksheet and writes the file to w.
func (x *XLSXWriter) Close() error {
	err := x.sw.Flush()
	if err == nil {
		err = x.f.Write(x.w)
	}
	if cerr := x.f.Close(); err == nil {
		err = cerr
	}
	return err
}
