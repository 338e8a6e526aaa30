package importing

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"time"

	"tend/internal/domain"
	"tend/internal/sheet"
	"tend/internal/store"
	"tend/internal/workspace"
)

// File is a spreadsheet sent with a request (a multipart part).
type File struct {
	Name string
	Body io.ReaderAt
	Size int64
}

// Upload is where a client sends a file too large for the API's payload
// limits (API Gateway's 10 MB, Lambda's 6 MB): a presigned PUT.
type Upload struct {
	UploadID  string    `json:"upload_id"`
	URL       string    `json:"url"`
	Method    string    `json:"method"`
	ExpiresAt time.Time `json:"expires_at"`
}

func uploadKey(tenant, user, id string) string { return "uploads/" + tenant + "/" + user + "/" + id }
func sourceKey(tenant, id string) string       { return "imports/" + tenant + "/" + id + "/source" }
func rowsKey(tenant, id string) string         { return "imports/" + tenant + "/" + id + "/rows.csv" }

var uploadID = regexp.MustCompile(`^upl_[A-Za-z0-9]{1,40}$`)

// NewUpload returns a presigned upload for the caller, whose id a later
// Start names: only its maker can import it.
func (s *Service) NewUpload(ctx context.Context, c *workspace.Caller) (*Upload, error) {
	files, err := s.files()
	if err != nil {
		return nil, err
	}
	id := domain.NewID("upl")
	url, exp, err := files.UploadURL(ctx, uploadKey(c.Tenant(), c.User.ID, id), UploadTTL)
	if err != nil {
		return nil, err
	}
	return &Upload{UploadID: id, URL: url, Method: "PUT", ExpiresAt: exp}, nil
}

// fileProblem is a file that can't be read, as the user error for it
// (at path "file").
func fileProblem(err error) error {
	var fe *sheet.FileError
	if !errors.As(err, &fe) {
		return err
	}
	return domain.Invalid("file", fe.Code, fileParams(fe)...)
}

// fileParams are the params of a file error's message; every one its
// message may name is given.
func fileParams(fe *sheet.FileError) []string {
	column := fe.Column
	if column == "" {
		column = "?"
	}
	max := strconv.FormatInt(fe.Limit, 10)
	if fe.Code == sheet.CodeTooLarge {
		max = fmt.Sprintf("%d MB", fe.Limit>>20)
	}
	return []string{"line", strconv.Itoa(fe.Line), "column", column, "max", max}
}

// openSheet reads a file's header, mapping every bad file to its user
// error.
func openSheet(body io.ReaderAt, size int64) (*sheet.Reader, error) {
	if size > MaxBytes {
		return nil, domain.Invalid("file", sheet.CodeTooLarge, fileParams(&sheet.FileError{Code: sheet.CodeTooLarge, Limit: MaxBytes})...)
	}
	rd, err := sheet.Open(body, size, sheet.DefaultLimits)
	if err != nil {
		return nil, fileProblem(err)
	}
	return rd, nil
}

// spooled is a file read into a temporary file, for sheet.Open (which
// reads at offsets) over a store that streams.
type spooled struct {
	*os.File
	size int64
}

func (f *spooled) Close() error {
	err := f.File.Close()
	_ = os.Remove(f.Name())
	return err
}

// openFile opens a stored file for reading at offsets: as it is when the
// store gives a local file, else spooled into a temporary one (at most
// MaxBytes and one more, so that a file over the limit is still told so).
func (s *Service) openFile(ctx context.Context, key string) (io.ReaderAt, int64, io.Closer, error) {
	files, err := s.files()
	if err != nil {
		return nil, 0, nil, err
	}
	body, size, err := files.Open(ctx, key)
	if err != nil {
		return nil, 0, nil, err
	}
	if f, ok := body.(*os.File); ok {
		return f, size, f, nil
	}
	defer body.Close()
	tmp, err := os.CreateTemp("", "tend-import-*")
	if err != nil {
		return nil, 0, nil, fmt.Errorf("importing: spool %s: %w", key, err)
	}
	sp := &spooled{File: tmp}
	n, err := io.Copy(tmp, io.LimitReader(body, MaxBytes+1))
	if err != nil {
		sp.Close()
		return nil, 0, nil, fmt.Errorf("importing: spool %s: %w", key, err)
	}
	sp.size = n
	return sp, n, sp, nil
}

// StartInput is what starts an import: a file sent with the request or
// an upload made before, how its columns map and the options.
type StartInput struct {
	File     *File
	UploadID string
	FileName string
	Mapping  Mapping
	Options  Options
}

// Start checks the file, its mapping and the options, keeps the file and
// queues the job that imports it.
func (s *Service) Start(ctx context.Context, c *workspace.Caller, in StartInput) (*Job, error) {
	files, err := s.files()
	if err != nil {
		return nil, err
	}
	if err := in.Options.check(ctx, s, c, "options"); err != nil {
		return nil, err
	}
	j := &Job{ID: domain.NewID("imp"), Tenant: c.Tenant(), UserID: c.User.ID, Status: StatusQueued, Options: in.Options,
		FileName: in.FileName, CreatedAt: s.now(), Version: 1}
	var body io.ReaderAt
	var size int64
	switch {
	case in.File != nil:
		body, size = in.File.Body, in.File.Size
		if j.FileName == "" {
			j.FileName = in.File.Name
		}
	case in.UploadID != "":
		if !uploadID.MatchString(in.UploadID) {
			return nil, domain.Invalid("upload_id", "unknown_upload")
		}
		j.SourceKey = uploadKey(c.Tenant(), c.User.ID, in.UploadID)
		ra, n, closer, err := s.openFile(ctx, j.SourceKey)
		if errors.Is(err, domain.ErrNotFound) {
			return nil, domain.Invalid("upload_id", "unknown_upload")
		}
		if err != nil {
			return nil, err
		}
		defer closer.Close()
		body, size = ra, n
	default:
		return nil, domain.Invalid("file", "required")
	}
	j.FileName = cleanName(j.FileName)
	rd, err := openSheet(body, size)
	if err != nil {
		return nil, err
	}
	j.Total = rd.Total()
	header := rd.Header()
	rd.Close()
	if j.Columns, err = MapColumns(c.Org, header, in.Mapping, "mapping"); err != nil {
		return nil, err
	}
	if j.SourceKey == "" {
		j.SourceKey = sourceKey(j.Tenant, j.ID)
		if err := files.Put(ctx, j.SourceKey, "application/octet-stream", io.NewSectionReader(body, 0, size)); err != nil {
			return nil, err
		}
	}
	j.UpdatedAt = j.CreatedAt
	if err := s.Store.Put(ctx, j.item(), store.NotExist); err != nil {
		return nil, fmt.Errorf("importing: keep import %s: %w", j.ID, err)
	}
	if err := s.send(ctx, j); err != nil {
		// The job is kept: the tick sends its message again.
		s.Log.ErrorContext(ctx, "importing: queue import", "import", j.ID, "err", err)
	}
	return j, nil
}

// cleanName keeps a file name fit to show: its last path element, at most
// 200 characters, "import" when there is none.
func cleanName(name string) string {
	for i := len(name) - 1; i >= 0; i-- {
		if name[i] == '/' || name[i] == '\\' {
			name = name[i+1:]
			break
		}
	}
	name = shownN(name, 200)
	if name == "" {
		return "import"
	}
	return name
}
