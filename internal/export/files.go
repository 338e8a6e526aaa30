package export

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"tend/internal/workspace"
)

// A Maker makes the file of another kind of export than the customer
// list's (a campaign's members: campaign.Service), so that such an export
// reuses the customer export's jobs whole — the job record, the jobs
// queue, the files store, the download link and GET /v1/exports/{id} —
// and writes only its own file. Makers are named by kind in Deps.Makers.
type Maker interface {
	// MakeFile writes the file of a job to w, for the job's requester as
	// they are when it runs, from the params its FileRequest gave, and
	// says how many rows it holds. A coded error (domain.CodeOf) fails
	// the job with that code; another one is retried.
	MakeFile(ctx context.Context, c *workspace.Caller, params json.RawMessage, w io.Writer) (rows int, err error)
}

// FileRequest asks for a file another package writes: answered at once
// when it is small enough, made by a job of its Kind's Maker otherwise.
type FileRequest struct {
	// Kind names the Maker that makes the file in a job (Deps.Makers).
	Kind string
	// Format is the file's extension, shown as the job's format.
	Format      Format
	FileName    string
	ContentType string
	// Params are kept with the job, as JSON, for the Maker.
	Params any
	// Async asks for a job whatever the file's size: the caller knows it
	// is large (or the client would rather have a link).
	Async bool
}

// ExportFile answers a file that write writes. Unless the request asks
// for a job, the file is written to a buffer of at most maxSyncBytes: when
// it fits, open is called with its name, type and size and the file is
// written to the writer open returns (the answer's job is nil); when it
// does not, nothing is answered and a job is queued that makes the file
// through the request kind's Maker. Held until it fits, a file can still
// become a job rather than a 200 cut short.
func (s *Service) ExportFile(ctx context.Context, c *workspace.Caller, req FileRequest, write func(io.Writer) error,
	open func(Download) io.Writer) (*Job, error) {
	if _, ok := s.d.Makers[req.Kind]; !ok {
		return nil, fmt.Errorf("export: no maker of %q files", req.Kind)
	}
	if !req.Async {
		held := &heldWriter{max: maxSyncBytes}
		err := write(held)
		switch {
		case held.over:
			// Too large to answer: a job makes the file.
		case err != nil:
			return nil, err
		default:
			dst := open(Download{FileName: req.FileName, ContentType: req.ContentType, Size: len(held.buf)})
			_, err = dst.Write(held.buf)
			return nil, err
		}
	}
	params, err := json.Marshal(req.Params)
	if err != nil {
		return nil, fmt.Errorf("export: a %s job's params: %w", req.Kind, err)
	}
	now := s.now()
	return s.queue(ctx, &record{ID: newJobID(), Tenant: c.Tenant(), UserID: c.User.ID, Kind: req.Kind, Params: params,
		Format: req.Format, ContentType: req.ContentType, Status: StatusQueued, FileName: req.FileName, CreatedAt: now, version: 1})
}

// makeFile writes the file of a job of another kind than the customer
// list's to w through its Maker.
func (s *Service) makeFile(ctx context.Context, c *workspace.Caller, r *record, w io.Writer) (int, error) {
	m, ok := s.d.Makers[r.Kind]
	if !ok {
		return 0, fmt.Errorf("export: job %s: %w %q", r.ID, errNoMaker, r.Kind)
	}
	return m.MakeFile(ctx, c, r.Params, w)
}

var errNoMaker = errors.New("export: no maker of the files of kind")
