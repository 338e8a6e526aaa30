package sheet

import (
	"archive/zip"
	"io"

	"github.com/xuri/excelize/v2"
)

// xlsxSource reads the rows of a worksheet with excelize's streaming row
// iterator.
type xlsxSource struct {
	f    *excelize.File
	rows *excelize.Rows
	line int
}

// openXLSX checks an xlsx (zip bomb, formulas, merged cells, row count)
// before excelize unpacks it, then opens its first visible worksheet.
func openXLSX(r io.ReaderAt, size int64, lim Limits) (source, scanResult, error) {
	var scan scanResult
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, scan, fileError(CodeNotSpreadsheet, "zip: "+err.Error())
	}
	if err := checkZip(zr); err != nil {
		return nil, scan, err
	}
	name, part, err := firstVisibleSheet(zr)
	if err != nil {
		return nil, scan, err
	}
	if scan, err = scanWorksheet(part); err != nil {
		return nil, scan, err
	}
	f, err := excelize.OpenReader(io.NewSectionReader(r, 0, size), excelize.Options{
		RawCellValue:   true,
		UnzipSizeLimit: maxTotalUnpacked,
	})
	if err != nil {
		if f != nil {
			_ = f.Close()
		}
		return nil, scan, fileError(CodeNotSpreadsheet, "excelize: "+err.Error())
	}
	rows, err := f.Rows(name)
	if err != nil {
		_ = f.Close()
		return nil, scan, fileError(CodeNotSpreadsheet, "excelize rows: "+err.Error())
	}
	return &xlsxSource{f: f, rows: rows}, scan, nil
}

// next returns the next row. The iterator stops at every row number,
// gaps included (with no cells), so the row is the count of steps.
func (s *xlsxSource) next() (int, []string, error) {
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			return 0, nil, &FileError{Code: CodeNotSpreadsheet, Line: s.line + 1, Reason: err.Error()}
		}
		return 0, nil, io.EOF
	}
	s.line++
	cells, err := s.rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return 0, nil, &FileError{Code: CodeNotSpreadsheet, Line: s.line, Reason: err.Error()}
	}
	return s.line, cells, nil
}

func (s *xlsxSource) close() error {
	err := s.rows.Close()
	if ferr := s.f.Close(); err == nil {
		err = ferr
	}
	return err
}
