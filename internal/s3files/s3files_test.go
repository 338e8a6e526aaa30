package s3files_test

import (
	"crypto/rand"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"tend/internal/awstest"
	"tend/internal/domain"
	"tend/internal/s3files"
)

var now = time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)

// newStore returns a store over a fresh bucket of the S3 at
// TEND_AWS_ENDPOINT (moto_server; the test fails without one in CI).
func newStore(t *testing.T) *s3files.Store {
	t.Helper()
	client := s3.NewFromConfig(awstest.Config(t, "TEND_AWS_ENDPOINT"), func(o *s3.Options) { o.UsePathStyle, o.DisableLogOutputChecksumValidationSkipped = true, true })
	bucket := "tend-test-" + strings.ToLower(rand.Text())
	if _, err := client.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatalf("CreateBucket: %v", err)
	}
	// The bucket stays: moto's state dump (GET /moto-api/data.json, which
	// other packages' tests read) fails for good once a bucket that held
	// objects is deleted. moto's state goes with its process.
	st, err := s3files.New(client, bucket, domain.ClockFunc(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func read(t *testing.T, st *s3files.Store, key string) string {
	t.Helper()
	f, size, err := st.Open(t.Context(), key)
	if err != nil {
		t.Fatalf("Open %s: %v", key, err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil || int64(len(b)) != size {
		t.Fatalf("read %s: %d bytes of %d, %v", key, len(b), size, err)
	}
	return string(b)
}

func do(t *testing.T, method, url string, body io.Reader) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// A file put opens with its bytes and is gone after a delete; a missing
// one is domain.ErrNotFound.
func TestPutOpenDelete(t *testing.T) {
	st := newStore(t)
	ctx := t.Context()
	body := strings.NewReader("Họ tên\nAn\n")
	body.Seek(0, io.SeekEnd) // Put sends the whole body, wherever its reader stood
	if err := st.Put(ctx, "imports/ws1/a.csv", "text/csv", body); err != nil {
		t.Fatal(err)
	}
	if got := read(t, st, "imports/ws1/a.csv"); got != "Họ tên\nAn\n" {
		t.Fatalf("read %q", got)
	}
	if err := st.Delete(ctx, "imports/ws1/a.csv"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.Open(ctx, "imports/ws1/a.csv"); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("Open after delete: %v, want domain.ErrNotFound", err)
	}
	if err := st.Delete(ctx, "imports/ws1/a.csv"); err != nil {
		t.Fatalf("Delete of a missing file: %v", err)
	}
}

// A presigned upload URL takes a plain HTTP PUT (as a browser sends it);
// a presigned download URL answers the bytes, named as an attachment. Both
// state the expiry the clock gives them.
func TestPresignedURLs(t *testing.T) {
	st := newStore(t)
	up, expires, err := st.UploadURL(t.Context(), "uploads/ws1/u1", 15*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if !expires.Equal(now.Add(15*time.Minute)) || !strings.Contains(up, "X-Amz-Expires=900") || !strings.Contains(up, "X-Amz-Date=20261125T020000Z") {
		t.Fatalf("upload URL %s expiring %v", up, expires)
	}
	if r, body := do(t, "PUT", up, strings.NewReader("Điện thoại\n0912345678\n")); r.StatusCode != 200 {
		t.Fatalf("PUT: %s %s", r.Status, body)
	}
	if got := read(t, st, "uploads/ws1/u1"); got != "Điện thoại\n0912345678\n" {
		t.Fatalf("uploaded %q", got)
	}
	down, _, err := st.DownloadURL(t.Context(), "uploads/ws1/u1", "khach-hang.csv", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	r, body := do(t, "GET", down, nil)
	if r.StatusCode != 200 || body != "Điện thoại\n0912345678\n" {
		t.Fatalf("GET: %s %q", r.Status, body)
	}
	// S3 answers the signed response-content-disposition as the header
	// (moto ignores it, so the URL is checked).
	if !strings.Contains(down, "response-content-disposition=attachment%3B%20filename%3Dkhach-hang.csv") {
		t.Fatalf("download URL %s names no attachment", down)
	}
	if err := st.Delete(t.Context(), "uploads/ws1/u1"); err != nil {
		t.Fatal(err)
	}
}

func TestNewNeedsABucket(t *testing.T) {
	if _, err := s3files.New(s3.New(s3.Options{}), "", domain.SystemClock{}); err == nil {
		t.Fatal("a store without a bucket")
	}
}

// OpenAt reads from an offset on (a ranged GET); at or past the end it
// reads nothing.
func TestOpenAt(t *testing.T) {
	st := newStore(t)
	ctx := t.Context()
	if err := st.Put(ctx, "imports/ws1/rows.csv", "text/csv", strings.NewReader("0123456789")); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		offset int64
		want   string
	}{{0, "0123456789"}, {4, "456789"}, {9, "9"}, {10, ""}, {50, ""}} {
		body, err := st.OpenAt(ctx, "imports/ws1/rows.csv", tc.offset)
		if err != nil {
			t.Fatalf("OpenAt %d: %v", tc.offset, err)
		}
		got, err := io.ReadAll(body)
		body.Close()
		if err != nil || string(got) != tc.want {
			t.Errorf("OpenAt %d read %q, %v; want %q", tc.offset, got, err, tc.want)
		}
	}
	if _, err := st.OpenAt(ctx, "imports/ws1/none.csv", 3); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("OpenAt of a missing file: %v, want domain.ErrNotFound", err)
	}
}
