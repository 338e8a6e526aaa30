package localrun_test

import (
	"bytes"
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/net/html"
)

// memberWalk is the seed's walk, as an export shows it: five register
// through a signed form (two of them customers of a staff member already,
// found by the duplicate check), two are confirmed by hand, one joins by
// a key press at 00:30 on 01/12 in Hồ Chí Minh City (still 30/11 in UTC),
// one cancels; the exports are made on 01/12 at 09:00 there.
type memberWalk struct {
	*campaignRun
	staff *client
	rows  []memberRow // in the walk's order
}

// memberRow is a member as the files print it (status as a code: the
// files name it in their language).
type memberRow struct {
	id                                              string
	code, name, phone, email, owner, status, joined string
}

const (
	walkCampaign = "Hội thảo khách hàng 2026"
	staffName    = "Phạm Quỳnh Hương"
)

func newMemberWalk(t *testing.T) *memberWalk { return newMemberWalkOn(t, start(t, false)) }

// newMemberWalkOn walks the seed on a runner of the test's own.
func newMemberWalkOn(t *testing.T, s *system) *memberWalk {
	r := newCampaignRunOn(t, s)
	w := &memberWalk{campaignRun: r, staff: r.admin.user(staffName, "staff")}
	var src struct {
		ID     string `json:"id"`
		Secret string `json:"secret"`
	}
	r.admin.do("POST", "/v1/lead-sources", map[string]any{"name": "Form hội thảo", "campaign_id": r.id,
		"mapping": map[string]string{"name": "$.ho_ten", "phone": "$.sdt", "email": "$.email"}}).ok(201).into(&src)
	people := []struct {
		name, phone, email string
		staffs             bool
	}{
		{"Nguyễn Thị Ánh", "0912000001", "anh@khach.vn", true},
		{"Trần Đức Thắng", "0912000002", "thang@khach.vn", false},
		{"Lê Hoàng Yến", "0912000003", "yen@khach.vn", true},
		{"Đỗ Minh Tú", "0912000004", "", false},
		{"Hoàng Văn Bảo", "0912000005", "bao@khach.vn", false},
	}
	owners := map[string]string{"": "", r.admin.userID: "Admin Hội thảo", w.staff.userID: staffName}
	for _, p := range people {
		var had customer
		if p.staffs {
			had = r.admin.createCustomer(map[string]any{"name": p.name, "phone": p.phone, "email": p.email, "owner_id": w.staff.userID})
		}
		raw, _ := json.Marshal(map[string]string{"ho_ten": p.name, "sdt": p.phone, "email": p.email})
		acc := r.s.taken(r.admin, r.signed("/hooks/leads/"+src.ID, raw, src.Secret))
		if acc.DuplicateOf != had.ID {
			t.Fatalf("%s: the form found %q, want %q", p.name, acc.DuplicateOf, had.ID)
		}
		var cu customer
		r.admin.do("GET", "/v1/customers/"+acc.CustomerID, nil).ok(200).into(&cu)
		owner, ok := owners[cu.OwnerID]
		if !ok || cu.Name != p.name || cu.Code == "" {
			t.Fatalf("customer %+v", cu)
		}
		w.rows = append(w.rows, memberRow{id: cu.ID, code: cu.Code, name: p.name, phone: cu.Phone, email: p.email, owner: owner, status: "registered"})
	}
	for _, i := range []int{0, 1} {
		r.admin.do("PATCH", "/v1/campaigns/"+r.id+"/members/"+w.rows[i].id, map[string]any{"status": "confirmed"}).ok(200)
		w.rows[i].status = "confirmed"
	}
	r.s.setClock(time.Date(2026, 11, 30, 17, 30, 0, 0, time.UTC))
	r.press(people[2].phone, "2").ok(200)
	w.rows[2].status, w.rows[2].joined = "joined", "01/12/2026"
	r.admin.do("PATCH", "/v1/campaigns/"+r.id+"/members/"+w.rows[3].id, map[string]any{"status": "cancelled"}).ok(200)
	w.rows[3].status = "cancelled"
	if got := r.stats(); got != (campaignStats{5, 3, 1, 1}) {
		t.Fatalf("counts %+v, want 5/3/1/1", got)
	}
	r.s.setClock(time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC))
	return w
}

// fileWords are what the files print, by language.
type fileWords struct {
	title, sheet, campaign, generated, filter string
	columns                                   []string
	statuses                                  map[string]string
}

var exportWords = map[string]fileWords{
	"vi": {"Danh sách thành viên chiến dịch", "Thành viên", "Chiến dịch", "Ngày xuất", "Bộ lọc",
		[]string{"Mã", "Họ tên", "Điện thoại", "Email", "Người phụ trách", "Trạng thái", "Ngày tham gia"},
		map[string]string{"registered": "Đăng kí", "confirmed": "Xác nhận", "joined": "Tham gia", "cancelled": "Hủy"}},
	"en": {"Campaign members", "Members", "Campaign", "Generated", "Filter",
		[]string{"Code", "Name", "Phone", "Email", "Owner", "Status", "Joined on"},
		map[string]string{"registered": "Registered", "confirmed": "Confirmed", "joined": "Joined", "cancelled": "Cancelled"}},
}

// cells are a row as the table shows it in a language.
func (m memberRow) cells(lang string) []string {
	return []string{m.code, m.name, m.phone, m.email, m.owner, exportWords[lang].statuses[m.status], m.joined}
}

// exportCase is an export and what it must hold.
type exportCase struct {
	name    string
	who     *client
	lang    string
	query   string
	members []int  // the walk's members in the file, in customer-id order
	filter  string // the filter line, "" for none
}

// The seed's walk exported in all three formats, by status and by joined
// dates (days in the workspace's zone, "to" taking its whole day), by the
// admin and by a staff member who sees only their own customers: each
// file holds exactly the expected rows, in Vietnamese or English, under
// the campaign's counts, with the right media type and file name.
func TestCampaignExport(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext is not installed: run `make tools` (or apt-get install -y poppler-utils) to read the PDF export's text")
	}
	w := newMemberWalk(t)
	admin := w.admin
	for _, tc := range []exportCase{
		{"confirmed or joined", admin, "vi", "status=confirmed,joined", []int{0, 1, 2}, "Trạng thái: Xác nhận, Tham gia"},
		{"registered or cancelled, in English", admin, "en", "status=cancelled,registered", []int{3, 4}, "Status: Registered, Cancelled"},
		{"every member", admin, "vi", "", []int{0, 1, 2, 3, 4}, ""},
		{"joined on 01/12 in the workspace's zone", admin, "en", "from=2026-12-01&to=2026-12-01", []int{2},
			"joined from 01/12/2026 until 01/12/2026"},
		{"joined up to 30/11: no one (it was 30/11 only in UTC)", admin, "vi", "to=2026-11-30", nil, "ngày tham gia đến 30/11/2026"},
		{"joined from 01/11, status joined", admin, "vi", "status=joined&from=2026-11-01", []int{2}, "Trạng thái: Tham gia; ngày tham gia từ 01/11/2026"},
		{"the staff member's own", w.staff, "vi", "", []int{0, 2}, ""},
		{"the staff member's, confirmed or cancelled", w.staff, "en", "status=confirmed,cancelled", []int{0}, "Status: Confirmed, Cancelled"},
	} {
		for _, format := range []string{"xlsx", "html", "pdf"} {
			t.Run(tc.name+"/"+format, func(t *testing.T) {
				c := *tc.who
				c.lang = tc.lang
				path := "/v1/campaigns/" + w.id + "/export?format=" + format
				if tc.query != "" {
					path += "&" + tc.query
				}
				r := c.do("GET", path, nil).ok(200)
				w.checkHeaders(t, r, format)
				want := w.wantRows(tc)
				switch format {
				case "xlsx":
					w.checkXLSX(t, r.Body, tc, want)
				case "html":
					w.checkHTML(t, r.Body, tc, want)
				case "pdf":
					w.checkPDF(t, r.Body, tc, want)
				}
			})
		}
	}
	// Without a format, the file is a workbook.
	r := admin.do("GET", "/v1/campaigns/"+w.id+"/export", nil).ok(200)
	w.checkHeaders(t, r, "xlsx")
}

// wantRows are a case's rows as its language prints them, in customer-id
// order.
func (w *memberWalk) wantRows(tc exportCase) [][]string {
	var ms []memberRow
	for _, i := range tc.members {
		ms = append(ms, w.rows[i])
	}
	slices.SortFunc(ms, func(a, b memberRow) int { return strings.Compare(a.id, b.id) })
	var out [][]string
	for _, m := range ms {
		out = append(out, m.cells(tc.lang))
	}
	return out
}

// checkHeaders checks the answer's media type and its file name: the
// campaign's and the workspace's day, in ASCII and in UTF-8.
func (w *memberWalk) checkHeaders(t *testing.T, r *reply, format string) {
	t.Helper()
	types := map[string]string{"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		"html": "text/html; charset=utf-8", "pdf": "application/pdf"}
	if got := r.Header.Get("Content-Type"); got != types[format] {
		t.Errorf("Content-Type %q, want %q", got, types[format])
	}
	name := walkCampaign + " - 2026-12-01." + format
	want := `attachment; filename="hoi-thao-khach-hang-2026-2026-12-01.` + format + `"; filename*=UTF-8''` + url.PathEscape(name)
	if got := r.Header.Get("Content-Disposition"); got != want {
		t.Errorf("Content-Disposition %q, want %q", got, want)
	}
}

// top is what a file prints above the table, label and value.
func (w *memberWalk) top(tc exportCase) [][]string {
	words := exportWords[tc.lang]
	out := [][]string{{words.title}, {words.campaign, walkCampaign}, {words.generated, "01/12/2026 09:00"}}
	for i, st := range []string{"registered", "confirmed", "joined", "cancelled"} {
		out = append(out, []string{words.statuses[st], []string{"5", "3", "1", "1"}[i]})
	}
	if tc.filter != "" {
		out = append(out, []string{words.filter, tc.filter})
	}
	return out
}

func (w *memberWalk) checkXLSX(t *testing.T, data []byte, tc exportCase, want [][]string) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(exportWords[tc.lang].sheet)
	if err != nil {
		t.Fatal(err)
	}
	wantAll := append(w.top(tc), nil, exportWords[tc.lang].columns)
	for _, r := range want {
		wantAll = append(wantAll, withoutTrailingBlanks(r))
	}
	if len(rows) != len(wantAll) {
		t.Fatalf("%d rows, want %d:\n got %q\nwant %q", len(rows), len(wantAll), rows, wantAll)
	}
	for i := range wantAll {
		if !slices.Equal(rows[i], wantAll[i]) {
			t.Errorf("row %d = %q, want %q", i+1, rows[i], wantAll[i])
		}
	}
}

func withoutTrailingBlanks(cells []string) []string {
	for len(cells) > 0 && cells[len(cells)-1] == "" {
		cells = cells[:len(cells)-1]
	}
	return cells
}

func (w *memberWalk) checkHTML(t *testing.T, data []byte, tc exportCase, want [][]string) {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	top := w.top(tc)
	var got []string
	for _, tag := range []string{"h1", "p", "li"} {
		for _, n := range elements(doc, tag) {
			got = append(got, nodeText(n))
		}
	}
	// The page's order: the title, the campaign, the day, [the filter], then the counts.
	wantTop := []string{top[0][0], top[1][0] + ": " + top[1][1], top[2][0] + ": " + top[2][1]}
	if tc.filter != "" {
		wantTop = append(wantTop, top[7][0]+": "+top[7][1])
	}
	for _, c := range top[3:7] {
		wantTop = append(wantTop, c[0]+": "+c[1])
	}
	if !slices.Equal(got, wantTop) {
		t.Errorf("above the table %q, want %q", got, wantTop)
	}
	var head []string
	for _, th := range elements(doc, "th") {
		head = append(head, nodeText(th))
	}
	if !slices.Equal(head, exportWords[tc.lang].columns) {
		t.Errorf("columns %q", head)
	}
	var rows [][]string
	for _, tr := range elements(elements(doc, "tbody")[0], "tr") {
		var cells []string
		for _, td := range elements(tr, "td") {
			cells = append(cells, nodeText(td))
		}
		rows = append(rows, cells)
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows %q, want %q", len(rows), rows, want)
	}
	for i := range want {
		if !slices.Equal(rows[i], want[i]) {
			t.Errorf("row %d = %q, want %q", i+1, rows[i], want[i])
		}
	}
}

func elements(n *html.Node, tag string) []*html.Node {
	var out []*html.Node
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && d.Data == tag {
			out = append(out, d)
		}
	}
	return out
}

func nodeText(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return b.String()
}

// checkPDF reads the PDF's text: the header's lines, and one line per
// expected member holding its cells in order; no other member's name.
func (w *memberWalk) checkPDF(t *testing.T, data []byte, tc exportCase, want [][]string) {
	t.Helper()
	path := t.TempDir() + "/export.pdf"
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	text := string(out)
	for _, line := range w.top(tc) {
		if s := strings.Join(line, ": "); !strings.Contains(text, s) {
			t.Errorf("the PDF lacks %q:\n%s", s, text)
		}
	}
	if !slices.ContainsFunc(slices.Collect(strings.Lines(text)), func(l string) bool { return inOrder(l, exportWords[tc.lang].columns) }) {
		t.Errorf("the PDF lacks the columns' titles:\n%s", text)
	}
	var rows []string
	for line := range strings.Lines(text) {
		for _, m := range w.rows {
			if strings.Contains(line, m.name) {
				rows = append(rows, line)
			}
		}
	}
	if len(rows) != len(want) {
		t.Fatalf("%d member lines, want %d:\n%s", len(rows), len(want), text)
	}
	for i, cells := range want {
		if !inOrder(rows[i], cells) {
			t.Errorf("member line %d %q, want %q in this order", i+1, rows[i], cells)
		}
	}
}

// inOrder reports whether line holds the cells one after the other.
func inOrder(line string, cells []string) bool {
	for _, cell := range cells {
		at := strings.Index(line, cell)
		if at < 0 {
			return false
		}
		line = line[at+len(cell):]
	}
	return true
}

// A bad query is refused before any byte of a file, as problem+json naming
// the parameter, in Vietnamese and English; another workspace's campaign,
// or none, is not found.
func TestCampaignExportRefusesBadQueries(t *testing.T) {
	r := newCampaignRun(t)
	for _, tc := range []struct {
		query, path, code, vi, en string
	}{
		{"format=docx", "format", "invalid_export_format",
			`Không xuất được định dạng "docx": chọn xlsx, html hoặc pdf.`, `"docx" is not an export format: use xlsx, html or pdf.`},
		{"status=joined,won", "status", "invalid_member_status",
			`"won" không phải là trạng thái trong chiến dịch: chọn registered, confirmed, joined hoặc cancelled.`,
			`"won" is not a campaign member status: use registered, confirmed, joined or cancelled.`},
		{"from=2026-02-30", "from", "invalid_date", "Ngày không hợp lệ (định dạng YYYY-MM-DD).", "Not a valid date (YYYY-MM-DD)."},
		{"format=pdf&to=30/11/2026", "to", "invalid_date", "Ngày không hợp lệ (định dạng YYYY-MM-DD).", "Not a valid date (YYYY-MM-DD)."},
		{"from=2026-12-01&to=2026-11-30", "from", "range_reversed",
			"Giá trị đầu phải nhỏ hơn hoặc bằng giá trị sau.", "The first value must not be greater than the second."},
	} {
		for lang, want := range map[string]string{"vi": tc.vi, "en": tc.en} {
			c := *r.admin
			c.lang = lang
			p := c.do("GET", "/v1/campaigns/"+r.id+"/export?"+tc.query, nil).problem(422)
			hasError(t, p, tc.path, tc.code)
			if len(p.Errors) != 1 || p.Errors[0].Message != want {
				t.Errorf("%s in %s: %+v, want one error %q", tc.query, lang, p.Errors, want)
			}
		}
	}
	r.admin.do("GET", "/v1/campaigns/cmp_nope/export", nil).problem(404)
	other, _ := r.s.workspace("Công ty khác")
	other.do("GET", "/v1/campaigns/"+r.id+"/export?format=pdf", nil).problem(404)
}
