package sheet_test

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"testing"
	"time"

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

func TestRoundTripSmoke(t *testing.T) {
	header := []string{"Họ và tên", "Số điện thoại", "Ngày sinh", "Doanh thu", "VIP"}
	rows := [][]any{
		{"Nguyễn Văn Ánh", "0912345678", time.Date(1990, 2, 13, 0, 0, 0, 0, time.UTC), 1500000, true},
		{"=HYPERLINK(\"x\")", "+84912345678", nil, 1234567.5, false},
	}
	for _, kind := range []string{"xlsx", "csv"} {
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
			t.Errorf("%s header = %q", kind, h)
		}
		t.Logf("%s %v", kind, got)
	}
}
