package awspath_test

import (
	"bytes"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// A campaign's export as a job on the AWS path (async=true here, as a
// campaign of more than 10,000 members is): answered 202 by the api
// function, made by the jobs function into the imports bucket (moto S3),
// and downloaded by the presigned link GET /v1/exports/{id} hands out,
// under the campaign export's media type and file name.
func TestCampaignExportJobOnTheAWSPath(t *testing.T) {
	s, _, camp, _ := exportedCampaign(t)
	ctx := t.Context()

	var job struct {
		ID, Status, URL, Format string
		Rows                    int
	}
	if status := s.apiCall("GET", "/v1/campaigns/"+camp.ID+"/export?format=xlsx&async=true", "", &job); status != 202 ||
		job.Status != "queued" || job.Format != "xlsx" {
		t.Fatalf("export: %d %+v", status, job)
	}
	if n := s.drain("JobsFunction"); n != 1 {
		t.Fatalf("the jobs function handled %d messages, want the export's one", n)
	}
	if status := s.apiCall("GET", "/v1/exports/"+job.ID, "", &job); status != 200 || job.Status != "done" || job.Rows != 2 ||
		!strings.Contains(job.URL, "X-Amz-Signature") {
		t.Fatalf("export job = %d %+v, want done with 2 rows and a presigned link", status, job)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, job.URL, nil)
	must(t, err)
	resp, err := http.DefaultClient.Do(req)
	must(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	must(t, err)
	if resp.StatusCode != 200 {
		t.Fatalf("GET the presigned link: %s %s", resp.Status, raw)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Errorf("Content-Type %q", ct)
	}
	// S3 answers the link's response-content-disposition as the file's
	// Content-Disposition (moto leaves it out: it is read from the link).
	link, err := url.Parse(job.URL)
	must(t, err)
	cd := link.Query().Get("response-content-disposition")
	_, params, err := mime.ParseMediaType(cd)
	if want := "Tri ân khách hàng Tết - 2026-11-23.xlsx"; err != nil || params["filename"] != want {
		t.Errorf("the link's Content-Disposition %q (%v), want the file name %q", cd, err, want)
	}
	f, err := excelize.OpenReader(bytes.NewReader(raw))
	must(t, err)
	defer f.Close()
	rows, err := f.GetRows("Thành viên")
	must(t, err)
	head := slices.IndexFunc(rows, func(r []string) bool { return len(r) > 0 && r[0] == "Mã" })
	if head < 0 || len(rows) != head+3 {
		t.Fatalf("the workbook: %q, want the table with two members", rows)
	}
	var names []string
	for _, r := range rows[head+1:] {
		names = append(names, r[1])
	}
	slices.Sort(names)
	if want := []string{"Nguyễn Thị Ánh", "Trần Đức Thắng"}; !slices.Equal(names, want) {
		t.Errorf("members in the file %q, want %q", names, want)
	}
}
