package httpapi

import (
	"log/slog"
	"net/http/httptest"
)

// ProblemFor is problemFor for a request to path, for the tests.
func ProblemFor(log *slog.Logger, path string, err error, lang string) Problem {
	return problemFor(httptest.NewRequest("GET", path, nil), log, err, lang)
}
