package importing

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"tend/internal/domain"
	"tend/internal/store"
	"tend/internal/workspace"
)

// Statuses of an import job.
const (
	StatusQueued  = "queued"
	StatusRunning = "running"
	StatusDone    = "done"
	StatusFailed  = "failed"
)

// Column is one column of the file and the field its values go to (""
// for none).
type Column struct {
	Header string `json:"header"`
	Field  string `json:"field"`
}

// Job is an import: what it imports, how, and how far it got. It is also
// the job's checkpoint: Chunk and Offset say where the next message
// starts, and the counters hold what the chunks before it did.
type Job struct {
	ID        string   `json:"id"`
	Tenant    string   `json:"tenant"`
	UserID    string   `json:"user_id"`
	Status    string   `json:"status"`
	FileName  string   `json:"file_name"`
	SourceKey string   `json:"source_key"`
	RowsKey   string   `json:"rows_key,omitempty"`
	Columns   []Column `json:"columns"`
	Options   Options  `json:"options"`

	Total       int `json:"total"`
	Processed   int `json:"processed"`
	Imported    int `json:"imported"`
	Updated     int `json:"updated"`
	Skipped     int `json:"skipped"`
	Refused     int `json:"refused"`
	ErrorsTotal int `json:"errors_total"`
	// Failure is why a job failed (a file that turned out unreadable).
	Failure *domain.FieldError `json:"failure,omitempty"`

	// Chunk is the number of the next message to work: 0 prepares the
	// rows, n > 0 imports the rows from Offset (a byte offset in the
	// prepared rows). A message of another number is stale.
	Chunk  int   `json:"chunk"`
	Offset int64 `json:"offset"`

	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
	Version    int64      `json:"version"`
}

// Finished reports whether the job has nothing left to do.
func (j *Job) Finished() bool { return j.Status == StatusDone || j.Status == StatusFailed }

// Key layout of imports:
//
//	T#<t>#IMP#<id>  JOB             the job (GSI1: all of a workspace's, GSI2: a user's, newest last;
//	                                 GSI3: open jobs, for the tick)
//	                L#<line>        a row's effect, written with the customer (exactly once)
//	                C#<customer>    the row that created or updated a customer (duplicates within the file)
//	                E#<line>        a row's problems
func jobPK(t, id string) string        { return "T#" + t + "#IMP#" + id }
func jobKey(t, id string) store.Key    { return store.Key{PK: jobPK(t, id), SK: "JOB"} }
func allJobsPK(t string) string        { return "T#" + t + "#IMPORTS" }
func userJobsPK(t, user string) string { return "T#" + t + "#IMPORTS#U#" + user }
func lineSK(line int) string           { return fmt.Sprintf("%08d", line) }
func markerKey(t, id string, line int) store.Key {
	return store.Key{PK: jobPK(t, id), SK: "L#" + lineSK(line)}
}
func customerMarkerKey(t, id, customerID string) store.Key {
	return store.Key{PK: jobPK(t, id), SK: "C#" + customerID}
}
func errorKey(t, id string, line int) store.Key {
	return store.Key{PK: jobPK(t, id), SK: "E#" + lineSK(line)}
}

// openJobsPK lists the jobs not finished, for the tick that sends again
// the message of a job that stopped moving.
const openJobsPK = "IMPORTS#OPEN"

const (
	typeJob    = "import_job"
	typeMarker = "import_marker"
	typeError  = "import_error"
)

func (j *Job) item() store.Item {
	sk := store.SortTime(j.CreatedAt) + "#" + j.ID
	it := store.Item{Key: jobKey(j.Tenant, j.ID), Type: typeJob, Version: j.Version, Doc: store.Doc(j)}
	it.Index[0] = store.IndexKey{PK: allJobsPK(j.Tenant), SK: sk}
	it.Index[1] = store.IndexKey{PK: userJobsPK(j.Tenant, j.UserID), SK: sk}
	if !j.Finished() {
		it.Index[2] = store.IndexKey{PK: openJobsPK, SK: j.Tenant + "#" + j.ID}
	}
	return it
}

func (s *Service) loadJob(ctx context.Context, tenant, id string) (*Job, error) {
	j, _, err := store.Load[Job](ctx, s.Store, jobKey(tenant, id), "import")
	return j, err
}

// saveJob writes the job if it is still at the version it was read at.
func (s *Service) saveJob(ctx context.Context, j *Job) error {
	prev := j.Version
	j.Version++
	j.UpdatedAt = s.now()
	if err := s.Store.Put(ctx, j.item(), store.IfVersion(prev)); err != nil {
		j.Version = prev
		return fmt.Errorf("importing: save import %s: %w", j.ID, err)
	}
	return nil
}

// marker is a row's effect: the customer it created or updated.
type marker struct {
	CustomerID string `json:"customer_id"`
	Outcome    string `json:"outcome"` // created | updated
	Line       int    `json:"line"`
}

// markerOps are the writes that make a row's effect happen once: its
// marker and the customer's, each "must not exist", in the customer's
// transaction.
func markerOps(j *Job, line int, customerID, outcome string) []store.TxOp {
	m := store.Doc(marker{CustomerID: customerID, Outcome: outcome, Line: line})
	return []store.TxOp{
		store.TxPut(store.Item{Key: markerKey(j.Tenant, j.ID, line), Type: typeMarker, Version: 1, Doc: m}, store.NotExist),
		store.TxPut(store.Item{Key: customerMarkerKey(j.Tenant, j.ID, customerID), Type: typeMarker, Version: 1, Doc: m}, store.NotExist),
	}
}

// RowError is one problem of a row: a refused value, or the duplicate
// that made it skipped.
type RowError struct {
	Row    int               `json:"row"`
	Path   string            `json:"path"`
	Column string            `json:"column,omitempty"`
	Code   string            `json:"code"`
	Params map[string]string `json:"params,omitempty"`
}

// rowProblems are a row's problems as stored.
type rowProblems struct {
	Line    int        `json:"line"`
	Refused bool       `json:"refused"` // else skipped as a duplicate
	Errors  []RowError `json:"errors"`
}

// maxErrorsPerRow bounds what is kept of one row's problems.
const maxErrorsPerRow = 20

// errorsOf returns a job's row problems in row order, at most limit.
func (s *Service) errorsOf(ctx context.Context, j *Job, limit int) ([]RowError, error) {
	out := []RowError{}
	err := s.eachRowProblems(ctx, j, func(rp *rowProblems) bool {
		for _, e := range rp.Errors {
			if len(out) == limit {
				return false
			}
			out = append(out, e)
		}
		return true
	})
	return out, err
}

// refusedRows returns the problems of the rows refused (not those
// skipped), by line.
func (s *Service) refusedRows(ctx context.Context, j *Job) (map[int][]RowError, error) {
	out := map[int][]RowError{}
	err := s.eachRowProblems(ctx, j, func(rp *rowProblems) bool {
		if rp.Refused {
			out[rp.Line] = rp.Errors
		}
		return true
	})
	return out, err
}

// eachRowProblems calls fn with each row's problems, in row order, while
// fn returns true.
func (s *Service) eachRowProblems(ctx context.Context, j *Job, fn func(*rowProblems) bool) error {
	for it, err := range store.Items(ctx, s.Store, store.Query{PK: jobPK(j.Tenant, j.ID), SK: store.SKBeginsWith, A: "E#", Limit: 500}) {
		if err != nil {
			return err
		}
		rp, err := store.Decode[rowProblems](it)
		if err != nil {
			return err
		}
		if !fn(rp) {
			return nil
		}
	}
	return nil
}

// View is an import as the API shows it (with its errors).
type View struct {
	*Job
	Errors []RowError `json:"errors"`
}

// MaxErrorsShown bounds the errors an import's answer lists.
const MaxErrorsShown = 1000

// Get returns an import the caller may see: their own; admins see all.
func (s *Service) Get(ctx context.Context, c *workspace.Caller, id string) (*View, error) {
	j, err := s.visibleJob(ctx, c, id)
	if err != nil {
		return nil, err
	}
	errs, err := s.errorsOf(ctx, j, MaxErrorsShown)
	if err != nil {
		return nil, err
	}
	return &View{Job: j, Errors: errs}, nil
}

func (s *Service) visibleJob(ctx context.Context, c *workspace.Caller, id string) (*Job, error) {
	if strings.ContainsAny(id, "#") {
		return nil, domain.NotFound("import")
	}
	j, err := s.loadJob(ctx, c.Tenant(), id)
	if errors.Is(err, domain.ErrNotFound) || (err == nil && !c.IsAdmin() && j.UserID != c.User.ID) {
		return nil, domain.NotFound("import")
	}
	return j, err
}

// List returns the caller's imports (an admin's: the workspace's), newest
// first, a page at a time.
func (s *Service) List(ctx context.Context, c *workspace.Caller, limit int, cursor string) (*domain.Page[*Job], error) {
	q := store.Query{Index: store.GSI2, PK: userJobsPK(c.Tenant(), c.User.ID), Reverse: true, Limit: limit, Cursor: cursor}
	if c.IsAdmin() {
		q.Index, q.PK = store.GSI1, allJobsPK(c.Tenant())
	}
	page, err := s.Store.Query(ctx, q)
	if err != nil {
		return nil, store.CursorError(err)
	}
	out := &domain.Page[*Job]{Items: make([]*Job, 0, len(page.Items)), NextCursor: page.Cursor}
	for _, it := range page.Items {
		j, err := store.Decode[Job](it)
		if err != nil {
			return nil, err
		}
		out.Items = append(out.Items, j)
	}
	return out, nil
}

// decodeJSON reads a stored document.
func decodeJSON[T any](b []byte) (*T, error) {
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, err
	}
	return &v, nil
}
