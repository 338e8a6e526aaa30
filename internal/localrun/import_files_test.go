package localrun_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// excelFile builds an .xlsx with excelize, edited by edit.
func excelFile(t *testing.T, rows [][]any, edit func(f *excelize.File)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if edit != nil {
		edit(f)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A file that isn't a spreadsheet Tend can read safely is refused at
// once, with a message saying what to do, in the caller's language; never
// a crash.
func TestImportBadFiles(t *testing.T) {
	s := start(t, false)
	admin, _ := s.workspace("Công ty Tệp Lỗi")
	var bomb bytes.Buffer
	zw := zip.NewWriter(&bomb)
	w, _ := zw.Create("xl/worksheets/sheet1.xml")
	w.Write(make([]byte, 4<<20)) // 4 MiB of zeros in a few KB
	zw.Close()
	var wide, long strings.Builder
	for i := range 201 {
		fmt.Fprintf(&wide, "Cột %d,", i)
	}
	long.WriteString("Họ và tên\n")
	for i := range 100_001 {
		fmt.Fprintf(&long, "K%d\n", i)
	}
	tests := []struct {
		name   string
		file   []byte
		code   string
		vi, en string
	}{
		{"empty", []byte("\n\n"), "file_empty", "Tệp không có dòng tiêu đề: tệp trống.", "The file has no header row: it is empty."},
		{"pdf", []byte("%PDF-1.7\n\xff\xfe\x00\x01binary"), "file_not_spreadsheet", "Tệp không phải bảng tính .xlsx hay .csv (tệp .csv cần mã hóa UTF-8: trong Excel, lưu dạng “CSV UTF-8”).", "The file is not an .xlsx or .csv spreadsheet (a .csv must be UTF-8: in Excel, save as “CSV UTF-8”)."},
		{"xls", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...), "file_xls_or_encrypted",
			"Tệp là .xls cũ hoặc có mật khẩu; hãy mở trong Excel và lưu lại thành .xlsx không mật khẩu.",
			"The file is an old .xls or password-protected; open it in Excel and save it as .xlsx without a password."},
		{"zip bomb", bomb.Bytes(), "file_zip_bomb", "Tệp .xlsx bị nén bất thường nên không thể mở an toàn; hãy lưu lại bằng Excel.",
			"The .xlsx file is compressed abnormally and can't be opened safely; save it again with Excel."},
		{"formula", excelFile(t, [][]any{{"Họ và tên", "Doanh số"}, {"An", 5}}, func(f *excelize.File) { f.SetCellFormula("Sheet1", "B2", "=1+1") }),
			"file_formula", "Tệp có công thức (dòng 2, cột Doanh số); hãy sao chép và dán dạng giá trị rồi lưu lại.",
			"The file holds a formula (row 2, column Doanh số); copy and paste it as values, then save it again."},
		{"merged header", excelFile(t, [][]any{{"Họ và tên", "", "SĐT"}, {"An", "", "0912"}}, func(f *excelize.File) { f.MergeCell("Sheet1", "A1", "B1") }),
			"file_merged_header", "", ""},
		{"repeated header", []byte("Họ và tên,SĐT,Họ và tên\nAn,0912,An\n"), "file_merged_header",
			"Dòng tiêu đề có ô gộp hoặc tên cột trống hay trùng (cột Họ và tên); mỗi cột cần một tên riêng.",
			"The header row has merged cells or a blank or repeated column name (column Họ và tên); each column needs a name of its own."},
		{"too wide", []byte(wide.String() + "\n"), "file_too_many_columns", "Tệp có quá nhiều cột (tối đa 200).", "The file has too many columns (at most 200)."},
		{"too long", []byte(long.String()), "file_too_many_rows", "Tệp có quá nhiều dòng (tối đa 100000); hãy chia thành nhiều tệp.",
			"The file has too many rows (at most 100000); split it into several files."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, lang := range []string{"vi", "en"} {
				c := *admin
				c.lang = lang
				for _, path := range []string{"/v1/imports", "/v1/imports/preview"} {
					p := c.postFile(path, tc.name, tc.file, nil).problem(422)
					hasError(t, p, "file", tc.code)
					if want := map[string]string{"vi": tc.vi, "en": tc.en}[lang]; want != "" && p.Errors[0].Message != want {
						t.Fatalf("%s %s: %q, want %q", path, lang, p.Errors[0].Message, want)
					}
				}
			}
		})
	}
	// Over 20 MB: refused before it is read.
	big := bytes.Repeat([]byte("Họ và tên,Khách rất dài\n"), (22<<20)/24)
	admin.postFile("/v1/imports", "big.csv", big, nil).problem(413)
	var page struct {
		Items []importJob `json:"items"`
	}
	admin.do("GET", "/v1/imports", nil).ok(200).into(&page)
	if len(page.Items) != 0 {
		t.Fatalf("refused files made imports: %+v", page.Items)
	}
}

// The template has a column per field a file may fill, the required ones
// marked, an example row, drop-down lists on select and yes/no columns
// and a guide; filled in, it imports.
func TestImportTemplate(t *testing.T) {
	s := start(t, false)
	admin, _ := s.workspace("Công ty Mẫu")
	admin.create("/v1/fields", map[string]any{"key": "hang_the", "label": "Hạng thẻ", "type": "select", "options": []string{"Vàng", "Bạc"}, "required": true})
	admin.create("/v1/fields", map[string]any{"key": "ngay_mua", "label": "Ngày mua", "type": "date"})
	r := admin.do("GET", "/v1/imports/template.xlsx", nil).ok(200)
	if cd := r.Header.Get("Content-Disposition"); !strings.Contains(cd, "mau-nhap-khach-hang.xlsx") {
		t.Fatalf("Content-Disposition %q", cd)
	}
	header, rows := readSheet(t, r.Body)
	want := []string{"Tên khách hàng (*)", "Số điện thoại", "Email", "Số fax", "Mã số thuế", "Địa chỉ đăng ký kinh doanh", "Địa chỉ văn phòng",
		"Sinh nhật", "Ngày thành lập", "Mô tả", "Nguồn", "Thẻ", "Từ chối email", "Từ chối SMS", "Hạng thẻ (*)", "Ngày mua"}
	if !slices.Equal(header, want) || len(rows) != 1 || rows[0][0] != "Nguyễn Văn An" || rows[0][14] != "Vàng" || rows[0][15] != "15/03/2024" {
		t.Fatalf("template %q, rows %q", header, rows)
	}
	f, err := excelize.OpenReader(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	dvs, _ := f.GetDataValidations("Khách hàng")
	lists := map[string]string{}
	for _, dv := range dvs {
		lists[dv.Sqref] = dv.Formula1
	}
	if lists["O2:O10001"] != `"Vàng,Bạc"` || lists["M2:M10001"] != `"Có,Không"` {
		t.Fatalf("drop-down lists %q", lists)
	}
	guide, _ := f.GetRows("Hướng dẫn")
	if len(guide) < 10 || !slices.ContainsFunc(guide, func(r []string) bool { return len(r) > 3 && r[1] == "ngay_mua" && strings.Contains(r[3], "dd/mm/yyyy") }) {
		t.Fatalf("guide %q", guide)
	}
	f.Close()

	// Filled in (the example row replaced), it imports.
	filled := make([][]any, 2)
	for i, name := range []string{"Lý Thị Mai", "Võ Văn Tâm"} {
		row := make([]any, len(header))
		for c := range row {
			row[c] = ""
		}
		row[0], row[1], row[7], row[12], row[14], row[15] = name, fmt.Sprintf("0916 000 00%d", i), "01/02/1985", "có", "bac", "20/11/2026"
		filled[i] = row
	}
	id := admin.startImport("mau.xlsx", xlsxFile(t, header, filled), nil)
	s.drain()
	if j := admin.importJob(id); j.Imported != 2 || len(j.Errors) != 0 {
		t.Fatalf("%+v", j)
	}
	for _, cu := range admin.list("?limit=10").Items {
		var full map[string]any
		admin.do("GET", "/v1/customers/"+cu.ID, nil).ok(200).into(&full)
		if full["birthday"] != "1985-02-01" || full["email_opt_out"] != true || cu.Fields["hang_the"] != "Bạc" || cu.Fields["ngay_mua"] != "2026-11-20" {
			t.Fatalf("imported %v", full)
		}
	}
}

// A preview shows each column's field (an explicit mapping winning), the
// columns left out, and the first rows as they would be imported; a bad
// mapping is refused with its paths.
func TestImportPreview(t *testing.T) {
	s := start(t, false)
	admin, _ := s.workspace("Công ty Xem Trước")
	file := []byte("Khách,Di động,Ngày sinh,Cột lạ,Lỗi\nTrần An,0168 765 4321,20/12/1990,x,cũ\nLê Bình,12,31/02/1990,y,cũ\n")
	var p struct {
		Mapping  map[string]*string `json:"mapping"`
		Unmapped []string           `json:"unmapped"`
		Rows     []struct {
			Row    int            `json:"row"`
			Values map[string]any `json:"values"`
			Errors []rowError     `json:"errors"`
		} `json:"rows"`
		Errors []rowError `json:"errors"`
	}
	admin.postFile("/v1/imports/preview", "x.csv", file, map[string]string{"mapping": `{"Khách":"name","Cột lạ":null}`}).ok(200).into(&p)
	field := func(h string) string {
		if p.Mapping[h] == nil {
			return ""
		}
		return *p.Mapping[h]
	}
	if field("Khách") != "name" || field("Di động") != "phone" || field("Ngày sinh") != "birthday" || !slices.Equal(p.Unmapped, []string{"Cột lạ", "Lỗi"}) {
		t.Fatalf("mapping %v, unmapped %v", p.Mapping, p.Unmapped)
	}
	if len(p.Rows) != 2 || p.Rows[0].Values["phone"] != "+84387654321" || p.Rows[0].Values["birthday"] != "1990-12-20" || len(p.Rows[0].Errors) != 0 {
		t.Fatalf("row 2: %+v", p.Rows[0])
	}
	wantErrs := []rowError{{3, "birthday", "Ngày sinh", "cell_not_a_date", `"31/02/1990" không phải là ngày (ghi dd/mm/yyyy, ví dụ 20/12/1990).`},
		{3, "phone", "Di động", "invalid_phone", "Số điện thoại không hợp lệ."}}
	if !slices.Equal(p.Rows[1].Errors, wantErrs) || !slices.Equal(p.Errors, wantErrs) || p.Rows[1].Values["phone"] != "12" {
		t.Fatalf("row 3: %+v; errors %+v", p.Rows[1], p.Errors)
	}
	for _, tc := range []struct {
		mapping, path, code string
	}{
		{`{"Không có":"name"}`, `mapping["Không có"]`, "unknown_column"},
		{`{"Cột lạ":"khong_co"}`, `mapping["Cột lạ"]`, "unknown_field"},
		{`{"Cột lạ":"phone"}`, `mapping["Cột lạ"]`, "field_mapped_twice"},
		{`{"Khách":null}`, "mapping", "required_field_not_mapped"},
		{`["name"]`, "mapping", "expected_object"},
	} {
		prob := admin.postFile("/v1/imports/preview", "x.csv", file, map[string]string{"mapping": tc.mapping}).problem(422)
		hasError(t, prob, tc.path, tc.code)
		prob = admin.postFile("/v1/imports", "x.csv", file, map[string]string{"mapping": tc.mapping}).problem(422)
		hasError(t, prob, tc.path, tc.code)
	}
}
