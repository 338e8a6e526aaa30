package httpapi

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"tend/internal/domain"
	"tend/internal/jsonin"
)

// maxBody bounds a request body.
const maxBody = 1 << 20

// readRaw reads the request body as sent, refusing what is too large (413)
// or not of a JSON media type (415).
func readRaw(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if takesUpload(r) {
		// A spreadsheet sent to an import route (read whole only for the
		// idempotency keeper's fingerprint).
		b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxUpload))
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, domain.Errorf(domain.ErrTooLarge, "body_too_large", "max", "20 MiB")
		}
		if err != nil {
			return nil, domain.Errorf(domain.ErrBadRequest, "unreadable_body")
		}
		return b, nil
	}
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || !jsonish(mt) {
			return nil, domain.Errorf(domain.ErrUnsupportedMedia, "unsupported_media_type")
		}
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return nil, domain.Errorf(domain.ErrTooLarge, "body_too_large", "max", "1 MiB")
	}
	if err != nil {
		return nil, domain.Errorf(domain.ErrBadRequest, "invalid_json")
	}
	return b, nil
}

// readBody reads a request body that must be JSON whose strings are text
// (jsonin.Check): what every endpoint's parser reads.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	b, err := readRaw(w, r)
	if err != nil {
		return nil, err
	}
	return b, jsonin.Check(b)
}

// jsonish accepts JSON media types, and the form type curl sends with -d
// by default: the body must parse as JSON either way.
func jsonish(mediaType string) bool {
	switch mediaType {
	case "application/json", "text/plain", "application/x-www-form-urlencoded":
		return true
	}
	return strings.HasSuffix(mediaType, "+json")
}

// decodeBody reads a JSON object body into v, strictly: unknown properties
// and values of the wrong type are refused with their path.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) error {
	raw, err := readBody(w, r)
	if err != nil {
		return err
	}
	return jsonin.Strict(raw, v)
}
