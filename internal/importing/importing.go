// Package importing loads customers from spreadsheets [import khách hàng
// từ Excel]: the workspace's template, a preview of how a file's columns
// map to fields, and the import itself as a background job on the jobs
// queue that works through the file in chunks, checkpointing after each,
// so that a crash resumes and no row takes effect twice.
//
// Files live in a files store (an S3 bucket in AWS, a directory locally):
// the uploaded file, then the rows prepared from it as a plain CSV that
// each chunk reads from its byte offset.
package importing

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"time"

	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/store"
	"tend/internal/workspace"
)

// Files keeps files: the adapters are s3files (AWS) and localfiles (the
// local runner). Open returns domain.ErrNotFound (wrapped) for a missing
// key.
type Files interface {
	Put(ctx context.Context, key, contentType string, body io.ReadSeeker) error
	Open(ctx context.Context, key string) (io.ReadCloser, int64, error)
	// OpenAt opens a file from a byte offset on (empty past its end).
	OpenAt(ctx context.Context, key string, offset int64) (io.ReadCloser, error)
	Delete(ctx context.Context, key string) error
	UploadURL(ctx context.Context, key string, ttl time.Duration) (string, time.Time, error)
	DownloadURL(ctx context.Context, key, fileName string, ttl time.Duration) (string, time.Time, error)
}

// Queue takes the jobs' messages (the jobs queue).
type Queue interface {
	Send(ctx context.Context, body []byte, delay time.Duration) error
}

// Orgs reads workspaces' set-ups.
type Orgs interface {
	LoadOrg(ctx context.Context, tenant string) (*workspace.Org, error)
}

// Distribution hands customers to a distribution rule's rotation.
type Distribution interface {
	RuleExists(ctx context.Context, tenant, id string) (bool, error)
	HandOver(ctx context.Context, tenant, ruleID, customerID, owner, episode string) error
}

// Deps are what the service works with.
type Deps struct {
	Store        store.Store
	Clock        domain.Clock
	Log          *slog.Logger
	Orgs         Orgs
	Customers    *customer.Service
	Distribution Distribution
	Jobs         Queue
	// Files is nil in functions that have no files store (no
	// IMPORTS_BUCKET): importing there says so.
	Files Files
}

// Service runs imports.
type Service struct {
	Deps
	// ChunkRows is how many rows one job message works through (default
	// DefaultChunkRows).
	ChunkRows int
}

// DefaultChunkRows keeps one message well within a Lambda's time: a few
// seconds of writes.
const DefaultChunkRows = 500

// MaxBytes is the largest file an import takes (sheet.DefaultLimits).
const MaxBytes = 20 << 20

// UploadTTL is how long an upload URL stays valid.
const UploadTTL = 15 * time.Minute

// New returns the service.
func New(d Deps) *Service {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	return &Service{Deps: d, ChunkRows: DefaultChunkRows}
}

// errNoFiles is a function without a files store asked to keep a file.
var errNoFiles = errors.New("importing: this function has no files store (IMPORTS_BUCKET)")

func (s *Service) files() (Files, error) {
	if s.Files == nil {
		return nil, errNoFiles
	}
	return s.Files, nil
}

func (s *Service) now() time.Time { return s.Clock.Now().UTC() }
