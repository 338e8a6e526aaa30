package httpapi_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"testing"

	"tend/internal/domain"
	"tend/internal/httpapi"
)

// A message rendered without a param its text needs is not silently sent
// with "{value}" in it: the renderer logs it as an error, naming the code
// and the placeholder; with the params given, nothing is logged.
func TestUnfilledPlaceholderIsLogged(t *testing.T) {
	cases := []struct {
		name       string
		err        error
		lang       string
		wantDetail string
		wantField  string
		wantLogged map[string]string // code and placeholders of the log record; nil: no log
	}{
		{"field message without its param",
			&domain.Error{Kind: domain.ErrInvalid, Code: "validation_failed",
				Fields: []domain.FieldError{{Path: "actions[0].value", Code: "unknown_user"}}},
			"en", "The input is not valid.", `There is no user "{value}".`,
			map[string]string{"code": "unknown_user", "path": "actions[0].value", "placeholders": "{value}"}},
		{"detail without its param", domain.Errorf(domain.ErrNotFound, "not_found"),
			"vi", "Không tìm thấy {what}.", "",
			map[string]string{"code": "not_found", "path": "", "placeholders": "{what}"}},
		{"field message with its param",
			&domain.Error{Kind: domain.ErrInvalid, Code: "validation_failed",
				Fields: []domain.FieldError{{Path: "actions[0].value", Code: "unknown_user", Params: map[string]string{"value": "usr_1"}}}},
			"vi", "Dữ liệu không hợp lệ.", `Không có nhân viên "usr_1".`, nil},
		{"detail with its param", domain.NotFound("customer"), "en", "No such customer.", "", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var logged bytes.Buffer
			p := httpapi.ProblemFor(slog.New(slog.NewJSONHandler(&logged, nil)), "/v1/automations", c.err, c.lang)
			if p.Detail != c.wantDetail {
				t.Errorf("detail: got %q, want %q", p.Detail, c.wantDetail)
			}
			if c.wantField != "" && (len(p.Errors) != 1 || p.Errors[0].Message != c.wantField) {
				t.Errorf("errors: got %+v, want one with message %q", p.Errors, c.wantField)
			}
			if c.wantLogged == nil {
				if logged.Len() != 0 {
					t.Errorf("logged %s, want nothing", logged.String())
				}
				return
			}
			var rec map[string]any
			if err := json.Unmarshal(logged.Bytes(), &rec); err != nil {
				t.Fatalf("logged %q, want one JSON record: %v", logged.String(), err)
			}
			if rec["level"] != "ERROR" || rec["msg"] != "message placeholder not filled" {
				t.Errorf("logged %v, want an ERROR \"message placeholder not filled\"", rec)
			}
			for k, want := range c.wantLogged {
				if rec[k] != want {
					t.Errorf("logged %s = %v, want %q", k, rec[k], want)
				}
			}
		})
	}
}
