package localrun_test

import (
	"bytes"
	"mime"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/net/html"

	"tend/internal/localrun"
)

// exportJob asks for a campaign export that must become a job (202), and
// returns the queued job.
func (w *memberWalk) exportJob(t *testing.T, c *client, format, query string) exportJob {
	t.Helper()
	path := "/v1/campaigns/" + w.id + "/export?format=" + format
	if query != "" {
		path += "&" + query
	}
	var j exportJob
	r := c.do("GET", path, nil).ok(202).into(&j)
	if j.Status != "queued" || j.Format != format || j.URL != "" || r.Header.Get("Location") != "/v1/exports/"+j.ID {
		t.Fatalf("queued job %+v, Location %q", j, r.Header.Get("Location"))
	}
	return j
}

// jobFile reads a finished job as c, checks it holds rows members, and
// downloads its file through its link: named and typed as the export
// answered at once would be.
func (w *memberWalk) jobFile(t *testing.T, c *client, id, format string, rows int) []byte {
	t.Helper()
	var j exportJob
	c.do("GET", "/v1/exports/"+id, nil).ok(200).into(&j)
	if j.Status != "done" || j.Rows != rows || j.URL == "" || j.ExpiresAt == nil || j.Error != "" {
		t.Fatalf("finished job %+v, want done with %d rows", j, rows)
	}
	resp, err := http.Get(j.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body bytes.Buffer
	if _, err := body.ReadFrom(resp.Body); err != nil || resp.StatusCode != 200 {
		t.Fatalf("download: %d %v", resp.StatusCode, err)
	}
	types := map[string]string{"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		"html": "text/html; charset=utf-8", "pdf": "application/pdf"}
	if got := resp.Header.Get("Content-Type"); got != types[format] {
		t.Errorf("Content-Type %q, want %q", got, types[format])
	}
	_, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition"))
	if want := walkCampaign + " - 2026-12-01." + format; err != nil || params["filename"] != want {
		t.Errorf("Content-Disposition %q (%v), want the file name %q", resp.Header.Get("Content-Disposition"), err, want)
	}
	return body.Bytes()
}

// A campaign over the export's threshold (lowered to 4 members here: the
// walk has 5) is exported by a job, whoever asks and whatever the filter:
// its file, downloaded through its link, holds exactly the rows the
// export answered at once holds (TestCampaignExport's cases), the staff
// member's own customers only in theirs; only its requester and the
// workspace's admin see the job, another workspace's admin gets 404.
func TestCampaignExportOverTheThresholdIsAJob(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext is not installed: run `make tools` (or apt-get install -y poppler-utils) to read the PDF export's text")
	}
	s := startWith(t, t.TempDir(), func(cfg *localrun.Config) { cfg.CampaignExportMaxSync = 4 })
	w := newMemberWalkOn(t, s)
	other, _ := s.workspace("Công ty Khác")
	for _, tc := range []exportCase{
		{"every member", w.admin, "vi", "", []int{0, 1, 2, 3, 4}, ""},
		{"registered or cancelled, in English", w.admin, "en", "status=cancelled,registered", []int{3, 4}, "Status: Registered, Cancelled"},
		{"the staff member's own", w.staff, "vi", "", []int{0, 2}, ""},
		{"the staff member's, joined on 01/12", w.staff, "en", "from=2026-12-01&to=2026-12-01", []int{2},
			"joined from 01/12/2026 until 01/12/2026"},
	} {
		for _, format := range []string{"xlsx", "html", "pdf"} {
			t.Run(tc.name+"/"+format, func(t *testing.T) {
				c := *tc.who
				c.lang = tc.lang
				j := w.exportJob(t, &c, format, tc.query)
				other.do("GET", "/v1/exports/"+j.ID, nil).problem(404)
				if tc.who == w.staff {
					// Made in Vietnamese or English as asked, whoever reads the job.
					w.admin.do("GET", "/v1/exports/"+j.ID, nil).ok(200)
				} else {
					w.staff.do("GET", "/v1/exports/"+j.ID, nil).problem(404)
				}
				s.drain()
				body := w.jobFile(t, &c, j.ID, format, len(tc.members))
				want := w.wantRows(tc)
				switch format {
				case "xlsx":
					w.checkXLSX(t, body, tc, want)
				case "html":
					w.checkHTML(t, body, tc, want)
				case "pdf":
					w.checkPDF(t, body, tc, want)
				}
			})
		}
	}
}

// async=true makes a job of an export that would be answered at once: the
// job's file holds the same header and rows as the answer (read back from
// the workbook, the page and the PDF's text).
func TestCampaignExportAsyncHoldsTheAnswersRows(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext is not installed: run `make tools` (or apt-get install -y poppler-utils) to read the PDF export's text")
	}
	w := newMemberWalk(t)
	for _, format := range []string{"xlsx", "html", "pdf"} {
		t.Run(format, func(t *testing.T) {
			path := "/v1/campaigns/" + w.id + "/export?format=" + format + "&status=confirmed,joined,registered"
			answer := w.staff.do("GET", path, nil).ok(200).Body
			j := w.exportJob(t, w.staff, format, "status=confirmed,joined,registered&async=true")
			w.s.drain()
			file := w.jobFile(t, w.staff, j.ID, format, 2) // the staff member's two: Ánh and Yến
			got, want := fileText(t, format, file), fileText(t, format, answer)
			if len(want) < 10 || !slices.Equal(got, want) {
				t.Errorf("the job's file holds\n%q\nthe answer\n%q", got, want)
			}
		})
	}
}

// fileText is what a file shows: a workbook's cells row by row, a page's
// texts, a PDF's lines.
func fileText(t *testing.T, format string, data []byte) []string {
	t.Helper()
	var out []string
	switch format {
	case "xlsx":
		f, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := f.GetRows(f.GetSheetName(0))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			out = append(out, r...)
			out = append(out, "|")
		}
	case "html":
		doc, err := html.Parse(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		for n := range doc.Descendants() {
			if n.Type == html.TextNode {
				out = append(out, n.Data)
			}
		}
	case "pdf":
		path := filepath.Join(t.TempDir(), "file.pdf")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		text, err := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", path, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext: %v", err)
		}
		for l := range bytes.Lines(text) {
			out = append(out, string(l))
		}
	}
	return out
}

// A job runs as its requester when it runs: a staff member deactivated
// before their job ran gets no file, and the job says why.
func TestCampaignExportJobOfADeactivatedRequesterFails(t *testing.T) {
	w := newMemberWalk(t)
	j := w.exportJob(t, w.staff, "xlsx", "async=true")
	w.admin.do("PATCH", "/v1/users/"+w.staff.userID, map[string]any{"active": false}).ok(200)
	w.s.drain()
	w.admin.do("GET", "/v1/exports/"+j.ID, nil).ok(200).into(&j)
	if j.Status != "failed" || j.Error != "requester_inactive" || j.URL != "" || j.Rows != 0 {
		t.Fatalf("job %+v, want failed with requester_inactive", j)
	}
}

// A job's message delivered twice at once, then once more after it is
// done (SQS delivers at least once): one file, one final state.
func TestCampaignExportJobRedelivered(t *testing.T) {
	w := newMemberWalk(t)
	j := w.exportJob(t, w.admin, "html", "async=true")
	msgs, err := w.s.app.Jobs.Waiting(t.Context())
	if err != nil || len(msgs) != 1 {
		t.Fatalf("waiting: %d, %v", len(msgs), err)
	}
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			// One of the two may lose the race for the job's record: its
			// error is a retry, which finds the job done.
			_ = w.s.app.Ticker.HandleJob(t.Context(), msgs[0])
		})
	}
	wg.Wait()
	var first exportJob
	w.admin.do("GET", "/v1/exports/"+j.ID, nil).ok(200).into(&first)
	if first.Status != "done" || first.Rows != 5 {
		t.Fatalf("after two deliveries at once: %+v", first)
	}
	finished := w.finishedAt(t, j.ID)
	w.s.drain() // the queue's own delivery, a third
	if err := w.s.app.Ticker.HandleJob(t.Context(), msgs[0]); err != nil {
		t.Fatalf("a fourth delivery: %v", err)
	}
	if got := w.finishedAt(t, j.ID); got != finished {
		t.Fatalf("finished at %s, then %s: the job finished twice", finished, got)
	}
	files, err := filepath.Glob(filepath.Join(w.s.dir, "files", "exports", w.tenant, "*"))
	if err != nil || len(files) != 1 || filepath.Base(files[0]) != j.ID+".html" {
		t.Fatalf("files %q (%v), want the job's one", files, err)
	}
	file := w.jobFile(t, w.admin, j.ID, "html", 5)
	tc := exportCase{lang: "vi", members: []int{0, 1, 2, 3, 4}}
	w.checkHTML(t, file, tc, w.wantRows(tc))
}

func (w *memberWalk) finishedAt(t *testing.T, id string) string {
	t.Helper()
	var j struct {
		FinishedAt string `json:"finished_at"`
	}
	w.admin.do("GET", "/v1/exports/"+id, nil).ok(200).into(&j)
	if j.FinishedAt == "" {
		t.Fatalf("job %s has not finished", id)
	}
	return j.FinishedAt
}
