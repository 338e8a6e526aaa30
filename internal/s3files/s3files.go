// Package s3files keeps files in an S3 bucket: the adapter of the files
// port on AWS (the imports' uploaded spreadsheets, their error reports, the
// exports). Uploads and downloads by clients go straight to S3 through
// presigned URLs, so that no file passes through API Gateway's 10 MB or
// Lambda's 6 MB payload limits.
package s3files

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"tend/internal/domain"
)

// Store keeps files in one bucket.
type Store struct {
	client  *s3.Client
	presign *s3.PresignClient
	bucket  string
	clock   domain.Clock
}

// New returns a store over the bucket. URLs are signed at the clock's time
// (so the expiry they state is the one they carry).
func New(client *s3.Client, bucket string, clock domain.Clock) (*Store, error) {
	if client == nil || bucket == "" {
		return nil, errors.New("s3files: a client and a bucket are needed")
	}
	signer := clockSigner{inner: v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }), clock: clock}
	return &Store{client: client, bucket: bucket, clock: clock,
		presign: s3.NewPresignClient(client, func(o *s3.PresignOptions) { o.Presigner = signer })}, nil
}

// Put stores body under key. The body is seekable so that the request
// can be signed over its hash on any endpoint, TLS or not.
func (s *Store) Put(ctx context.Context, key, contentType string, body io.ReadSeeker) error {
	size, err := body.Seek(0, io.SeekEnd)
	if err == nil {
		_, err = body.Seek(0, io.SeekStart)
	}
	if err != nil {
		return fmt.Errorf("s3files: put %s: %w", key, err)
	}
	_, err = s.client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key), Body: body,
		ContentLength: aws.Int64(size), ContentType: aws.String(contentType)})
	if err != nil {
		return fmt.Errorf("s3files: put %s: %w", key, err)
	}
	return nil
}

// Open returns the file under key and its size; domain.ErrNotFound
// when there is none. The caller closes it.
func (s *Store) Open(ctx context.Context, key string) (io.ReadCloser, int64, error) {
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key)})
	if err != nil {
		var nsk *types.NoSuchKey
		if errors.As(err, &nsk) {
			return nil, 0, fmt.Errorf("s3files: open %s: %w", key, domain.ErrNotFound)
		}
		return nil, 0, fmt.Errorf("s3files: open %s: %w", key, err)
	}
	return out.Body, aws.ToInt64(out.ContentLength), nil
}

// OpenAt opens the file under key from byte offset on (a ranged GET: a
// chunk of an import reads its part of the rows file, not all before it).
// An offset at or past the end gives an empty body.
func (s *Store) OpenAt(ctx context.Context, key string, offset int64) (io.ReadCloser, error) {
	if offset <= 0 {
		body, _, err := s.Open(ctx, key)
		return body, err
	}
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key),
		Range: aws.String(fmt.Sprintf("bytes=%d-", offset))})
	if err != nil {
		var nsk *types.NoSuchKey
		var re interface{ HTTPStatusCode() int }
		switch {
		case errors.As(err, &nsk):
			return nil, fmt.Errorf("s3files: open %s: %w", key, domain.ErrNotFound)
		case errors.As(err, &re) && re.HTTPStatusCode() == http.StatusRequestedRangeNotSatisfiable:
			return io.NopCloser(strings.NewReader("")), nil
		}
		return nil, fmt.Errorf("s3files: open %s at %d: %w", key, offset, err)
	}
	return out.Body, nil
}

// Delete removes the file under key; a missing one is no error.
func (s *Store) Delete(ctx context.Context, key string) error {
	if _, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key)}); err != nil {
		return fmt.Errorf("s3files: delete %s: %w", key, err)
	}
	return nil
}

// UploadURL returns a URL a client PUTs the file's bytes to, valid for
// ttl, and when it expires.
func (s *Store) UploadURL(ctx context.Context, key string, ttl time.Duration) (string, time.Time, error) {
	req, err := s.presign.PresignPutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key)},
		s3.WithPresignExpires(ttl))
	if err != nil {
		return "", time.Time{}, fmt.Errorf("s3files: upload URL for %s: %w", key, err)
	}
	if req.Method != http.MethodPut {
		return "", time.Time{}, fmt.Errorf("s3files: upload URL for %s is a %s", key, req.Method)
	}
	return req.URL, s.clock.Now().Add(ttl), nil
}

// DownloadURL returns a URL that GETs the file under key as an attachment
// named fileName, valid for ttl, and when it expires.
func (s *Store) DownloadURL(ctx context.Context, key, fileName string, ttl time.Duration) (string, time.Time, error) {
	in := &s3.GetObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key)}
	if fileName != "" {
		in.ResponseContentDisposition = aws.String(mime.FormatMediaType("attachment", map[string]string{"filename": fileName}))
	}
	req, err := s.presign.PresignGetObject(ctx, in, s3.WithPresignExpires(ttl))
	if err != nil {
		return "", time.Time{}, fmt.Errorf("s3files: download URL for %s: %w", key, err)
	}
	return req.URL, s.clock.Now().Add(ttl), nil
}

// clockSigner signs URLs at the clock's time rather than the machine's.
type clockSigner struct {
	inner *v4.Signer
	clock domain.Clock
}

func (c clockSigner) PresignHTTP(ctx context.Context, creds aws.Credentials, r *http.Request, payloadHash, service, region string,
	_ time.Time, optFns ...func(*v4.SignerOptions)) (string, http.Header, error) {
	return c.inner.PresignHTTP(ctx, creds, r, payloadHash, service, region, c.clock.Now(), optFns...)
}
