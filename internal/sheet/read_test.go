package sheet_test

import (
	"bytes"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"

	"tend/internal/sheet"
)

func TestRead(t *testing.T) {
	type row = sheet.Row
	cases := []struct {
		name   string
		file   []byte
		header []string
		rows   []row
	}{
		{
			name:   "utf-8 with BOM and ;",
			file:   []byte("\xEF\xBB\xBFHọ và tên;Số điện thoại;Tiền\r\nNguyễn Văn Ánh;0912 345 678;1.500.000,5\r\n"),
			header: []string{"Họ và tên", "Số điện thoại", "Tiền"},
			rows:   []row{{Line: 2, Cells: []string{"Nguyễn Văn Ánh", "0912 345 678", "1.500.000,5"}}},
		},
		{
			name:   "utf-8 without BOM, commas in quotes",
			file:   []byte("Tên,Ghi chú\nAn,\"một, hai; ba\"\n"),
			header: []string{"Tên", "Ghi chú"},
			rows:   []row{{Line: 2, Cells: []string{"An", "một, hai; ba"}}},
		},
		{
			name:   "utf-16 LE with tabs, as Excel saves Unicode text",
			file:   utf16File("Họ và tên\tSĐT\r\nĐặng Thị Ổi\t0912345678\r\n\"Lê, Văn\"\t\r\n", false),
			header: []string{"Họ và tên", "SĐT"},
			rows: []row{
				{Line: 2, Cells: []string{"Đặng Thị Ổi", "0912345678"}},
				{Line: 3, Cells: []string{"Lê, Văn", ""}},
			},
		},
		{
			name:   "utf-16 BE",
			file:   utf16File("Tên\tSĐT\n😀 An\t1\n", true),
			header: []string{"Tên", "SĐT"},
			rows:   []row{{Line: 2, Cells: []string{"😀 An", "1"}}},
		},
		{
			name:   "quoted line breaks and blank lines keep Excel's row numbers",
			file:   []byte("\r\nTên,Địa chỉ\r\n\"An\",\"12 Lê Lợi\r\nQuận 1\r\nTP HCM\"\r\n\r\n,\r\nBình,\"Hà Nội\"\r\n"),
			header: []string{"Tên", "Địa chỉ"},
			rows: []row{
				{Line: 3, Cells: []string{"An", "12 Lê Lợi\nQuận 1\nTP HCM"}},
				{Line: 6, Cells: []string{"Bình", "Hà Nội"}},
			},
		},
		{
			name:   "short rows padded, long rows cut, cells and header trimmed",
			file:   []byte(" Tên , SĐT ,\nAn\n Bình , 1 , extra, more\n"),
			header: []string{"Tên", "SĐT"},
			rows: []row{
				{Line: 2, Cells: []string{"An", ""}},
				{Line: 3, Cells: []string{"Bình", "1"}},
			},
		},
		{
			name:   "a bare quote is kept, guarded values unguarded",
			file:   []byte("Tên,Màn hình,Công thức\nAn,15\" LCD,'=1+2\nBình,x,'-5\n"),
			header: []string{"Tên", "Màn hình", "Công thức"},
			rows: []row{
				{Line: 2, Cells: []string{"An", "15\" LCD", "=1+2"}},
				{Line: 3, Cells: []string{"Bình", "x", "-5"}},
			},
		},
		{
			name:   "a single column",
			file:   []byte("SĐT\n0912345678\n"),
			header: []string{"SĐT"},
			rows:   []row{{Line: 2, Cells: []string{"0912345678"}}},
		},
		{
			name:   "a header only",
			file:   []byte("Tên,SĐT\r\n"),
			header: []string{"Tên", "SĐT"},
			rows:   nil,
		},
		{
			name: "xlsx: raw values, row gaps, values beyond the header left out",
			file: xlsxFile(t, [][]any{
				{nil}, {" Tên ", "Ngày sinh", "Tiền", "VIP"},
				{"An", nil, 1500000.5, true, "note"},
			}, func(f *excelize.File) {
				must(t, f.SetCellValue("Sheet1", "A6", "Bình"))
				must(t, f.SetCellValue("Sheet1", "B6", 45335))
				style, err := f.NewStyle(&excelize.Style{NumFmt: 14})
				must(t, err)
				must(t, f.SetCellStyle("Sheet1", "B6", "B6", style))
				must(t, f.SetCellValue("Sheet1", "D6", false))
			}),
			header: []string{"Tên", "Ngày sinh", "Tiền", "VIP"},
			rows: []row{
				{Line: 3, Cells: []string{"An", "", "1500000.5", "1"}},
				{Line: 6, Cells: []string{"Bình", "45335", "", "0"}},
			},
		},
		{
			name: "xlsx: the first visible sheet",
			file: xlsxFile(t, [][]any{{"Ẩn"}, {"hidden"}}, func(f *excelize.File) {
				i, err := f.NewSheet("Khách hàng")
				must(t, err)
				f.SetActiveSheet(i)
				must(t, f.SetSheetRow("Khách hàng", "A1", &[]any{"Tên"}))
				must(t, f.SetSheetRow("Khách hàng", "A2", &[]any{"An"}))
				must(t, f.SetSheetVisible("Sheet1", false))
			}),
			header: []string{"Tên"},
			rows:   []row{{Line: 2, Cells: []string{"An"}}},
		},
		{
			name: "xlsx: a merged cell below the header is no matter",
			file: xlsxFile(t, [][]any{{"Tên", "Ghi chú"}, {"An", "x"}}, func(f *excelize.File) {
				must(t, f.MergeCell("Sheet1", "B2", "C3"))
			}),
			header: []string{"Tên", "Ghi chú"},
			rows:   []row{{Line: 2, Cells: []string{"An", "x"}}},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			header, rows := readAll(t, c.file)
			if !slices.Equal(header, c.header) {
				t.Errorf("header = %q; want %q", header, c.header)
			}
			if len(rows) != len(c.rows) {
				t.Fatalf("rows = %v; want %v", rows, c.rows)
			}
			for i := range rows {
				if rows[i].Line != c.rows[i].Line || !slices.Equal(rows[i].Cells, c.rows[i].Cells) {
					t.Errorf("row %d = %d %q; want %d %q", i, rows[i].Line, rows[i].Cells, c.rows[i].Line, c.rows[i].Cells)
				}
			}
		})
	}
}

// TestTotal checks the count of data rows known when the file is opened.
func TestTotal(t *testing.T) {
	files := map[string][]byte{
		"csv":  []byte("Tên\n\nAn\n,\nBình\n"),
		"xlsx": xlsxFile(t, [][]any{{"Tên"}, {"An"}, {nil}, {"Bình"}}, nil),
	}
	for name, b := range files {
		r, err := sheet.Open(bytes.NewReader(b), int64(len(b)), sheet.DefaultLimits)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if r.Total() != 2 {
			t.Errorf("%s: Total() = %d; want 2", name, r.Total())
		}
		r.Close()
	}
}
