package sheet_test

import (
	"bytes"
	"errors"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"

	"tend/internal/sheet"
)

func TestFileErrors(t *testing.T) {
	header := []any{"Họ và tên", "Số điện thoại", "Doanh thu"}
	row := []any{"An", "0912345678", 100}
	small := sheet.Limits{MaxBytes: 1 << 20, MaxRows: 2, MaxCols: 3}
	ole := []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0}
	cases := []struct {
		name string
		file []byte
		lim  sheet.Limits
		want sheet.FileError // Code, Line, Column, Limit
	}{
		{"no bytes", nil, sheet.DefaultLimits, sheet.FileError{Code: "file_empty"}},
		{"blank csv", []byte("\r\n ,, \r\n,,\n\n"), sheet.DefaultLimits, sheet.FileError{Code: "file_empty"}},
		{"bom only", []byte("\xEF\xBB\xBF"), sheet.DefaultLimits, sheet.FileError{Code: "file_empty"}},
		{"xlsx without rows", xlsxFile(t, nil, nil), sheet.DefaultLimits, sheet.FileError{Code: "file_empty"}},
		{"xlsx of blank cells", xlsxFile(t, [][]any{{" ", ""}}, nil), sheet.DefaultLimits, sheet.FileError{Code: "file_empty"}},
		{"pdf", []byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n"), sheet.DefaultLimits, sheet.FileError{Code: "file_not_spreadsheet"}},
		{"png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), sheet.DefaultLimits, sheet.FileError{Code: "file_not_spreadsheet"}},
		{"random bytes", []byte{0x9f, 0x12, 0xc3, 0x28, 0xfe, 0x01, 0x80, 0x81, 0xff, 0x00}, sheet.DefaultLimits, sheet.FileError{Code: "file_not_spreadsheet", Line: 1, Column: "A"}},
		{"windows-1258 text", []byte("T\xean,S\xd0T\r\nAn,1\r\n"), sheet.DefaultLimits, sheet.FileError{Code: "file_not_spreadsheet", Line: 1, Column: "A"}},
		{"invalid utf-8 on a later line", []byte("Tên,SĐT\r\nAn,1\r\nB\xff,2\r\n"), sheet.DefaultLimits, sheet.FileError{Code: "file_not_spreadsheet", Line: 3, Column: "A"}},
		{"nul in text", []byte("Tên,SĐT\nAn,0\x00\n"), sheet.DefaultLimits, sheet.FileError{Code: "file_not_spreadsheet", Line: 2, Column: "B"}},
		{"utf-16 of an odd length", append(utf16File("Tên\tSĐT\r\n", false), 'x'), sheet.DefaultLimits, sheet.FileError{Code: "file_not_spreadsheet", Line: 2}},
		{"utf-16 lone surrogate", append(utf16File("Tên\tSĐT\r\nAn\t", false), 0x00, 0xD8, 'A', 0), sheet.DefaultLimits, sheet.FileError{Code: "file_not_spreadsheet", Line: 2}},
		{"broken zip", []byte("PK\x03\x04 this is not a zip at all"), sheet.DefaultLimits, sheet.FileError{Code: "file_not_spreadsheet"}},
		{"empty zip", zipFile(t), sheet.DefaultLimits, sheet.FileError{Code: "file_not_spreadsheet"}},
		{"a docx", zipFile(t, zipEntry{name: "word/document.xml", data: []byte("<w:document/>")}), sheet.DefaultLimits, sheet.FileError{Code: "file_not_spreadsheet"}},
		{"xls or encrypted xlsx", ole, sheet.DefaultLimits, sheet.FileError{Code: "file_xls_or_encrypted"}},
		{"too large", []byte("Tên\nAn\n"), sheet.Limits{MaxBytes: 5}, sheet.FileError{Code: "file_too_large", Limit: 5}},
		{"too many rows csv", []byte("a,b\n1,2\n\n3,4\n5,6\n"), small, sheet.FileError{Code: "file_too_many_rows", Line: 5, Limit: 2}},
		{"too many rows xlsx", xlsxFile(t, [][]any{header, row, row, row}, nil), small, sheet.FileError{Code: "file_too_many_rows", Limit: 2}},
		{"too many columns csv", []byte("a;b;c;d\n1;2;3;4\n"), small, sheet.FileError{Code: "file_too_many_columns", Line: 1, Limit: 3}},
		{"too many columns xlsx", xlsxFile(t, [][]any{{nil}, {"a", "b", "c", "d"}}, nil), small, sheet.FileError{Code: "file_too_many_columns", Line: 2, Limit: 3}},
		{"zip bomb: compression ratio", zipFile(t, zipEntry{name: "xl/worksheets/sheet1.xml", data: make([]byte, 2<<20)}), sheet.DefaultLimits, sheet.FileError{Code: "file_zip_bomb"}},
		{"zip bomb: huge entry", zipFile(t, zipEntry{name: "xl/sharedStrings.xml", data: []byte("x"), declared: 201 << 20}), sheet.DefaultLimits, sheet.FileError{Code: "file_zip_bomb"}},
		{"zip bomb: huge total", zipFile(t,
			zipEntry{name: "a.xml", data: bytes.Repeat([]byte("x"), 2<<20), declared: 150 << 20},
			zipEntry{name: "b.xml", data: bytes.Repeat([]byte("x"), 2<<20), declared: 150 << 20},
			zipEntry{name: "c.xml", data: bytes.Repeat([]byte("x"), 2<<20), declared: 150 << 20}),
			sheet.Limits{MaxBytes: 20 << 20}, sheet.FileError{Code: "file_zip_bomb"}},
		{"zip bomb: many entries", manyEntries(t, 10_001), sheet.DefaultLimits, sheet.FileError{Code: "file_zip_bomb"}},
		{"formula in a data row", xlsxFile(t, [][]any{header, row, row}, func(f *excelize.File) {
			must(t, f.SetCellFormula("Sheet1", "C3", "C2*2"))
		}), sheet.DefaultLimits, sheet.FileError{Code: "file_formula", Line: 3, Column: "Doanh thu"}},
		{"formula beyond the header", xlsxFile(t, [][]any{header, row}, func(f *excelize.File) {
			must(t, f.SetCellFormula("Sheet1", "E2", "1+1"))
		}), sheet.DefaultLimits, sheet.FileError{Code: "file_formula", Line: 2, Column: "E"}},
		{"formula in the header", xlsxFile(t, [][]any{header, row}, func(f *excelize.File) {
			must(t, f.SetCellFormula("Sheet1", "B1", `"SĐT"`))
		}), sheet.DefaultLimits, sheet.FileError{Code: "file_formula", Line: 1, Column: "B"}},
		{"merged header", xlsxFile(t, [][]any{{nil}, {"Khách hàng", nil, "SĐT"}, row}, func(f *excelize.File) {
			must(t, f.MergeCell("Sheet1", "A2", "B2"))
		}), sheet.DefaultLimits, sheet.FileError{Code: "file_merged_header", Line: 2, Column: "A"}},
		{"header merged down", xlsxFile(t, [][]any{header, row}, func(f *excelize.File) {
			must(t, f.MergeCell("Sheet1", "C1", "C2"))
		}), sheet.DefaultLimits, sheet.FileError{Code: "file_merged_header", Line: 1, Column: "C"}},
		{"duplicate header csv", []byte("Tên,SĐT,tên\nAn,1,B\n"), sheet.DefaultLimits, sheet.FileError{Code: "file_merged_header", Line: 1, Column: "tên"}},
		{"duplicate header xlsx", xlsxFile(t, [][]any{{"Tên", " SĐT ", "SĐT"}}, nil), sheet.DefaultLimits, sheet.FileError{Code: "file_merged_header", Line: 1, Column: "SĐT"}},
		{"blank header among named", []byte("\n\nTên,,SĐT\nAn,x,1\n"), sheet.DefaultLimits, sheet.FileError{Code: "file_merged_header", Line: 3, Column: "B"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := sheet.Open(bytes.NewReader(c.file), int64(len(c.file)), c.lim)
			if err == nil {
				r.Close()
				t.Fatalf("Open accepted the file; want %s", c.want.Code)
			}
			var fe *sheet.FileError
			if !errors.As(err, &fe) || !errors.Is(err, sheet.ErrBadFile) {
				t.Fatalf("Open: %v (%T); want a FileError", err, err)
			}
			got := sheet.FileError{Code: fe.Code, Line: fe.Line, Column: fe.Column, Limit: fe.Limit}
			if got != c.want {
				t.Errorf("Open = %+v (%v); want %+v", got, err, c.want)
			}
		})
	}
}

func manyEntries(t testing.TB, n int) []byte {
	entries := make([]zipEntry, n)
	for i := range entries {
		entries[i] = zipEntry{name: "x/" + strconv.Itoa(i)}
	}
	return zipFile(t, entries...)
}

// TestFileErrorMessage checks the error's text, for logs, and that Is
// matches only ErrBadFile.
func TestFileErrorMessage(t *testing.T) {
	err := error(&sheet.FileError{Code: "file_formula", Line: 3, Column: "Doanh thu"})
	if got, want := err.Error(), `sheet: file_formula at line 3 column "Doanh thu"`; got != want {
		t.Errorf("Error() = %q; want %q", got, want)
	}
	if errors.Is(err, errors.New("other")) || !errors.Is(err, sheet.ErrBadFile) {
		t.Error("FileError should match ErrBadFile and nothing else")
	}
}
