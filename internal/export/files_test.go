package export_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"tend/internal/domain"
	"tend/internal/export"
	"tend/internal/tendtest"
	"tend/internal/workspace"
)

type queue struct {
	mu     sync.Mutex
	bodies [][]byte
}

func (q *queue) Send(_ context.Context, body []byte, _ time.Duration) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.bodies = append(q.bodies, body)
	return nil
}

// files keeps what is put, with its media type, and names the file in its links.
type files struct {
	puts map[string]string // key → content type
	data map[string][]byte
}

func (f *files) Put(_ context.Context, key, contentType string, body io.ReadSeeker) error {
	b, err := io.ReadAll(body)
	f.puts[key], f.data[key] = contentType, b
	return err
}

func (f *files) DownloadURL(_ context.Context, key, fileName string, ttl time.Duration) (string, time.Time, error) {
	return "https://files.test/" + key + "?name=" + fileName, time.Time{}, nil
}

// maker writes "<params> × n" and fails with its code when it has one.
type maker struct{ code string }

func (m maker) MakeFile(_ context.Context, c *workspace.Caller, params json.RawMessage, w io.Writer) (int, error) {
	if m.code != "" {
		return 0, domain.Errorf(domain.ErrNotFound, m.code)
	}
	_, err := w.Write([]byte("by " + c.User.ID + ": " + string(params)))
	return 3, err
}

func newService(t *testing.T, m export.Maker) (*export.Service, *queue, *files, *workspace.Caller) {
	w := tendtest.MustOpen(t, tendtest.Options{})
	q, fs := &queue{}, &files{puts: map[string]string{}, data: map[string][]byte{}}
	svc := export.New(export.Deps{Store: w.DB, Clock: w.Clock, Orgs: w.Workspaces, Jobs: q, Makers: map[string]export.Maker{"pages": m}})
	svc.Files = fs
	return svc, q, fs, w.Admin()
}

func request(async bool) export.FileRequest {
	return export.FileRequest{Kind: "pages", Format: "html", FileName: "Trang - 2026-11-25.html", ContentType: "text/html; charset=utf-8",
		Params: map[string]string{"page": "1"}, Async: async}
}

// A file of at most 4 MiB is the answer, with its name, type and size;
// one that passes 4 MiB while it is written, or one asked as a job, is a
// queued job, and nothing is answered.
func TestExportFileAnswersOrQueues(t *testing.T) {
	for _, tc := range []struct {
		name  string
		size  int
		async bool
		job   bool
	}{
		{"small", 1000, false, false},
		{"4 MiB exactly", 4 << 20, false, false},
		{"past 4 MiB", 4<<20 + 1, false, true},
		{"asked as a job", 10, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			svc, q, _, admin := newService(t, maker{})
			var answered bytes.Buffer
			var got export.Download
			job, err := svc.ExportFile(t.Context(), admin, request(tc.async),
				func(w io.Writer) error {
					chunk := bytes.Repeat([]byte("x"), 1<<16)
					for left := tc.size; left > 0; left -= len(chunk) {
						if _, err := w.Write(chunk[:min(left, len(chunk))]); err != nil {
							return err
						}
					}
					return nil
				},
				func(d export.Download) io.Writer { got = d; return &answered })
			if err != nil {
				t.Fatal(err)
			}
			if tc.job {
				if job == nil || job.Status != export.StatusQueued || job.Format != "html" || answered.Len() != 0 || len(q.bodies) != 1 {
					t.Fatalf("job %+v, answered %d bytes, %d messages", job, answered.Len(), len(q.bodies))
				}
				return
			}
			want := export.Download{FileName: "Trang - 2026-11-25.html", ContentType: "text/html; charset=utf-8", Size: tc.size}
			if job != nil || got != want || answered.Len() != tc.size || len(q.bodies) != 0 {
				t.Fatalf("job %+v, download %+v (want %+v), %d bytes, %d messages", job, got, want, answered.Len(), len(q.bodies))
			}
		})
	}
}

// The job makes its file through its kind's Maker as its requester, puts
// it under its media type and links to it under its name; a coded error
// of the Maker fails the job with that code.
func TestExportFileJobUsesItsMaker(t *testing.T) {
	svc, q, fs, admin := newService(t, maker{})
	job, err := svc.ExportFile(t.Context(), admin, request(true), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.HandleJob(t.Context(), q.bodies[0]); err != nil {
		t.Fatal(err)
	}
	job, err = svc.GetJob(t.Context(), admin, job.ID)
	if err != nil || job.Status != export.StatusDone || job.Rows != 3 {
		t.Fatalf("job %+v, %v", job, err)
	}
	key := "exports/" + admin.Tenant() + "/" + job.ID + ".html"
	if fs.puts[key] != "text/html; charset=utf-8" || string(fs.data[key]) != `by `+admin.User.ID+`: {"page":"1"}` {
		t.Fatalf("put %q: %q", fs.puts, fs.data)
	}
	if !strings.HasSuffix(job.URL, key+"?name=Trang - 2026-11-25.html") {
		t.Fatalf("link %q", job.URL)
	}

	svc, q, _, admin = newService(t, maker{code: "not_found"})
	job, _ = svc.ExportFile(t.Context(), admin, request(true), nil, nil)
	if err := svc.HandleJob(t.Context(), q.bodies[0]); err != nil {
		t.Fatal(err)
	}
	if job, _ = svc.GetJob(t.Context(), admin, job.ID); job.Status != export.StatusFailed || job.Error != "not_found" {
		t.Fatalf("job %+v, want failed with not_found", job)
	}
}

// failingQueue loses every message while down.
type failingQueue struct {
	queue
	down bool
}

func (q *failingQueue) Send(ctx context.Context, body []byte, d time.Duration) error {
	if q.down {
		return errors.New("queue unreachable")
	}
	return q.queue.Send(ctx, body, d)
}

// A job whose message is lost (the queue refused it, or a worker died and
// the queue gave up) is still answered, and the tick sends its message
// again once it has not moved for StallAfter: not before, and never for a
// finished job. The message sent again makes the file.
func TestLostExportMessageIsSentAgain(t *testing.T) {
	clock := tendtest.NewClock(tendtest.DefaultTime)
	w := tendtest.MustOpen(t, tendtest.Options{Clock: clock})
	q, fs := &failingQueue{down: true}, &files{puts: map[string]string{}, data: map[string][]byte{}}
	svc := export.New(export.Deps{Store: w.DB, Clock: clock, Orgs: w.Workspaces, Jobs: q, Makers: map[string]export.Maker{"pages": maker{}}})
	svc.Files = fs
	admin := w.Admin()
	job, err := svc.ExportFile(t.Context(), admin, request(true), nil, nil)
	if err != nil || job == nil || job.Status != export.StatusQueued {
		t.Fatalf("job %+v, %v: want it recorded and answered though its message was lost", job, err)
	}
	q.down = false
	for _, tc := range []struct {
		after time.Duration
		sent  int
	}{
		{export.StallAfter - time.Second, 0},
		{export.StallAfter, 1},
		{time.Minute, 0}, // just sent: it moved
	} {
		clock.Add(tc.after)
		n, err := svc.Resend(t.Context())
		if err != nil || n != tc.sent || len(q.bodies) != tc.sent {
			t.Fatalf("%v later: Resend sent %d (%d messages), %v; want %d", tc.after, n, len(q.bodies), err, tc.sent)
		}
		if tc.sent > 0 {
			if err := svc.HandleJob(t.Context(), q.bodies[0]); err != nil {
				t.Fatal(err)
			}
			q.bodies = nil
		}
	}
	if job, err = svc.GetJob(t.Context(), admin, job.ID); err != nil || job.Status != export.StatusDone || len(fs.puts) != 1 {
		t.Fatalf("job %+v, %v, files %v: want it done by the message sent again", job, err, fs.puts)
	}
	clock.Add(time.Hour)
	if n, err := svc.Resend(t.Context()); n != 0 || err != nil {
		t.Fatalf("Resend of a finished job: %d, %v", n, err)
	}
}
