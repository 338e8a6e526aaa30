package export

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"tend/internal/customerlist"
	"tend/internal/domain"
	"tend/internal/queuegroup"
	"tend/internal/shardrun"
	"tend/internal/store"
	"tend/internal/workspace"
)

// JobKind is the kind of an export job's message on the jobs queue.
const JobKind = "customer_export"

// IsJob reports whether a jobs-queue message is an export job.
func IsJob(body []byte) bool { return shardrun.KindOf(body) == JobKind }

// Statuses of an export job.
const (
	StatusQueued  = "queued"
	StatusRunning = "running"
	StatusDone    = "done"
	StatusFailed  = "failed"
)

// Job is an export job as its requester sees it: url is a download link
// (valid until expires_at) once it is done.
type Job struct {
	ID         string     `json:"id"`
	Status     string     `json:"status"`
	Format     Format     `json:"format"`
	Rows       int        `json:"rows"`
	URL        string     `json:"url,omitempty"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"`
	Error      string     `json:"error,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
}

// record is what is kept of a job: a customer export's list query and
// columns, or another kind's (Kind: its Maker's) params.
type record struct {
	ID          string                 `json:"id"`
	Tenant      string                 `json:"tenant"`
	UserID      string                 `json:"user_id"`
	Kind        string                 `json:"kind,omitempty"`
	Params      json.RawMessage        `json:"params,omitempty"`
	Format      Format                 `json:"format"`
	ContentType string                 `json:"content_type,omitempty"`
	Query       customerlist.ListQuery `json:"query"`
	Columns     []string               `json:"columns"`
	Status      string                 `json:"status"`
	Rows        int                    `json:"rows"`
	FileKey     string                 `json:"file_key,omitempty"`
	FileName    string                 `json:"file_name"`
	Error       string                 `json:"error,omitempty"`
	CreatedAt   time.Time              `json:"created_at"`
	// UpdatedAt is when the job was last saved: a job queued or running
	// that hasn't moved for StallAfter lost its message (see Resend).
	UpdatedAt  time.Time  `json:"updated_at"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
	version    int64
}

// Item type and key layout of jobs:
//
//	T#<t>#EXPORT   ID#<id>   a job, removed with its file after fileTTL
//	GSI3 EXPORTS#OPEN  <t>#<id>   while it is queued or running
const typeJob = "customer_export"

// openJobsPK lists the jobs not finished, for the tick that sends again
// the message of a job that stopped moving.
const openJobsPK = "EXPORTS#OPEN"

func jobKey(t, id string) store.Key { return store.Key{PK: "T#" + t + "#EXPORT", SK: "ID#" + id} }

// message is a job's message on the jobs queue.
type message struct {
	Kind   string `json:"kind"`
	Tenant string `json:"tenant"`
	ID     string `json:"id"`
}

func (r *record) item() store.Item {
	it := store.Item{Key: jobKey(r.Tenant, r.ID), Type: typeJob, Version: r.version, Doc: store.Doc(r),
		ExpiresAt: r.CreatedAt.Add(fileTTL)}
	if !r.finished() {
		it.Index[2] = store.IndexKey{PK: openJobsPK, SK: r.Tenant + "#" + r.ID}
	}
	return it
}

func (r *record) finished() bool { return r.Status == StatusDone || r.Status == StatusFailed }

// contentType is the media type of the job's file.
func (r *record) contentType() string {
	if r.ContentType != "" {
		return r.ContentType
	}
	return r.Format.ContentType()
}

func newJobID() string { return domain.NewID("exp") }

// queuePlan records a job for the plan and sends it to the jobs queue.
func (s *Service) queuePlan(ctx context.Context, c *workspace.Caller, p *plan) (*Job, error) {
	now := s.now()
	return s.queue(ctx, &record{ID: newJobID(), Tenant: c.Tenant(), UserID: c.User.ID, Format: p.format, Query: p.query,
		Columns: p.columns, Status: StatusQueued, FileName: FileName(c.Org, now, p.format), CreatedAt: now, version: 1})
}

// queue records a job and sends it to the jobs queue: whatever its kind,
// its message is the customer export's, and HandleJob makes its file. A
// job recorded whose message couldn't be sent is answered all the same:
// the tick sends it again.
func (s *Service) queue(ctx context.Context, r *record) (*Job, error) {
	r.UpdatedAt = r.CreatedAt
	if err := s.d.Store.Put(ctx, r.item(), store.NotExist); err != nil {
		return nil, fmt.Errorf("export: save job: %w", err)
	}
	if err := s.send(ctx, r); err != nil {
		// The job is kept: the tick sends its message again (Resend).
		s.d.Log.WarnContext(ctx, "export job recorded, its message not sent", "tenant", r.Tenant, "job", r.ID, "err", err)
	}
	return s.view(ctx, r)
}

func (s *Service) send(ctx context.Context, r *record) error {
	body, _ := json.Marshal(message{Kind: JobKind, Tenant: r.Tenant, ID: r.ID}) // strings: cannot fail
	// In the job's workspace's group (queuegroup): the tick sends again too.
	if err := s.d.Jobs.Send(queuegroup.With(ctx, r.Tenant), body, 0); err != nil {
		return fmt.Errorf("export: queue job %s: %w", r.ID, err)
	}
	return nil
}

// StallAfter is how long a queued or running job may go unsaved before
// its message counts as lost. A job writes at most MaxRows rows, a
// matter of a minute or two.
const StallAfter = 10 * time.Minute

// Resend sends again the message of every job queued or running that
// hasn't moved for StallAfter: its message was lost (the send failed
// after the job was recorded, or the queue gave up on it). The job is
// saved first, so a worker still on it loses the race to finish it and
// the message sent now does it.
func (s *Service) Resend(ctx context.Context) (int, error) {
	now := s.now()
	sent := 0
	for it, err := range store.Items(ctx, s.d.Store, store.Query{Index: store.GSI3, PK: openJobsPK, Limit: 100}) {
		if err != nil {
			return sent, fmt.Errorf("export: read open jobs: %w", err)
		}
		r, err := store.Decode[record](it)
		if err != nil {
			return sent, err
		}
		r.version = it.Version
		if r.finished() || now.Sub(r.UpdatedAt) < StallAfter {
			continue
		}
		if err := s.save(ctx, r); errors.Is(err, store.ErrConditionFailed) {
			continue
		} else if err != nil {
			return sent, err
		}
		if err := s.send(ctx, r); err != nil {
			return sent, err
		}
		sent++
	}
	return sent, nil
}

// GetJob returns an export job to its requester or an admin.
func (s *Service) GetJob(ctx context.Context, c *workspace.Caller, id string) (*Job, error) {
	r, err := s.load(ctx, c.Tenant(), id)
	if err != nil {
		return nil, err
	}
	if r.UserID != c.User.ID && !c.IsAdmin() {
		return nil, domain.NotFound("export")
	}
	return s.view(ctx, r)
}

// view is a job as answered, with a fresh download link when it is done.
func (s *Service) view(ctx context.Context, r *record) (*Job, error) {
	j := &Job{ID: r.ID, Status: r.Status, Format: r.Format, Rows: r.Rows, Error: r.Error, CreatedAt: r.CreatedAt, FinishedAt: r.FinishedAt}
	if r.Status != StatusDone {
		return j, nil
	}
	if s.Files == nil {
		return nil, errNoFiles
	}
	url, expires, err := s.Files.DownloadURL(ctx, r.FileKey, r.FileName, linkTTL)
	if err != nil {
		return nil, fmt.Errorf("export: link to job %s's file: %w", r.ID, err)
	}
	j.URL, j.ExpiresAt = url, &expires
	return j, nil
}

var errNoFiles = errors.New("export: this function has no files store")

func (s *Service) load(ctx context.Context, tenant, id string) (*record, error) {
	if id == "" {
		return nil, domain.NotFound("export")
	}
	it, err := s.d.Store.Get(ctx, jobKey(tenant, id))
	if errors.Is(err, store.ErrNotFound) {
		return nil, domain.NotFound("export")
	}
	if err != nil {
		return nil, fmt.Errorf("export: read job %s: %w", id, err)
	}
	r, err := store.Decode[record](it)
	if err != nil {
		return nil, err
	}
	r.version = it.Version
	return r, nil
}

// save writes r over the version it was read at.
func (s *Service) save(ctx context.Context, r *record) error {
	old := r.version
	r.version++
	r.UpdatedAt = s.now()
	if err := s.d.Store.Put(ctx, r.item(), store.IfVersion(old)); err != nil {
		return fmt.Errorf("export: save job %s: %w", r.ID, err)
	}
	return nil
}

// HandleJob runs an export job: the file is written to a temporary file,
// then put in the files store, and the job marked done. A message that
// comes again after the job finished changes nothing; one that comes
// again mid-run (a crash) writes the file again.
func (s *Service) HandleJob(ctx context.Context, body []byte) error {
	var m message
	if err := json.Unmarshal(body, &m); err != nil || m.Kind != JobKind {
		return fmt.Errorf("export: not an export job: %s", body)
	}
	r, err := s.load(ctx, m.Tenant, m.ID)
	if domain.CodeOf(err) == "not_found" {
		s.d.Log.WarnContext(ctx, "export job gone", "tenant", m.Tenant, "job", m.ID)
		return nil
	}
	if err != nil || r.Status == StatusDone || r.Status == StatusFailed {
		return err
	}
	if s.Files == nil {
		return errNoFiles
	}
	c, err := s.requester(ctx, r)
	if err != nil {
		return err
	}
	if c == nil {
		return s.finish(ctx, r, StatusFailed, 0, "requester_inactive")
	}
	r.Status = StatusRunning
	if err := s.save(ctx, r); err != nil {
		return err
	}
	rows, err := s.writeFile(ctx, c, r)
	switch {
	case errors.Is(err, errTooMany):
		return s.finish(ctx, r, StatusFailed, 0, "export_too_many_rows")
	case domain.CodeOf(err) != "":
		// The query no longer holds (a field of its filter was removed).
		return s.finish(ctx, r, StatusFailed, 0, domain.CodeOf(err))
	case err != nil:
		return err
	}
	return s.finish(ctx, r, StatusDone, rows, "")
}

// requester is the job's requester as a caller now (their rights now);
// nil when they can no longer act.
func (s *Service) requester(ctx context.Context, r *record) (*workspace.Caller, error) {
	o, err := s.d.Orgs.LoadOrg(ctx, r.Tenant)
	if err != nil {
		return nil, err
	}
	u, ok := o.User(r.UserID)
	if !ok || !u.Active {
		return nil, nil
	}
	return &workspace.Caller{User: u, Org: o}, nil
}

// writeFile writes the job's file (the customer list's, or its kind's
// Maker's) and puts it in the files store.
func (s *Service) writeFile(ctx context.Context, c *workspace.Caller, r *record) (int, error) {
	f, err := os.CreateTemp("", "tend-export-*")
	if err != nil {
		return 0, fmt.Errorf("export: temporary file: %w", err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	var rows int
	if r.Kind != "" {
		rows, err = s.makeFile(ctx, c, r, f)
	} else {
		rows, err = s.fillList(ctx, c, r, f)
	}
	if err != nil {
		return 0, err
	}
	if _, err := f.Seek(0, 0); err != nil {
		return 0, fmt.Errorf("export: rewind the file: %w", err)
	}
	r.FileKey = "exports/" + r.Tenant + "/" + r.ID + "." + string(r.Format)
	if err := s.Files.Put(ctx, r.FileKey, r.contentType(), f); err != nil {
		return 0, fmt.Errorf("export: store job %s's file: %w", r.ID, err)
	}
	return rows, nil
}

// fillList writes a customer export's file to f.
func (s *Service) fillList(ctx context.Context, c *workspace.Caller, r *record, f io.Writer) (int, error) {
	w, rows, err := s.fill(ctx, c, &plan{format: r.Format, query: r.Query, columns: r.Columns}, &heldWriter{dst: f}, MaxRows)
	if err != nil {
		return 0, err
	}
	if err := w.Close(); err != nil {
		return 0, fmt.Errorf("export: finish the file: %w", err)
	}
	return rows, nil
}

func (s *Service) finish(ctx context.Context, r *record, status string, rows int, code string) error {
	now := s.now()
	r.Status, r.Rows, r.Error, r.FinishedAt = status, rows, code, &now
	if code != "" {
		s.d.Log.WarnContext(ctx, "export job failed", "tenant", r.Tenant, "job", r.ID, "code", code)
	}
	return s.save(ctx, r)
}
