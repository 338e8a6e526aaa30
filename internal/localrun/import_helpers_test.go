package localrun_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime/multipart"
	"net/http"
	"slices"
	"testing"

	"tend/internal/sheet"
)

// importJob is an import as GET /v1/imports/{id} answers it.
type importJob struct {
	ID          string             `json:"id"`
	Status      string             `json:"status"`
	FileName    string             `json:"file_name"`
	UserID      string             `json:"user_id"`
	Mapping     map[string]*string `json:"mapping"`
	Total       int                `json:"total"`
	Processed   int                `json:"processed"`
	Imported    int                `json:"imported"`
	Updated     int                `json:"updated"`
	Skipped     int                `json:"skipped"`
	Refused     int                `json:"refused"`
	ErrorsTotal int                `json:"errors_total"`
	Errors      []rowError         `json:"errors"`
	Failure     *struct {
		Code, Message string
	} `json:"failure"`
}

type rowError struct {
	Row     int    `json:"row"`
	Path    string `json:"path"`
	Column  string `json:"column"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// xlsxFile writes a spreadsheet with the sheet package's writer.
func xlsxFile(t testing.TB, header []string, rows [][]any) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := sheet.NewXLSX(&buf, "Danh sách", header)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// readSheet reads a spreadsheet answered by the API: its header and rows.
func readSheet(t testing.TB, b []byte) ([]string, [][]string) {
	t.Helper()
	rd, err := sheet.Open(bytes.NewReader(b), int64(len(b)), sheet.DefaultLimits)
	if err != nil {
		t.Fatalf("read the answered file: %v", err)
	}
	defer rd.Close()
	var rows [][]string
	for {
		r, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return rd.Header(), rows
		}
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, r.Cells)
	}
}

// postFile sends a file as multipart/form-data (part "file"), with the
// other parts given (in a stable order).
func (c *client) postFile(path, fileName string, file []byte, parts map[string]string) *reply {
	c.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	// A fixed boundary: the same file posted again is the same request
	// (as a client's retry is), for the idempotency keeper.
	if err := mw.SetBoundary("tend-test-boundary-7f3a"); err != nil {
		c.t.Fatal(err)
	}
	for _, k := range slices.Sorted(maps.Keys(parts)) {
		if err := mw.WriteField(k, parts[k]); err != nil {
			c.t.Fatal(err)
		}
	}
	fw, err := mw.CreateFormFile("file", fileName)
	if err != nil {
		c.t.Fatal(err)
	}
	fw.Write(file)
	mw.Close()
	return c.with("Content-Type", mw.FormDataContentType()).do("POST", path, buf.Bytes())
}

// startImport posts a file to import and returns the import's id.
func (c *client) startImport(fileName string, file []byte, parts map[string]string) string {
	c.t.Helper()
	var out struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	}
	c.postFile("/v1/imports", fileName, file, parts).ok(202).into(&out)
	if out.Status != "queued" || out.ID == "" {
		c.t.Fatalf("import answered %+v", out)
	}
	return out.ID
}

func (c *client) importJob(id string) importJob {
	c.t.Helper()
	var j importJob
	c.do("GET", "/v1/imports/"+id, nil).ok(200).into(&j)
	return j
}

// stepJob works the first message of the jobs queue, as the jobs function
// would one SQS message; it reports whether there was one.
func (s *system) stepJob() bool {
	s.t.Helper()
	had, err := s.app.Jobs.HandleOne(s.t.Context(), func(ctx context.Context, b []byte) error {
		err := s.app.Ticker.HandleJob(ctx, b)
		if err != nil {
			s.t.Logf("job: %v", err)
		}
		return err
	})
	if err != nil {
		s.t.Fatal(err)
	}
	return had
}

// drain runs all background work to its end.
func (s *system) drain() {
	s.t.Helper()
	s.anon().do("POST", "/dev/drain", nil).ok(200)
}

// get fetches a URL the API handed out (a file link), outside the API.
func get(t testing.TB, method, url string, body []byte) (int, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

var _ = fmt.Sprint
