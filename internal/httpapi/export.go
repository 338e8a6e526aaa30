package httpapi

import (
	"io"
	"net/http"
	"net/url"
	"strconv"

	"tend/internal/export"
	"tend/internal/workspace"
)

// routesExport serves the customer export: the file at once, or a job
// (202) for a large one, and the job's state with its download link.
func (a *API) routesExport() {
	svc := a.cfg.Exports
	a.handle("GET /v1/customers/export", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		q := r.URL.Query()
		format, err := export.ParseFormat(q.Get("format"))
		if err != nil {
			return err
		}
		started := false
		req := export.Request{Format: format, Q: q.Get("q"), Filter: q.Get("filter"), Sort: q.Get("sort"), Async: q.Get("async") == "true"}
		job, err := svc.Export(r.Context(), c, req,
			func(d export.Download) io.Writer {
				started = true
				w.Header().Set("Content-Type", d.ContentType)
				w.Header().Set("Content-Length", strconv.Itoa(d.Size))
				w.Header().Set("Content-Disposition", attachment(d.FileName))
				w.WriteHeader(http.StatusOK)
				return w
			})
		switch {
		case err != nil && started:
			// The answer has begun: it can't become a problem any more.
			a.cfg.Log.ErrorContext(r.Context(), "export cut short", "tenant", c.Tenant(), "user", c.User.ID, "err", err)
			return nil
		case err != nil:
			return err
		case job != nil:
			w.Header().Set("Location", "/v1/exports/"+job.ID)
			return writeJSON(w, http.StatusAccepted, job)
		}
		return nil
	})
	a.handle("GET /v1/exports/{id}", itemHandler(svc.GetJob))
}

// attachment is a Content-Disposition naming a file, with the RFC 6266
// filename* form for clients that read UTF-8 names.
func attachment(name string) string {
	return `attachment; filename="` + name + `"; filename*=UTF-8''` + url.PathEscape(name)
}
