package campaignexport_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/net/html"

	"tend/internal/campaignexport"
)

// The workbook holds the title, campaign, day, counts and filter on top,
// then the bold header and the members, joined dates as dd/mm/yyyy date
// cells in the workspace's zone.
func TestXLSX(t *testing.T) {
	data := render(t, "xlsx", header(), members()...)
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Thành viên")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Danh sách thành viên chiến dịch"},
		{"Chiến dịch", "Tri ân khách hàng Tết Ất Tỵ"},
		{"Ngày xuất", "25/11/2026 09:05"},
		{"Đăng ký", "5"}, {"Xác nhận", "3"}, {"Tham gia", "1"}, {"Hủy", "1"},
		{"Bộ lọc", "Trạng thái: Tham gia, Xác nhận; ngày tham gia 01/11/2026 – 30/11/2026"},
		nil,
		columnsVI,
	}
	for _, r := range memberCells {
		want = append(want, trimTrailing(r))
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d:\n%q", len(rows), len(want), rows)
	}
	for i := range want {
		if !slices.Equal(rows[i], want[i]) {
			t.Errorf("row %d = %q, want %q", i+1, rows[i], want[i])
		}
	}
	// A count is a number; the header row is bold; a joined date is a
	// date serial shown dd/mm/yyyy.
	if typ, _ := f.GetCellType("Thành viên", "B4"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("count cell B4 is of type %v", typ)
	}
	headStyle, _ := f.GetCellStyle("Thành viên", "B10")
	if st, _ := f.GetStyle(headStyle); st == nil || st.Font == nil || !st.Font.Bold {
		t.Errorf("the table's header is not bold")
	}
	if raw, _ := f.GetCellValue("Thành viên", "G11", excelize.Options{RawCellValue: true}); raw != "46346" {
		t.Errorf("joined on 20/11/2026 is stored as %q, want the serial 46346", raw)
	}
	dateStyle, _ := f.GetCellStyle("Thành viên", "G11")
	if st, _ := f.GetStyle(dateStyle); st == nil || st.CustomNumFmt == nil || *st.CustomNumFmt != "dd/mm/yyyy" {
		t.Errorf("joined date's style %+v", st)
	}
	panes, err := f.GetPanes("Thành viên")
	if err != nil || !panes.Freeze || panes.YSplit != 10 {
		t.Errorf("panes %+v (%v): want the rows down to the table's header frozen", panes, err)
	}
}

func trimTrailing(cells []string) []string {
	for len(cells) > 0 && cells[len(cells)-1] == "" {
		cells = cells[:len(cells)-1]
	}
	return cells
}

// The HTML page is a UTF-8 document whose table reads back as the members,
// with markup in a name shown as text, never run.
func TestHTML(t *testing.T) {
	data := render(t, "html", header(), members()...)
	doc, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if got := attr(find(doc, "meta")[0], "charset"); got != "utf-8" {
		t.Errorf("meta charset %q", got)
	}
	if got := text(find(doc, "h1")[0]); got != "Danh sách thành viên chiến dịch" {
		t.Errorf("h1 %q", got)
	}
	var ps []string
	for _, p := range find(doc, "p") {
		ps = append(ps, text(p))
	}
	wantP := []string{"Chiến dịch: Tri ân khách hàng Tết Ất Tỵ", "Ngày xuất: 25/11/2026 09:05",
		"Bộ lọc: Trạng thái: Tham gia, Xác nhận; ngày tham gia 01/11/2026 – 30/11/2026"}
	if !slices.Equal(ps, wantP) {
		t.Errorf("paragraphs %q, want %q", ps, wantP)
	}
	var counts []string
	for _, li := range find(doc, "li") {
		counts = append(counts, text(li))
	}
	if want := []string{"Đăng ký: 5", "Xác nhận: 3", "Tham gia: 1", "Hủy: 1"}; !slices.Equal(counts, want) {
		t.Errorf("counts %q, want %q", counts, want)
	}
	var head []string
	for _, th := range find(find(doc, "thead")[0], "th") {
		head = append(head, text(th))
	}
	if !slices.Equal(head, columnsVI) {
		t.Errorf("thead %q", head)
	}
	trs := find(find(doc, "tbody")[0], "tr")
	if len(trs) != len(memberCells) {
		t.Fatalf("%d rows, want %d", len(trs), len(memberCells))
	}
	for i, tr := range trs {
		var cells []string
		for _, td := range find(tr, "td") {
			cells = append(cells, text(td))
		}
		if !slices.Equal(cells, memberCells[i]) {
			t.Errorf("row %d = %q, want %q", i+1, cells, memberCells[i])
		}
	}
	if len(find(doc, "b")) != 0 || !bytes.Contains(data, []byte("&lt;b&gt;&amp;amp;&lt;/b&gt;")) {
		t.Errorf("a name's markup was not escaped")
	}
}

// find returns the elements named tag under n, in document order.
func find(n *html.Node, tag string) []*html.Node {
	var out []*html.Node
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && d.Data == tag {
			out = append(out, d)
		}
	}
	return out
}

func text(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return b.String()
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// The PDF carries the embedded font and, read back, the header and every
// member in Vietnamese, with the page number.
func TestPDF(t *testing.T) {
	data := render(t, "pdf", header(), members()...)
	checkPDFStructure(t, data, 1)
	pages, ok := pdfText(t, data)
	if !ok {
		return
	}
	if len(pages) != 1 {
		t.Fatalf("%d pages, want 1", len(pages))
	}
	text := oneSpace(pages[0])
	for _, want := range []string{
		"Danh sách thành viên chiến dịch", "Chiến dịch: Tri ân khách hàng Tết Ất Tỵ", "Ngày xuất: 25/11/2026 09:05",
		"Đăng ký: 5", "Xác nhận: 3", "Tham gia: 1", "Hủy: 1", "Bộ lọc: Trạng thái: Tham gia, Xác nhận",
		strings.Join(columnsVI, " "), "Trang 1/1",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF's text has no %q:\n%s", want, text)
		}
	}
	for _, row := range memberCells {
		if line := oneSpace(strings.Join(row, " ")); !strings.Contains(text, line) {
			t.Errorf("the PDF's text has no row %q:\n%s", line, text)
		}
	}
}

// A long table goes on over pages, each page with the table's header and
// its number out of the total; every member is printed once.
func TestPDFPages(t *testing.T) {
	var rows []campaignexport.Row
	for i := range 70 {
		rows = append(rows, campaignexport.Row{Code: fmt.Sprintf("KH%06d", i+1), Name: "Võ Thị Sáu " + fmt.Sprint(i+1), Status: "Đăng ký"})
	}
	data := render(t, "pdf", header(), rows...)
	checkPDFStructure(t, data, 3)
	pages, ok := pdfText(t, data)
	if !ok {
		return
	}
	if len(pages) != 3 {
		t.Fatalf("%d pages, want 3", len(pages))
	}
	seen := map[string]int{}
	code := regexp.MustCompile(`KH\d{6}`)
	for i, p := range pages {
		p = oneSpace(p)
		if !strings.Contains(p, strings.Join(columnsVI, " ")) {
			t.Errorf("page %d has no table header:\n%s", i+1, p)
		}
		if want := fmt.Sprintf("Trang %d/3", i+1); !strings.Contains(p, want) {
			t.Errorf("page %d has no %q:\n%s", i+1, want, p)
		}
		for _, c := range code.FindAllString(p, -1) {
			seen[c]++
		}
	}
	for _, r := range rows {
		if seen[r.Code] != 1 {
			t.Errorf("%s is printed %d times", r.Code, seen[r.Code])
		}
	}
}

// A cell too long for its column is cut with an ellipsis, not run into
// the next one.
func TestPDFCutsLongCells(t *testing.T) {
	long := strings.Repeat("Nguyễn ", 30) + "HẾT"
	data := render(t, "pdf", header(), campaignexport.Row{Code: "KH000009", Name: long, Status: "Hủy"})
	pages, ok := pdfText(t, data)
	if !ok {
		return
	}
	text := oneSpace(pages[0])
	if strings.Contains(text, "HẾT") || !strings.Contains(text, "Nguyễn Nguyễn") || !strings.Contains(text, "…") {
		t.Errorf("the long name was not cut with an ellipsis:\n%s", text)
	}
}

func checkPDFStructure(t *testing.T, data []byte, pages int) {
	t.Helper()
	for _, want := range []string{"%PDF-", "/FontFile2", "/ToUnicode", "%%EOF"} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("the PDF has no %s", want)
		}
	}
	if got := len(regexp.MustCompile(`/Type /Page\b`).FindAll(data, -1)); got != pages {
		t.Errorf("the PDF has %d pages, want %d", got, pages)
	}
}

func oneSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

// Column titles and captions follow the header's language.
func TestEnglishLabels(t *testing.T) {
	h := header()
	h.Lang = "en"
	data := render(t, "html", h, members()[0])
	for _, want := range []string{"<th>Joined on</th>", "<th>Owner</th>", "Campaign: <strong>", `<html lang="en">`} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("the English page has no %q", want)
		}
	}
	f, err := excelize.OpenReader(bytes.NewReader(render(t, "xlsx", h, members()[0])))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !slices.Equal(got, []string{"Members"}) {
		t.Errorf("the English workbook's sheets are %q", got)
	}
	if pages, ok := pdfText(t, render(t, "pdf", h, members()[0])); ok {
		if text := oneSpace(pages[0]); !strings.Contains(text, "Code Name Phone Email Owner Status Joined on") || !strings.Contains(text, "Page 1/1") {
			t.Errorf("the English PDF:\n%s", text)
		}
	}
}

func TestWriteRefusesAnUnknownFormat(t *testing.T) {
	for _, format := range []string{"", "csv", "XLSX", "pdf "} {
		err := campaignexport.Write(io.Discard, format, header(), campaignexport.RowsOf(), hcm)
		if !errors.Is(err, campaignexport.ErrFormat) {
			t.Errorf("format %q: %v, want ErrFormat", format, err)
		}
		if got := campaignexport.ContentType(format); got != "" {
			t.Errorf("ContentType(%q) = %q", format, got)
		}
	}
}

// failingRows yields one row, then fails.
type failingRows struct{ n int }

var errStore = errors.New("store is down")

func (f *failingRows) Next() (*campaignexport.Row, error) {
	f.n++
	if f.n == 1 {
		return &members()[0], nil
	}
	return nil, errStore
}

// A failure reading the rows stops the file and comes back to the caller.
func TestWritePassesOnARowsError(t *testing.T) {
	for _, format := range []string{"xlsx", "html", "pdf"} {
		err := campaignexport.Write(io.Discard, format, header(), &failingRows{}, hcm)
		if !errors.Is(err, errStore) {
			t.Errorf("%s: %v, want the rows' error", format, err)
		}
	}
}

// No member at all still makes a file with the header and an empty table.
func TestWriteWithoutMembers(t *testing.T) {
	for _, format := range []string{"xlsx", "html", "pdf"} {
		if data := render(t, format, header()); len(data) == 0 {
			t.Errorf("%s: empty file", format)
		}
	}
	data := render(t, "html", header())
	doc, err := html.Parse(bytes.NewReader(data))
	if err != nil || len(find(doc, "thead")) != 1 || len(find(doc, "td")) != 0 {
		t.Errorf("an empty export's page: %v\n%s", err, data)
	}
}

func TestContentType(t *testing.T) {
	for format, want := range map[string]string{
		"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		"html": "text/html; charset=utf-8",
		"pdf":  "application/pdf",
	} {
		if got := campaignexport.ContentType(format); got != want {
			t.Errorf("ContentType(%q) = %q, want %q", format, got, want)
		}
	}
}
