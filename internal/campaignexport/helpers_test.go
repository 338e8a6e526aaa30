package campaignexport_test

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"tend/internal/campaignexport"
)

var hcm = mustZone("Asia/Ho_Chi_Minh")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func at(s string) *time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return &t
}

// header is a campaign's header as the seed would print it.
func header() campaignexport.Header {
	return campaignexport.Header{
		Title:        "Danh sách thành viên chiến dịch",
		CampaignName: "Tri ân khách hàng Tết Ất Tỵ",
		Generated:    time.Date(2026, 11, 25, 9, 5, 0, 0, hcm),
		Counts:       []campaignexport.Count{{"Đăng ký", 5}, {"Xác nhận", 3}, {"Tham gia", 1}, {"Hủy", 1}},
		Filter:       "Trạng thái: Tham gia, Xác nhận; ngày tham gia 01/11/2026 – 30/11/2026",
	}
}

// members are rows with Vietnamese names, a name that looks like markup,
// one not joined yet, and one who joined at 23:30 UTC, the next day in
// Hồ Chí Minh City.
func members() []campaignexport.Row {
	return []campaignexport.Row{
		{Code: "KH000001", Name: "Nguyễn Thị Ánh Tuyết", Phone: "0912345678", Email: "tuyet@example.vn", Owner: "Phạm Quỳnh Hương", Status: "Tham gia", JoinedAt: at("2026-11-20T03:00:00Z")},
		{Code: "KH000002", Name: "Trần Đức Thắng", Phone: "0987654321", Email: "", Owner: "Đỗ Mạnh Hùng", Status: "Xác nhận"},
		{Code: "KH000003", Name: `Lê Hoàng Yến <b>&amp;</b> "Vy"`, Phone: "0901234567", Email: "yen@example.vn", Owner: "Phạm Quỳnh Hương", Status: "Tham gia", JoinedAt: at("2026-11-25T23:30:00Z")},
	}
}

// memberCells are members() as the table shows them.
var memberCells = [][]string{
	{"KH000001", "Nguyễn Thị Ánh Tuyết", "0912345678", "tuyet@example.vn", "Phạm Quỳnh Hương", "Tham gia", "20/11/2026"},
	{"KH000002", "Trần Đức Thắng", "0987654321", "", "Đỗ Mạnh Hùng", "Xác nhận", ""},
	{"KH000003", `Lê Hoàng Yến <b>&amp;</b> "Vy"`, "0901234567", "yen@example.vn", "Phạm Quỳnh Hương", "Tham gia", "26/11/2026"},
}

var columnsVI = []string{"Mã", "Họ tên", "Điện thoại", "Email", "Người phụ trách", "Trạng thái", "Ngày tham gia"}

func render(t testing.TB, format string, h campaignexport.Header, rows ...campaignexport.Row) []byte {
	t.Helper()
	var out bytes.Buffer
	if err := campaignexport.Write(&out, format, h, campaignexport.RowsOf(rows...), hcm); err != nil {
		t.Fatalf("write %s: %v", format, err)
	}
	return out.Bytes()
}

// pdfText is the text of a PDF as pdftotext reads it, one string per page.
// Without pdftotext the test fails under CI=true, and elsewhere says what
// is missing and answers false: the caller then checks what it can
// without the text.
func pdfText(t *testing.T, data []byte) ([]string, bool) {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		const help = "pdftotext is not installed: run `make tools` or `apt-get install -y poppler-utils` to check the PDF's text"
		if os.Getenv("CI") == "true" {
			t.Fatal(help)
		}
		t.Log(help + "; checking the file's structure only")
		return nil, false
	}
	path := t.TempDir() + "/export.pdf"
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	pages := strings.Split(strings.TrimRight(string(out), "\f"), "\f")
	return pages, true
}
