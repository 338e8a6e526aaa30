package httpapi

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"tend/internal/domain"
)

// Problem is an RFC 9457 problem document, with Tend's stable code and the
// elements at fault.
type Problem struct {
	Type   string         `json:"type"`
	Title  string         `json:"title"`
	Status int            `json:"status"`
	Code   string         `json:"code"`
	Detail string         `json:"detail"`
	Errors []ProblemField `json:"errors"`
}

// ProblemField names one bad element of the input.
type ProblemField struct {
	Path    string `json:"path"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// statusOf maps the kind of a failure to its HTTP status.
func statusOf(err error) int {
	switch {
	case errors.Is(err, domain.ErrBadRequest):
		return http.StatusBadRequest
	case errors.Is(err, domain.ErrUnauthorized):
		return http.StatusUnauthorized
	case errors.Is(err, domain.ErrForbidden):
		return http.StatusForbidden
	case errors.Is(err, domain.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, domain.ErrConflict):
		return http.StatusConflict
	case errors.Is(err, domain.ErrTooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, domain.ErrUnsupportedMedia):
		return http.StatusUnsupportedMediaType
	case errors.Is(err, domain.ErrInvalid):
		return http.StatusUnprocessableEntity
	case errors.Is(err, domain.ErrTooManyRequests):
		return http.StatusTooManyRequests
	case errors.Is(err, domain.ErrUnavailable):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// problemFor builds the problem for err in lang. Errors that are not user
// errors are logged and answered with a generic 500: internals never reach
// clients.
func problemFor(r *http.Request, log *slog.Logger, err error, lang string) Problem {
	var de *domain.Error
	if !errors.As(err, &de) {
		log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		de = &domain.Error{Kind: errors.New("internal"), Code: "internal"}
	}
	status := statusOf(de)
	code := de.Code
	msg, ok := problemMessages[code]
	if code == "duplicate_customer" && de.Params["owner"] == "" {
		msg = problemMessages["duplicate_customer_free"]
	}
	if !ok {
		msg = message{vi: code, en: code}
	}
	p := Problem{
		Type:   "urn:tend:problem:" + code,
		Title:  http.StatusText(status),
		Status: status,
		Code:   code,
		Detail: renderChecked(r, log, code, "", msg, lang, de.Params),
		Errors: []ProblemField{},
	}
	for _, f := range de.Fields {
		fm, ok := fieldMessages[f.Code]
		if f.Code == "duplicate_customer" {
			fm, ok = msg, true
		}
		if !ok {
			fm = message{vi: f.Code, en: f.Code}
		}
		p.Errors = append(p.Errors, ProblemField{Path: f.Path, Code: f.Code, Message: renderChecked(r, log, f.Code, f.Path, fm, lang, f.Params)})
	}
	return p
}

func writeProblem(w http.ResponseWriter, p Problem, lang string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Content-Language", lang)
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// language picks vi or en from Accept-Language, in order of preference,
// else fallback (the workspace's language).
func language(r *http.Request, fallback string) string {
	best, bestQ := "", -1.0
	// Joined: behind API Gateway the proxy splits list headers at commas.
	for _, part := range strings.Split(strings.Join(r.Header.Values("Accept-Language"), ","), ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				continue
			}
			q = f
		}
		base, _, _ := strings.Cut(strings.ToLower(tag), "-")
		if (base == "vi" || base == "en") && q > bestQ {
			best, bestQ = base, q
		}
	}
	if best != "" {
		return best
	}
	if fallback == "en" {
		return "en"
	}
	return "vi"
}
