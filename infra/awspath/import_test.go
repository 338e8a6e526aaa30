package awspath_test

import (
	"bytes"
	"net/http"
	"testing"
	"time"
)

// An import on the AWS path: the api function hands out a presigned
// upload to the imports bucket, the file goes there by a plain HTTP PUT
// (as a browser sends it, past API Gateway's payload limit), the import
// names the upload; the jobs function works the job through the jobs
// queue, chunk after chunk; the customers are made, in the options'
// warehouse and step, and the stream hands them to the rule's rotation.
func TestImportOnTheAWSPath(t *testing.T) {
	s := deploy(t, time.Date(2026, 11, 23, 7, 0, 0, 0, hanoi), nil)
	spa := openSpa(t, s)

	var up struct {
		UploadID  string    `json:"upload_id"`
		URL       string    `json:"url"`
		Method    string    `json:"method"`
		ExpiresAt time.Time `json:"expires_at"`
	}
	if status := s.apiCall("POST", "/v1/imports/uploads", `{}`, &up); status != 201 || up.Method != "PUT" || up.UploadID == "" {
		t.Fatalf("upload: %d %+v", status, up)
	}
	if !up.ExpiresAt.Equal(s.clock.Now().Add(15 * time.Minute)) {
		t.Errorf("the upload expires at %v, want 15 minutes from the clock's %v", up.ExpiresAt, s.clock.Now())
	}
	file := "\ufeffHọ và tên;Số điện thoại;Email;Ngày sinh\r\nLê Thị Hoa;0168 123 4567;hoa@example.vn;05/03/1991\r\n" +
		"Phạm Văn Nam;0912 000 222;nam@example.vn;31/02/1990\r\nĐỗ Minh Tú;0905 111 333;tu@example.vn;\r\n"
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPut, up.URL, bytes.NewReader([]byte(file)))
	must(t, err)
	resp, err := http.DefaultClient.Do(req)
	must(t, err)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("PUT to the presigned URL: %s", resp.Status)
	}

	var started struct{ ID, Status string }
	body := `{"upload_id":"` + up.UploadID + `","file_name":"khach-hang.csv","options":{"warehouse_id":"` + spa.warehouse +
		`","pipeline_id":"` + spa.pipeline + `","step_id":"` + spa.step + `"}}`
	if status := s.apiCall("POST", "/v1/imports", body, &started); status != 202 || started.Status != "queued" {
		t.Fatalf("import: %d %+v", status, started)
	}
	if n := s.drain("JobsFunction"); n != 2 {
		t.Fatalf("the jobs function handled %d messages, want 2 (prepare, then the one chunk)", n)
	}
	s.settle()

	var job struct {
		Status                              string
		Total, Processed, Imported, Refused int
		Errors                              []struct {
			Row                 int
			Path, Code, Message string
		}
	}
	s.apiCall("GET", "/v1/imports/"+started.ID, "", &job)
	if job.Status != "done" || job.Total != 3 || job.Processed != 3 || job.Imported != 2 || job.Refused != 1 ||
		len(job.Errors) != 1 || job.Errors[0].Row != 3 || job.Errors[0].Code != "cell_not_a_date" {
		t.Fatalf("import = %+v", job)
	}
	var page struct {
		Items []map[string]any `json:"items"`
	}
	s.apiCall("GET", "/v1/customers?q=le+thi+hoa", "", &page)
	if len(page.Items) != 1 {
		t.Fatalf("customers named Lê Thị Hoa: %v", page.Items)
	}
	cu := page.Items[0]
	if cu["phone"] != "+84381234567" || cu["birthday"] != "1991-03-05" || cu["warehouse_id"] != spa.warehouse || cu["owner_id"] != spa.staff.ID {
		t.Errorf("customer = %v, want the legacy number renumbered, the date read day first, in the warehouse, given to %s", cu, spa.staff.ID)
	}
}
