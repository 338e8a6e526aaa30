package importing

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"tend/internal/domain"
	"tend/internal/workspace"
)

// Sheet names of the template.
const (
	templateSheet = "Khách hàng"
	guideSheet    = "Hướng dẫn"
	optionsSheet  = "Lựa chọn"
)

// templateRows are the rows a template's drop-down lists and text format
// cover.
const templateRows = 10001

// Template writes the workspace's import template [file mẫu]: a column per
// field the file may fill (Vietnamese labels, "(*)" on the required ones),
// an example row, a drop-down list on select and yes/no columns, every
// column formatted as text (so that Excel keeps a phone's leading zero and
// a date as written), and a sheet "Hướng dẫn" on how to write each value.
// The template is small: a normal excelize file, not a stream.
func Template(o *workspace.Org, w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", templateSheet); err != nil {
		return err
	}
	fields := Fields(o)
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, NumFmt: 49})
	if err != nil {
		return err
	}
	var lists [][]string // option lists too long for a formula, kept on a hidden sheet
	for i, fd := range fields {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColStyle(templateSheet, col, text); err != nil {
			return err
		}
		if err := f.SetColWidth(templateSheet, col, col, float64(min(max(len([]rune(fd.Label))+6, 14), 40))); err != nil {
			return err
		}
		if err := f.SetCellStr(templateSheet, col+"1", headerOf(fd)); err != nil {
			return err
		}
		if err := f.SetCellStr(templateSheet, col+"2", exampleOf(o, fd)); err != nil {
			return err
		}
		opts := dropDown(fd)
		if len(opts) == 0 {
			continue
		}
		dv := excelize.NewDataValidation(true)
		dv.SetSqref(fmt.Sprintf("%s2:%s%d", col, col, templateRows))
		if len(strings.Join(opts, ",")) <= 250 {
			err = dv.SetDropList(opts)
		} else {
			lists = append(lists, opts)
			listCol, _ := excelize.ColumnNumberToName(len(lists))
			dv.SetSqrefDropList(fmt.Sprintf("'%s'!$%s$1:$%s$%d", optionsSheet, listCol, listCol, len(opts)))
		}
		if err != nil {
			return err
		}
		if fd.Type == domain.TypeSelect {
			dv.SetError(excelize.DataValidationErrorStyleWarning, fd.Label, "Chọn một giá trị trong danh sách.")
		}
		if err := f.AddDataValidation(templateSheet, dv); err != nil {
			return err
		}
	}
	if err := f.SetRowStyle(templateSheet, 1, 1, bold); err != nil {
		return err
	}
	if err := f.SetPanes(templateSheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if len(lists) > 0 {
		if err := writeLists(f, lists); err != nil {
			return err
		}
	}
	if err := writeGuide(f, fields, bold); err != nil {
		return err
	}
	_, err = f.WriteTo(w)
	return err
}

// headerOf is a field's column header: its label, "(*)" when required.
func headerOf(f domain.FieldDef) string {
	if f.Required {
		return f.Label + " (*)"
	}
	return f.Label
}

// dropDown is the list a column offers: a select's options, yes/no.
func dropDown(f domain.FieldDef) []string {
	switch f.Type {
	case domain.TypeSelect:
		return f.Options
	case domain.TypeBoolean:
		return []string{"Có", "Không"}
	}
	return nil
}

func writeLists(f *excelize.File, lists [][]string) error {
	if _, err := f.NewSheet(optionsSheet); err != nil {
		return err
	}
	for i, opts := range lists {
		col, _ := excelize.ColumnNumberToName(i + 1)
		for j, o := range opts {
			if err := f.SetCellStr(optionsSheet, fmt.Sprintf("%s%d", col, j+1), o); err != nil {
				return err
			}
		}
	}
	return f.SetSheetVisible(optionsSheet, false)
}

// exampleOf is a value of a field as a filled template writes it.
func exampleOf(o *workspace.Org, f domain.FieldDef) string {
	switch f.Key {
	case domain.FieldName:
		return "Nguyễn Văn An"
	case domain.FieldPhone:
		return "0912 345 678"
	case domain.FieldEmail:
		return "nguyenvanan@example.com"
	case domain.FieldFax:
		return "024 3826 1234"
	case domain.FieldTaxCode:
		return "0101234567"
	case domain.FieldBusinessAddress, domain.FieldOfficeAddress:
		return "12 Tràng Tiền, Hoàn Kiếm, Hà Nội"
	case domain.FieldBirthday:
		return "20/12/1990"
	case domain.FieldFoundingDate:
		return "01/06/2015"
	case domain.FieldDescription:
		return "Khách quen, thích gọi buổi sáng"
	case domain.FieldSource:
		return "Hội chợ"
	case domain.FieldTags:
		return "vip, hà nội"
	case domain.FieldEmailOptOut, domain.FieldSMSOptOut:
		return "Không"
	}
	switch f.Type {
	case domain.TypeNumber:
		return "10"
	case domain.TypeMoney:
		return "1.500.000"
	case domain.TypeDate:
		return "15/03/2024"
	case domain.TypeDateTime:
		return "15/03/2024 09:30"
	case domain.TypeBoolean:
		return "Có"
	case domain.TypeSelect, domain.TypeMultiSelect:
		if len(f.Options) > 0 {
			return f.Options[0]
		}
	case domain.TypeUser:
		if len(o.Users) > 0 {
			return o.Users[0].Email
		}
	case domain.TypePhone:
		return "0987 654 321"
	case domain.TypeEmail:
		return "lienhe@example.com"
	}
	return ""
}

// formatOf says how to write a field's values.
func formatOf(f domain.FieldDef) string {
	switch f.Key {
	case domain.FieldPhone, domain.FieldFax:
		return "Số điện thoại Việt Nam (0912 345 678, +84 912 345 678; số cũ 11 số tự đổi sang đầu số mới)"
	case domain.FieldTags:
		return "Nhiều thẻ cách nhau bởi dấu phẩy"
	case domain.FieldTaxCode:
		return "10 hoặc 13 chữ số"
	}
	switch f.Type {
	case domain.TypeDate:
		return "Ngày dd/mm/yyyy (ví dụ 20/12/1990), hoặc ô ngày của Excel"
	case domain.TypeDateTime:
		return "dd/mm/yyyy hh:mm, theo múi giờ của không gian làm việc"
	case domain.TypeNumber:
		return "Số; dấu chấm hoặc phẩy ngăn cách hàng nghìn (1.234.567)"
	case domain.TypeMoney:
		return "Số tiền VND, số nguyên (1.500.000 hoặc 1500000 đ)"
	case domain.TypeBoolean:
		return "Có / Không"
	case domain.TypeSelect:
		return "Một trong các lựa chọn: " + strings.Join(f.Options, "; ")
	case domain.TypeMultiSelect:
		return "Một hoặc nhiều lựa chọn, cách nhau bởi dấu phẩy: " + strings.Join(f.Options, "; ")
	case domain.TypeUser:
		return "Email hoặc tên nhân viên"
	case domain.TypePhone:
		return "Số điện thoại"
	case domain.TypeEmail:
		return "Địa chỉ email"
	}
	return "Văn bản"
}

func writeGuide(f *excelize.File, fields []domain.FieldDef, bold int) error {
	if _, err := f.NewSheet(guideSheet); err != nil {
		return err
	}
	lines := [][]any{
		{"Cách nhập khách hàng từ tệp này"},
		{"1. Điền mỗi khách hàng một dòng trong sheet \"" + templateSheet + "\", từ dòng 2. Xóa dòng ví dụ trước khi nhập."},
		{"2. Cột có dấu (*) là bắt buộc. Ô để trống thì bỏ qua (khi cập nhật khách hàng trùng, giá trị cũ được giữ)."},
		{"3. Không dùng công thức và không gộp ô ở dòng tiêu đề. Tối đa 100.000 dòng, 20 MB."},
		{"4. Có thể dùng tệp của riêng bạn: tiêu đề cột được khớp theo tên trường, không phân biệt hoa thường hay dấu."},
		{"5. Dòng lỗi không được nhập; tải tệp lỗi (cột \"" + errorsColumn + "\"), sửa rồi nhập lại tệp đó."},
		{},
		{"Cột", "Mã trường", "Bắt buộc", "Cách ghi"},
	}
	for _, fd := range fields {
		req := ""
		if fd.Required {
			req = "Có"
		}
		lines = append(lines, []any{headerOf(fd), fd.Key, req, formatOf(fd)})
	}
	for i, l := range lines {
		if err := f.SetSheetRow(guideSheet, fmt.Sprintf("A%d", i+1), &l); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(guideSheet, "A", "A", 32); err != nil {
		return err
	}
	if err := f.SetColWidth(guideSheet, "D", "D", 80); err != nil {
		return err
	}
	for _, row := range []int{1, 8} {
		if err := f.SetRowStyle(guideSheet, row, row, bold); err != nil {
			return err
		}
	}
	return nil
}
