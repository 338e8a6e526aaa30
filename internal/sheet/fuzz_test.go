package sheet_test

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/xuri/excelize/v2"

	"tend/internal/sheet"
)

// FuzzOpen reads arbitrary bytes as a spreadsheet: it never panics, every
// row has a cell per header column and a line after the last, and every
// error is a FileError.
func FuzzOpen(f *testing.F) {
	seeds := [][]byte{
		[]byte("Tên,SĐT\r\nAn,1\r\n"),
		[]byte("\xEF\xBB\xBFTên;SĐT\nAn;\"1\n2\"\n\n;\n"),
		utf16File("Tên\tSĐT\r\nAn\t1\r\n", false),
		utf16File("Tên\tSĐT\r\nAn\t1\r\n", true),
		[]byte("%PDF-1.7\n"),
		{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1},
		[]byte("a,,b\n1\n"),
		xlsxFile(f, [][]any{{"Tên", "SĐT"}, {"An", 1}, {nil}, {"Bình", true}}, nil),
		xlsxFile(f, [][]any{{"Tên", "SĐT"}, {"An", 1}}, func(x *excelize.File) {
			must(f, x.SetCellFormula("Sheet1", "B2", "1+1"))
		}),
		xlsxFile(f, [][]any{{"Tên", nil, "SĐT"}, {"An", 1}}, func(x *excelize.File) {
			must(f, x.MergeCell("Sheet1", "A1", "B1"))
		}),
	}
	for _, s := range seeds {
		f.Add(s)
	}
	lim := sheet.Limits{MaxBytes: 1 << 20, MaxRows: 1000, MaxCols: 50}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := sheet.Open(bytes.NewReader(b), int64(len(b)), lim)
		if err != nil {
			if !errors.Is(err, sheet.ErrBadFile) {
				t.Fatalf("Open: %v (%T) is not a FileError", err, err)
			}
			return
		}
		defer r.Close()
		n, last := len(r.Header()), 0
		if n == 0 || n > lim.MaxCols {
			t.Fatalf("header %q", r.Header())
		}
		for rows := 0; ; rows++ {
			row, err := r.Next()
			if errors.Is(err, io.EOF) {
				if rows > r.Total() {
					t.Fatalf("read %d rows; Total() said %d", rows, r.Total())
				}
				return
			}
			if err != nil {
				if !errors.Is(err, sheet.ErrBadFile) {
					t.Fatalf("Next: %v (%T) is not a FileError", err, err)
				}
				return
			}
			if len(row.Cells) != n {
				t.Fatalf("row %d has %d cells; the header has %d", row.Line, len(row.Cells), n)
			}
			if row.Line <= last {
				t.Fatalf("row at line %d after line %d", row.Line, last)
			}
			last = row.Line
		}
	})
}
