// Package localfiles keeps files in a directory: the adapter of the files
// port for the local runner, standing for the S3 bucket (package s3files).
// Clients upload and download through links the runner serves under
// /dev/files/, signed with HMAC-SHA256 and expiring, as S3's presigned URLs
// are.
package localfiles

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"tend/internal/domain"
)

// Prefix is the path under which Handler serves the files.
const Prefix = "/dev/files/"

// MaxUpload bounds what one upload link accepts (the imports' limit).
const MaxUpload = 20 << 20

// Store keeps files under a directory.
type Store struct {
	dir    string
	base   string
	secret []byte
	clock  domain.Clock
}

// Open returns a store over dir (made when missing), whose links start
// with baseURL (the runner's address, e.g. http://localhost:8080). The
// key that signs the links is kept in dir, made on first use.
func Open(dir, baseURL string, clock domain.Clock) (*Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("localfiles: %w", err)
	}
	secret, err := loadKey(filepath.Join(dir, ".signing-key"))
	if err != nil {
		return nil, err
	}
	return &Store{dir: dir, base: strings.TrimRight(baseURL, "/"), secret: secret, clock: clock}, nil
}

func loadKey(path string) ([]byte, error) {
	key, err := os.ReadFile(path)
	if err == nil && len(key) == 32 {
		return key, nil
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("localfiles: read signing key: %w", err)
	}
	key = make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, key, 0o600); err != nil {
		return nil, fmt.Errorf("localfiles: keep signing key: %w", err)
	}
	return key, nil
}

// path returns where key lives. Keys are slash-separated segments of
// letters, digits, '-', '_' and '.', none starting with a dot: they never
// leave the directory nor name the signing key.
func (s *Store) path(key string) (string, error) {
	if key == "" || len(key) > 512 {
		return "", fmt.Errorf("localfiles: bad key %q", key)
	}
	for seg := range strings.SplitSeq(key, "/") {
		if seg == "" || seg[0] == '.' || strings.IndexFunc(seg, badKeyRune) >= 0 {
			return "", fmt.Errorf("localfiles: bad key %q", key)
		}
	}
	return filepath.Join(s.dir, filepath.FromSlash(key)), nil
}

func badKeyRune(r rune) bool {
	return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.')
}

// Put stores the whole of body (from its start, as S3's adapter does)
// under key, replacing what was there at once (a reader never sees half a
// file).
func (s *Store) Put(_ context.Context, key, _ string, body io.ReadSeeker) error {
	if _, err := body.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("localfiles: put %s: %w", key, err)
	}
	_, err := s.write(key, body, -1)
	return err
}

// write copies at most limit bytes of r (no limit when negative) to key
// through a temporary file; it reports whether r held more.
func (s *Store) write(key string, r io.Reader, limit int64) (over bool, err error) {
	p, err := s.path(key)
	if err != nil {
		return false, err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return false, fmt.Errorf("localfiles: put %s: %w", key, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".put-*")
	if err != nil {
		return false, fmt.Errorf("localfiles: put %s: %w", key, err)
	}
	defer os.Remove(tmp.Name()) // after the rename, nothing to remove
	src := r
	if limit >= 0 {
		src = io.LimitReader(r, limit+1)
	}
	n, err := io.Copy(tmp, src)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return false, fmt.Errorf("localfiles: put %s: %w", key, err)
	}
	if limit >= 0 && n > limit {
		return true, nil
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		return false, fmt.Errorf("localfiles: put %s: %w", key, err)
	}
	return false, nil
}

// Open returns the file under key (an *os.File) and its size;
// domain.ErrNotFound when there is none.
func (s *Store) Open(_ context.Context, key string) (io.ReadCloser, int64, error) {
	p, err := s.path(key)
	if err != nil {
		return nil, 0, err
	}
	f, err := os.Open(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, 0, fmt.Errorf("localfiles: open %s: %w", key, domain.ErrNotFound)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("localfiles: open %s: %w", key, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, fmt.Errorf("localfiles: open %s: %w", key, err)
	}
	return f, fi.Size(), nil
}

// OpenAt opens the file under key from byte offset on.
func (s *Store) OpenAt(ctx context.Context, key string, offset int64) (io.ReadCloser, error) {
	f, _, err := s.Open(ctx, key)
	if err != nil {
		return nil, err
	}
	if _, err := f.(io.Seeker).Seek(offset, io.SeekStart); err != nil {
		f.Close()
		return nil, fmt.Errorf("localfiles: open %s at %d: %w", key, offset, err)
	}
	return f, nil
}

// Delete removes the file under key; a missing one is no error.
func (s *Store) Delete(_ context.Context, key string) error {
	p, err := s.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("localfiles: delete %s: %w", key, err)
	}
	return nil
}

// UploadURL returns a link a client PUTs the file's bytes to (at most
// MaxUpload), valid for ttl, and when it expires.
func (s *Store) UploadURL(_ context.Context, key string, ttl time.Duration) (string, time.Time, error) {
	return s.link(http.MethodPut, key, "", ttl)
}

// DownloadURL returns a link that GETs the file under key as an
// attachment named fileName, valid for ttl, and when it expires.
func (s *Store) DownloadURL(_ context.Context, key, fileName string, ttl time.Duration) (string, time.Time, error) {
	return s.link(http.MethodGet, key, fileName, ttl)
}

func (s *Store) link(method, key, name string, ttl time.Duration) (string, time.Time, error) {
	if _, err := s.path(key); err != nil {
		return "", time.Time{}, err
	}
	expires := s.clock.Now().Add(ttl).Truncate(time.Second)
	exp := strconv.FormatInt(expires.Unix(), 10)
	q := url.Values{"expires": {exp}, "sig": {s.sign(method, key, exp, name)}}
	if name != "" {
		q.Set("name", name)
	}
	return s.base + Prefix + key + "?" + q.Encode(), expires, nil
}

func (s *Store) sign(method, key, expires, name string) string {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte(method + "\n" + key + "\n" + expires + "\n" + name))
	return hex.EncodeToString(m.Sum(nil))
}

// Handler serves the links: PUT stores the body, GET answers the file.
// A link that is altered, expired, or used with another method answers
// 403; a missing file 404; an upload over MaxUpload 413.
func (s *Store) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := strings.TrimPrefix(r.URL.Path, Prefix)
		q := r.URL.Query()
		exp, name := q.Get("expires"), q.Get("name")
		unix, err := strconv.ParseInt(exp, 10, 64)
		want := s.sign(r.Method, key, exp, name)
		if err != nil || !hmac.Equal([]byte(want), []byte(q.Get("sig"))) || s.clock.Now().After(time.Unix(unix, 0)) {
			http.Error(w, "this link is not valid (altered or expired)", http.StatusForbidden)
			return
		}
		switch r.Method {
		case http.MethodPut:
			over, err := s.write(key, r.Body, MaxUpload)
			switch {
			case over:
				http.Error(w, fmt.Sprintf("the file is over %d bytes", MaxUpload), http.StatusRequestEntityTooLarge)
			case err != nil:
				http.Error(w, "the file could not be stored", http.StatusInternalServerError)
			default:
				w.WriteHeader(http.StatusOK)
			}
		case http.MethodGet:
			f, size, err := s.Open(r.Context(), key)
			if err != nil {
				http.Error(w, "no such file", http.StatusNotFound)
				return
			}
			defer f.Close()
			w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
			w.Header().Set("Content-Type", contentType(key))
			if name != "" {
				w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
			}
			_, _ = io.Copy(w, f)
		default:
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		}
	})
}

// contentType guesses a file's type from its key's extension.
func contentType(key string) string {
	switch filepath.Ext(key) {
	case ".xlsx":
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case ".csv":
		return "text/csv; charset=utf-8"
	}
	if t := mime.TypeByExtension(filepath.Ext(key)); t != "" {
		return t
	}
	return "application/octet-stream"
}
