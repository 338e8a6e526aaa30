// Package export writes the customer list to a spreadsheet [xuất dữ liệu
// khách hàng]: the customers a caller's list shows for a text, filter and
// sort, in the columns of their list settings, as .xlsx or .csv that the
// import reads back. Up to MaxSync rows the file is the answer; a larger
// export becomes a job on the jobs queue that leaves the file in the files
// store, with a download link. Other exports (a campaign's members) run
// through the same jobs with a Maker of their own (files.go).
package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"tend/internal/customerlist"
	"tend/internal/domain"
	"tend/internal/listprefs"
	"tend/internal/sheet"
	"tend/internal/store"
	"tend/internal/workspace"
)

// Limits of an export.
const (
	// MaxSync is the most rows an export answers at once; more become a job.
	MaxSync = 10_000
	// maxSyncBytes is the largest file answered at once: a Lambda answer
	// holds at most 6 MB, and API Gateway sends a binary one in base64
	// (4 MiB × 4/3 is about 5.3 MiB).
	maxSyncBytes = 4 << 20
	// MaxRows is the most rows a job writes: what one import reads.
	MaxRows = 100_000
	// pageSize is how many customers are read from the list at a time.
	pageSize = 500
	// linkTTL is how long a download link works; fileTTL how long a job's
	// file and record are kept (the bucket's lifecycle rule in AWS).
	linkTTL = time.Hour
	fileTTL = 7 * 24 * time.Hour
)

// Lister lists customers as the customer list does, and checks a query
// as it does (customerlist.Service).
type Lister interface {
	ListCustomers(ctx context.Context, c *workspace.Caller, q customerlist.ListQuery) (*domain.Page[*domain.Customer], error)
	Check(c *workspace.Caller, q customerlist.ListQuery) error
}

// Prefs reads a user's list settings (listprefs.Service).
type Prefs interface {
	Get(ctx context.Context, c *workspace.Caller) (*listprefs.Settings, error)
}

// Orgs reads a workspace's set-up (workspace.Service).
type Orgs interface {
	LoadOrg(ctx context.Context, tenant string) (*workspace.Org, error)
}

// Files keeps the files of export jobs and links to them (the files store:
// localfiles, s3files).
type Files interface {
	Put(ctx context.Context, key, contentType string, body io.ReadSeeker) error
	DownloadURL(ctx context.Context, key, fileName string, ttl time.Duration) (string, time.Time, error)
}

// Queue is the jobs queue.
type Queue interface {
	Send(ctx context.Context, body []byte, delay time.Duration) error
}

// Deps are what the service works with.
type Deps struct {
	Store store.Store
	Clock domain.Clock
	Log   *slog.Logger
	Orgs  Orgs
	Lists Lister
	Prefs Prefs
	Jobs  Queue
	// Makers make the files of the other kinds of export, by kind (see
	// ExportFile).
	Makers map[string]Maker
}

// Service exports customers.
type Service struct {
	d Deps
	// Files is where jobs leave their files; set by the functions that
	// run or answer export jobs (nil: a job fails, and says why).
	Files Files
}

// New returns the export service.
func New(d Deps) *Service {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	return &Service{d: d}
}

// Format is a file format.
type Format string

const (
	XLSX Format = "xlsx"
	CSV  Format = "csv"
)

// ParseFormat reads the format parameter; absent is xlsx.
func ParseFormat(s string) (Format, error) {
	switch Format(s) {
	case "", XLSX:
		return XLSX, nil
	case CSV:
		return CSV, nil
	}
	return "", domain.Invalid("format", "invalid_value")
}

// ContentType is the format's media type.
func (f Format) ContentType() string {
	if f == CSV {
		return "text/csv; charset=utf-8"
	}
	return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
}

// Request asks for an export: the list's text, filter and sort. Async
// asks for a job whatever the export's size (a client that would rather
// have a link).
type Request struct {
	Format          Format
	Q, Filter, Sort string
	Async           bool
}

// Download is an export answered at once: the file's name, type and size.
type Download struct {
	FileName    string
	ContentType string
	Size        int
}

// FileName is an export's file name on the workspace's today:
// khach-hang-YYYY-MM-DD.xlsx.
func FileName(o *workspace.Org, now time.Time, f Format) string {
	return fmt.Sprintf("khach-hang-%s.%s", domain.DateOf(now, o.Workspace.Location()), f)
}

// plan is an export made ready: the list query and the columns.
type plan struct {
	format  Format
	query   customerlist.ListQuery
	columns []string
}

// planFor applies the caller's list settings to a request: their columns
// (every field when they saved none) and their sort when it names none.
func (s *Service) planFor(ctx context.Context, c *workspace.Caller, req Request) (*plan, error) {
	st, err := s.d.Prefs.Get(ctx, c)
	if err != nil {
		return nil, err
	}
	q := customerlist.ListQuery{Q: req.Q, Filter: req.Filter, Sort: req.Sort}
	if q.Sort == "" && !st.Default {
		q.Sort = st.Sort
	}
	return &plan{format: req.Format, query: q, columns: st.Columns}, nil
}

// errTooMany stops a scan that has read more rows than it may write.
var errTooMany = errors.New("export: too many rows")

// Export writes the customers the caller's list shows for the request.
// When they are at most MaxSync, open is called with the file's name and
// type and the file is written to the writer it returns (the answer's job
// is nil); else nothing is written and a job is queued that makes the
// file.
//
// Rows go into the file's writer as they are read from the list, a page
// at a time, never the whole list at once. The file's bytes are held
// back until the export is known to fit, at most MaxSync rows and
// maxSyncBytes (an xlsx file is one zip, written whole at its end
// anyway): a 200 can't become a 202 once bytes have gone out.
func (s *Service) Export(ctx context.Context, c *workspace.Caller, req Request, open func(Download) io.Writer) (*Job, error) {
	p, err := s.planFor(ctx, c, req)
	if err != nil {
		return nil, err
	}
	if req.Async {
		if err := s.d.Lists.Check(c, p.query); err != nil {
			return nil, err
		}
		return s.queuePlan(ctx, c, p)
	}
	held := &heldWriter{max: maxSyncBytes}
	w, _, err := s.fill(ctx, c, p, held, MaxSync)
	if err == nil {
		err = w.Close()
	}
	if errors.Is(err, errTooMany) || held.over {
		// Too large to answer: a job makes the file.
		return s.queuePlan(ctx, c, p)
	}
	if err != nil {
		return nil, err
	}
	dst := open(Download{FileName: FileName(c.Org, s.now(), p.format), ContentType: p.format.ContentType(), Size: len(held.buf)})
	_, err = dst.Write(held.buf)
	return nil, err
}

func (s *Service) now() time.Time { return s.d.Clock.Now().UTC() }

// fill writes the header and the rows of the plan's customers into a new
// writer over out, and returns it (not closed: its last bytes are written
// by Close) with the number of rows. Over max rows it stops with
// errTooMany; on any error the writer is closed into nothing.
func (s *Service) fill(ctx context.Context, c *workspace.Caller, p *plan, out *heldWriter, max int) (sheet.Writer, int, error) {
	cols := columnsOf(c.Org, p.columns)
	var w sheet.Writer
	var err error
	if p.format == CSV {
		w, err = sheet.NewCSV(out, header(cols))
	} else {
		w, err = sheet.NewXLSX(out, "Khách hàng", header(cols))
	}
	if err != nil {
		return nil, 0, fmt.Errorf("export: start the file: %w", err)
	}
	loc := c.Org.Workspace.Location()
	rows := 0
	var cells []any
	q := p.query
	q.Limit = pageSize
	err = func() error {
		for {
			page, err := s.d.Lists.ListCustomers(ctx, c, q)
			if err != nil {
				return err
			}
			for _, cu := range page.Items {
				if rows == max {
					return errTooMany
				}
				cells = row(c.Org, loc, cols, cu, cells)
				if err := w.Write(cells); err != nil {
					return fmt.Errorf("export: write a row: %w", err)
				}
				rows++
			}
			if page.NextCursor == "" {
				return nil
			}
			q.Cursor = page.NextCursor
		}
	}()
	if err != nil {
		out.discard()
		_ = w.Close()
		return nil, 0, err
	}
	return w, rows, nil
}

// errTooLarge stops an export whose file has grown past what is answered
// at once.
var errTooLarge = errors.New("export: file too large to answer at once")

// heldWriter keeps what is written, up to max bytes (past them it fails
// with errTooLarge and says so in over, whatever a writer above makes of
// the error), or when it has a destination writes straight to it; once
// discarded, it drops what it is given.
type heldWriter struct {
	buf       []byte
	max       int
	over      bool
	dst       io.Writer
	discarded bool
}

func (h *heldWriter) Write(p []byte) (int, error) {
	switch {
	case h.discarded:
		return len(p), nil
	case h.dst != nil:
		return h.dst.Write(p)
	case len(h.buf)+len(p) > h.max:
		h.over = true
		return 0, errTooLarge
	}
	h.buf = append(h.buf, p...)
	return len(p), nil
}

// discard drops what was held and everything after.
func (h *heldWriter) discard() { h.discarded, h.buf = true, nil }
