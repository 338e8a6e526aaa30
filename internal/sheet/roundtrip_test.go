package sheet_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"strconv"
	"testing"
	"time"

	"tend/internal/cellvalue"
	"tend/internal/sheet"
)

// readAll opens a file and returns its header and rows.
func readAll(t testing.TB, b []byte) ([]string, []sheet.Row) {
	t.Helper()
	r, err := sheet.Open(bytes.NewReader(b), int64(len(b)), sheet.DefaultLimits)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer r.Close()
	var rows []sheet.Row
	for {
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		rows = append(rows, row)
	}
	return r.Header(), rows
}

func writeAll(t testing.TB, w sheet.Writer, rows [][]any) {
	t.Helper()
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			t.Fatalf("Write: %v", err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
}

// TestRoundTrip writes every kind of value with both writers and reads
// the files back: text intact (Vietnamese, formula-like text, line
// breaks), numbers unformatted, dates and times readable by cellvalue.
func TestRoundTrip(t *testing.T) {
	header := []string{"Họ và tên", "Ghi chú", "Ngày sinh", "Lúc gọi", "Doanh thu", "VIP", "Trống"}
	hcm := time.FixedZone("ICT", 7*3600)
	birthday := time.Date(1990, 2, 13, 0, 0, 0, 0, time.UTC)
	called := time.Date(2024, 2, 13, 8, 30, 0, 0, hcm)
	rows := [][]any{
		{"Nguyễn Văn Ánh", "=HYPERLINK(\"http://x\")", birthday, called, 1500000, true, nil},
		{"Đặng Thị Ổi", "+84 912 345 678", birthday.AddDate(30, 0, 0), called.Add(90 * time.Minute), 1234567.5, false, nil},
		{"Lê @Bình", "-5\ndòng hai", time.Date(2000, 1, 1, 0, 0, 0, 0, hcm), called, int64(-42), false, ""},
		{"'quoted", "@SUM(A1)", birthday, called, json.Number("99.5"), true, nil},
	}
	for _, kind := range []string{"xlsx", "csv"} {
		t.Run(kind, func(t *testing.T) {
			var buf bytes.Buffer
			var w sheet.Writer
			var err error
			if kind == "xlsx" {
				w, err = sheet.NewXLSX(&buf, "Khách hàng", header)
			} else {
				w, err = sheet.NewCSV(&buf, header)
			}
			if err != nil {
				t.Fatal(err)
			}
			writeAll(t, w, rows)
			h, got := readAll(t, buf.Bytes())
			if !slices.Equal(h, header) {
				t.Errorf("header = %q", h)
			}
			if len(got) != len(rows) {
				t.Fatalf("read %d rows; want %d", len(got), len(rows))
			}
			for i, want := range rows {
				cells := got[i].Cells
				if got[i].Line != i+2 {
					t.Errorf("row %d: line %d", i, got[i].Line)
				}
				for _, j := range []int{0, 1} {
					if cells[j] != want[j] {
						t.Errorf("row %d cell %d = %q; want %q", i, j, cells[j], want[j])
					}
				}
				if d, err := cellvalue.Date(cells[2]); err != nil || d.Format(time.DateOnly) != want[2].(time.Time).Format(time.DateOnly) {
					t.Errorf("row %d date %q = %v, %v; want %v", i, cells[2], d, err, want[2])
				}
				if at, err := cellvalue.DateTime(cells[3], hcm); err != nil || !at.Equal(want[3].(time.Time)) {
					t.Errorf("row %d time %q = %v, %v; want %v", i, cells[3], at, err, want[3])
				}
				if n, err := cellvalue.Number(cells[4]); err != nil || n != numberText(want[4]) {
					t.Errorf("row %d number %q = %q, %v; want %v", i, cells[4], n, err, want[4])
				}
				if b, err := cellvalue.Bool(cells[5]); err != nil || b != want[5] {
					t.Errorf("row %d bool %q = %v, %v; want %v", i, cells[5], b, err, want[5])
				}
			}
		})
	}
}

func numberText(v any) string {
	switch v := v.(type) {
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case json.Number:
		return string(v)
	}
	return ""
}

// TestCSVGuard checks the exact bytes of a csv: BOM, CRLF, quoting, and the
// ' before text a spreadsheet would run as a formula.
func TestCSVGuard(t *testing.T) {
	var buf bytes.Buffer
	w, err := sheet.NewCSV(&buf, []string{"Tên", "Giá trị"})
	if err != nil {
		t.Fatal(err)
	}
	writeAll(t, w, [][]any{
		{"=1+2", "+84"}, {"-x", "@A1"}, {"\tx", "\rx"}, {"'a", "a'"}, {-5, 1.5}, {"a,b", "x\"y"},
		{time.Date(2024, 2, 13, 0, 0, 0, 0, time.UTC), time.Date(2024, 2, 13, 8, 5, 0, 0, time.UTC)},
		{true, nil},
	})
	// A lone CR is dropped: encoding/csv writes CRLF line ends so.
	want := "\xEF\xBB\xBFTên,Giá trị\r\n'=1+2,'+84\r\n'-x,'@A1\r\n'\tx,\"'x\"\r\n''a,a'\r\n-5,1.5\r\n" +
		"\"a,b\",\"x\"\"y\"\r\n13/02/2024,13/02/2024 08:05\r\nTRUE,\r\n"
	if buf.String() != want {
		t.Errorf("csv = %q\nwant  %q", buf.String(), want)
	}
	if err := w.Write([]any{struct{}{}}); err == nil {
		t.Error("Write accepted a struct")
	}
}
