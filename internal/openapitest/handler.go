package openapitest

import (
	"bytes"
	"io"
	"net/http"
)

// Checked serves h and checks every exchange against the document,
// calling report with the exchange and its mismatches when there are any.
// It is for tests whose requests do not go through a Go client (a shell
// script's curl): report runs on the server's goroutine.
func (d *Document) Checked(h http.Handler, report func(x Exchange, ms []Mismatch)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(rec, r)
		x := Exchange{Method: r.Method, URL: r.URL, Header: r.Header, Body: body,
			Status: rec.status, ResponseHeader: w.Header(), ResponseBody: rec.body.Bytes()}
		if ms := d.Check(x); len(ms) > 0 {
			report(x, ms)
		}
	})
}

// recorder passes an answer on and keeps its status and body.
type recorder struct {
	http.ResponseWriter
	status int
	wrote  bool
	body   bytes.Buffer
}

func (r *recorder) WriteHeader(status int) {
	if !r.wrote {
		r.status, r.wrote = status, true
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	r.body.Write(b)
	return r.ResponseWriter.Write(b)
}
