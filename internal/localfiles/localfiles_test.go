package localfiles_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"tend/internal/domain"
	"tend/internal/localfiles"
)

// clock is a settable test clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// open returns a store served by a test server, and its clock.
func open(t *testing.T) (*localfiles.Store, *httptest.Server, *clock) {
	t.Helper()
	clk := &clock{now: time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)}
	srv := httptest.NewUnstartedServer(nil)
	st, err := localfiles.Open(t.TempDir(), "http://"+srv.Listener.Addr().String(), clk)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle(localfiles.Prefix, st.Handler())
	srv.Config.Handler = mux
	srv.Start()
	t.Cleanup(srv.Close)
	return st, srv, clk
}

func read(t *testing.T, st *localfiles.Store, key string) string {
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

func do(t *testing.T, method, url string, body io.Reader) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// A file put opens with its bytes (all of them, wherever its reader
// stood), is replaced by the next put, and is gone after a delete (deleting it again is no error).
func TestPutOpenDelete(t *testing.T) {
	st, _, _ := open(t)
	ctx := t.Context()
	if err := st.Put(ctx, "imports/ws1/a.xlsx", "", strings.NewReader("first")); err != nil {
		t.Fatal(err)
	}
	// The whole body, even read to its end already.
	second := strings.NewReader("second")
	second.Seek(0, io.SeekEnd)
	if err := st.Put(ctx, "imports/ws1/a.xlsx", "", second); err != nil {
		t.Fatal(err)
	}
	if got := read(t, st, "imports/ws1/a.xlsx"); got != "second" {
		t.Fatalf("read %q, want second", got)
	}
	for range 2 {
		if err := st.Delete(ctx, "imports/ws1/a.xlsx"); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := st.Open(ctx, "imports/ws1/a.xlsx"); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("Open after delete: %v, want domain.ErrNotFound", err)
	}
}

// Keys that would leave the directory or name the signing key are refused.
func TestBadKeys(t *testing.T) {
	st, _, _ := open(t)
	for _, key := range []string{"", "../x", "a/../../x", "/abs", "a//b", ".signing-key", "a/.hidden", `a\b`, "a b", strings.Repeat("k", 513)} {
		if err := st.Put(t.Context(), key, "", strings.NewReader("x")); err == nil {
			t.Errorf("Put %q: no error", key)
		}
		if _, _, err := st.UploadURL(t.Context(), key, time.Minute); err == nil {
			t.Errorf("UploadURL %q: no error", key)
		}
	}
}

// An upload link takes the bytes by PUT until it expires; a download link
// answers them as an attachment by GET. A link altered, used for another
// method or past its time answers 403.
func TestLinks(t *testing.T) {
	st, _, clk := open(t)
	up, expires, err := st.UploadURL(t.Context(), "uploads/ws1/u1", 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if want := clk.Now().Add(10 * time.Minute); !expires.Equal(want) {
		t.Fatalf("expires %v, want %v", expires, want)
	}
	if r := do(t, "PUT", up, strings.NewReader("Họ tên,Điện thoại\n")); r.StatusCode != 200 {
		t.Fatalf("PUT: %s", r.Status)
	}
	if got := read(t, st, "uploads/ws1/u1"); got != "Họ tên,Điện thoại\n" {
		t.Fatalf("uploaded %q", got)
	}
	if r := do(t, "GET", up, nil); r.StatusCode != 403 {
		t.Fatalf("GET with an upload link: %s, want 403", r.Status)
	}
	down, _, err := st.DownloadURL(t.Context(), "uploads/ws1/u1", "khách hàng.csv", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	r := do(t, "GET", down, nil)
	body, _ := io.ReadAll(r.Body)
	if r.StatusCode != 200 || string(body) != "Họ tên,Điện thoại\n" {
		t.Fatalf("GET: %s %q", r.Status, body)
	}
	if cd := r.Header.Get("Content-Disposition"); !strings.Contains(cd, "attachment") || !strings.Contains(cd, "kh%C3%A1ch") {
		t.Fatalf("Content-Disposition %q", cd)
	}
	if r := do(t, "GET", strings.Replace(down, "name=", "name=x", 1), nil); r.StatusCode != 403 {
		t.Fatalf("GET with an altered name: %s, want 403", r.Status)
	}
	if r := do(t, "PUT", strings.Replace(up, "u1", "u2", 1), strings.NewReader("x")); r.StatusCode != 403 {
		t.Fatalf("PUT to another key: %s, want 403", r.Status)
	}
	clk.add(10*time.Minute + time.Second)
	if r := do(t, "PUT", up, strings.NewReader("late")); r.StatusCode != 403 {
		t.Fatalf("PUT after expiry: %s, want 403", r.Status)
	}
	if got := read(t, st, "uploads/ws1/u1"); got != "Họ tên,Điện thoại\n" {
		t.Fatalf("a late upload changed the file: %q", got)
	}
}

// An upload over MaxUpload answers 413 and leaves nothing behind; a
// download of a missing file 404.
func TestUploadLimit(t *testing.T) {
	st, _, _ := open(t)
	up, _, err := st.UploadURL(t.Context(), "uploads/ws1/big", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if r := do(t, "PUT", up, bytes.NewReader(make([]byte, localfiles.MaxUpload+1))); r.StatusCode != 413 {
		t.Fatalf("PUT over the limit: %s, want 413", r.Status)
	}
	if _, _, err := st.Open(t.Context(), "uploads/ws1/big"); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("Open after a refused upload: %v", err)
	}
	down, _, _ := st.DownloadURL(t.Context(), "uploads/ws1/big", "", time.Minute)
	if r := do(t, "GET", down, nil); r.StatusCode != 404 {
		t.Fatalf("GET of a missing file: %s, want 404", r.Status)
	}
}

// OpenAt reads from an offset on; at or past the end it reads nothing.
func TestOpenAt(t *testing.T) {
	st, _, _ := open(t)
	ctx := t.Context()
	if err := st.Put(ctx, "imports/ws1/rows.csv", "", strings.NewReader("0123456789")); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		offset int64
		want   string
	}{{0, "0123456789"}, {4, "456789"}, {10, ""}, {50, ""}} {
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
