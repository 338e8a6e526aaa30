package awspath_test

import (
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// An export on the AWS path: one asked for as a job (as an export of
// more than 10,000 rows is) is answered 202 by the api function, written
// to the imports bucket by the jobs function, and downloaded from S3 by
// the presigned link GET /v1/exports/{id} hands out.
func TestExportOnTheAWSPath(t *testing.T) {
	s := deploy(t, time.Date(2026, 11, 23, 7, 0, 0, 0, hanoi), nil)
	spa := openSpa(t, s)
	names := []string{"Lê Thị Hoa", "Phạm Văn Nam", "Đỗ Minh Tú"}
	for i, name := range names {
		body := fmt.Sprintf(`{"name":%q,"phone":"0912 000 %03d","owner_id":%q}`, name, i, spa.staff.ID)
		if status := s.apiCall("POST", "/v1/customers", body, &struct{}{}); status != 201 {
			t.Fatalf("create %s: %d", name, status)
		}
	}
	var job struct {
		ID, Status, URL, Format string
		Rows                    int
	}
	if status := s.apiCall("GET", "/v1/customers/export?format=csv&async=true&sort=name", "", &job); status != 202 || job.Status != "queued" {
		t.Fatalf("export: %d %+v", status, job)
	}
	if n := s.drain("JobsFunction"); n != 1 {
		t.Fatalf("the jobs function handled %d messages, want the export's one", n)
	}
	if status := s.apiCall("GET", "/v1/exports/"+job.ID, "", &job); status != 200 || job.Status != "done" || job.Rows != 3 ||
		!strings.Contains(job.URL, "X-Amz-Signature") {
		t.Fatalf("export job = %d %+v, want done with 3 rows and a presigned link", status, job)
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, job.URL, nil)
	must(t, err)
	resp, err := http.DefaultClient.Do(req)
	must(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	must(t, err)
	if resp.StatusCode != 200 {
		t.Fatalf("GET the presigned link: %s %s", resp.Status, raw)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(raw), "\ufeff"))).ReadAll()
	must(t, err)
	col := slices.Index(rows[0], "Tên khách hàng")
	if col < 0 || len(rows) != 4 {
		t.Fatalf("the file: %q", rows)
	}
	var got []string
	for _, r := range rows[1:] {
		got = append(got, r[col])
	}
	slices.Sort(got)
	want := slices.Sorted(slices.Values(names))
	if !slices.Equal(got, want) {
		t.Errorf("names in the file = %q, want %q", got, want)
	}
}
