// Package campaignexport renders a campaign's member list for download:
// an Excel workbook, a printable HTML page or an A4 landscape PDF, each
// with the title, the campaign's name, its counts and the filter on top of
// the table of members. Rows are pulled one at a time, so a campaign of
// 50,000 members is never held in memory as rows (the PDF library keeps
// its drawn pages until it writes the file: see BenchmarkWrite50k).
//
// The package renders only: which members, in which order, with which
// labels is the caller's business.
package campaignexport

import (
	"errors"
	"fmt"
	"io"
	"time"
)

// Header is what is printed above the table.
type Header struct {
	Title        string    // e.g. "Danh sách thành viên chiến dịch"
	CampaignName string    //
	Generated    time.Time // when the file was made
	Counts       []Count   // e.g. {"Đăng ký", 5}, {"Xác nhận", 3}, {"Tham gia", 1}, {"Hủy", 1}
	Filter       string    // a line describing the filter (statuses, joined dates), may be ""
	Lang         string    // "vi" (the default) or "en": the language of the column titles and captions
}

// Count is one of the campaign's counts.
type Count struct {
	Label string
	N     int64
}

// Row is a member as printed. Status is the label to print.
type Row struct {
	Code, Name, Phone, Email, Owner, Status string
	JoinedAt                                *time.Time
}

// Rows yields rows one at a time (io.EOF at the end) so 50,000 members
// never sit in memory.
type Rows interface {
	Next() (*Row, error)
}

// ErrFormat is a format other than xlsx, html and pdf.
var ErrFormat = errors.New("campaignexport: unknown format")

// The formats.
const (
	XLSX = "xlsx"
	HTML = "html"
	PDF  = "pdf"
)

// Write renders the header and the rows to w in format "xlsx", "html" or
// "pdf"; dates are shown in loc. An error from rows stops the file and is
// returned wrapped: HTML, streamed as it goes, has then been written in
// part (a caller that has sent its status can only cut the answer short);
// xlsx and PDF write nothing to w before the last row.
func Write(w io.Writer, format string, h Header, rows Rows, loc *time.Location) error {
	if loc == nil {
		loc = time.UTC
	}
	var err error
	switch format {
	case XLSX:
		err = writeXLSX(w, h, rows, loc)
	case HTML:
		err = writeHTML(w, h, rows, loc)
	case PDF:
		err = writePDF(w, h, rows, loc)
	default:
		return fmt.Errorf("%w: %q", ErrFormat, format)
	}
	if err != nil {
		return fmt.Errorf("campaignexport: %s: %w", format, err)
	}
	return nil
}

// ContentType is the media type of a format, "" for an unknown one.
func ContentType(format string) string {
	switch format {
	case XLSX:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case HTML:
		return "text/html; charset=utf-8"
	case PDF:
		return "application/pdf"
	}
	return ""
}

// RowsOf yields the given rows: for small exports and tests.
func RowsOf(rows ...Row) Rows { return &sliceRows{rows: rows} }

type sliceRows struct{ rows []Row }

func (s *sliceRows) Next() (*Row, error) {
	if len(s.rows) == 0 {
		return nil, io.EOF
	}
	r := &s.rows[0]
	s.rows = s.rows[1:]
	return r, nil
}

// each calls fn for every row until io.EOF.
func each(rows Rows, fn func(*Row) error) error {
	for {
		r, err := rows.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("rows: %w", err)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
}

// labels are the captions and column titles, by language.
type labels struct {
	sheet, campaign, generated, filter, page string
	columns                                  [7]string
}

var captions = map[string]labels{
	"vi": {sheet: "Thành viên", campaign: "Chiến dịch", generated: "Ngày xuất", filter: "Bộ lọc", page: "Trang",
		columns: [7]string{"Mã", "Họ tên", "Điện thoại", "Email", "Người phụ trách", "Trạng thái", "Ngày tham gia"}},
	"en": {sheet: "Members", campaign: "Campaign", generated: "Generated", filter: "Filter", page: "Page",
		columns: [7]string{"Code", "Name", "Phone", "Email", "Owner", "Status", "Joined on"}},
}

func (h Header) labels() labels {
	if l, ok := captions[h.Lang]; ok {
		return l
	}
	return captions["vi"]
}

// cells are a row's texts in column order, the joined date as dd/mm/yyyy.
func (r *Row) cells(loc *time.Location) [7]string {
	return [7]string{r.Code, r.Name, r.Phone, r.Email, r.Owner, r.Status, joinedText(r.JoinedAt, loc)}
}

func joinedText(t *time.Time, loc *time.Location) string {
	if t == nil {
		return ""
	}
	return t.In(loc).Format(dateLayout)
}

const (
	dateLayout     = "02/01/2006"
	dateTimeLayout = "02/01/2006 15:04"
)
