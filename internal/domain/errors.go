package domain

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel kinds of failure. Every *Error wraps exactly one of them; the HTTP
// layer maps them to status codes.
var (
	ErrBadRequest       = errors.New("bad request")            // malformed input (400)
	ErrUnauthorized     = errors.New("unauthorized")           // no valid identity (401)
	ErrForbidden        = errors.New("forbidden")              // identity may not do this (403)
	ErrNotFound         = errors.New("not found")              // no such thing for this caller (404)
	ErrConflict         = errors.New("conflict")               // collides with the current state (409)
	ErrTooLarge         = errors.New("too large")              // the request body is over the limit (413)
	ErrUnsupportedMedia = errors.New("unsupported media type") // the request body is not JSON (415)
	ErrInvalid          = errors.New("invalid")                // well-formed but not acceptable (422)
	ErrTooManyRequests  = errors.New("too many requests")      // over a rate limit (429)
	ErrUnavailable      = errors.New("unavailable")            // try again later (503)
)

// Error is a failure a user can act on: a stable machine code, parameters
// for the localised message, and for validation the elements at fault.
type Error struct {
	Kind   error
	Code   string
	Params map[string]string
	Fields []FieldError
}

// FieldError names one bad element of the input by its path
// ("conditions[1][0].value", "fields.customer_type") and says what is wrong
// with it by a message code.
type FieldError struct {
	Path   string
	Code   string
	Params map[string]string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Code)
	for _, f := range e.Fields {
		fmt.Fprintf(&b, "; %s: %s", f.Path, f.Code)
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Kind }

// Errorf builds an *Error of a kind with a code and "key", "value" params.
func Errorf(kind error, code string, kv ...string) *Error {
	e := &Error{Kind: kind, Code: code}
	if len(kv) > 0 {
		e.Params = make(map[string]string, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			e.Params[kv[i]] = kv[i+1]
		}
	}
	return e
}

// Invalid says the element at path is bad, with "key", "value" params
// for its message.
func Invalid(path, code string, kv ...string) error {
	var p Problems
	p.Add(path, code, kv...)
	return p.Err()
}

// NotFound says a thing of a kind ("customer", "user") does not exist.
func NotFound(what string) *Error { return Errorf(ErrNotFound, "not_found", "what", what) }

// VersionConflict says a write lost an optimistic race, or named an old
// version of a thing of a kind ("customer", "rule").
func VersionConflict(what string) *Error {
	return Errorf(ErrConflict, "version_conflict", "what", what)
}

// CheckVersion refuses a write that names a version (given, when set)
// other than the current one.
func CheckVersion(given *int64, current int64, what string) error {
	if given != nil && *given != current {
		return VersionConflict(what)
	}
	return nil
}

// Forbidden says the caller may not do this.
func Forbidden() *Error { return Errorf(ErrForbidden, "forbidden") }

// Problems collects field errors during validation.
type Problems struct {
	Fields []FieldError
}

// Add records that the element at path is bad, with "key", "value" params.
func (p *Problems) Add(path, code string, kv ...string) {
	f := FieldError{Path: path, Code: code}
	if len(kv) > 0 {
		f.Params = make(map[string]string, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			f.Params[kv[i]] = kv[i+1]
		}
	}
	p.Fields = append(p.Fields, f)
}

// Merge adds other's problems under a path prefix.
func (p *Problems) Merge(prefix string, other []FieldError) {
	for _, f := range other {
		if prefix != "" {
			if strings.HasPrefix(f.Path, "[") {
				f.Path = prefix + f.Path
			} else {
				f.Path = prefix + "." + f.Path
			}
		}
		p.Fields = append(p.Fields, f)
	}
}

// Empty reports whether nothing was found wrong.
func (p *Problems) Empty() bool { return len(p.Fields) == 0 }

// Err returns nil when nothing was found wrong, else a validation *Error.
func (p *Problems) Err() error {
	if p.Empty() {
		return nil
	}
	return &Error{Kind: ErrInvalid, Code: "validation_failed", Fields: p.Fields}
}

// FieldErrors returns the elements err names as bad, or one at path with
// code when err names none.
func FieldErrors(err error, path, code string) []FieldError {
	var e *Error
	if errors.As(err, &e) && len(e.Fields) > 0 {
		return e.Fields
	}
	return []FieldError{{Path: path, Code: code}}
}

// CodeOf returns the code of err when it is an *Error, else "".
func CodeOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}
