package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"time"

	"tend/internal/domain"
	"tend/internal/importing"
	"tend/internal/workspace"
)

// uploadRouteKey marks a request to a route that takes a spreadsheet in
// a multipart body (up to maxUpload), so that the idempotency keeper reads
// such a body too.
type uploadRouteKey struct{}

// maxUpload bounds a multipart body: the file's limit and room for the
// other parts.
const maxUpload = importing.MaxBytes + 1<<20

// xlsxType is the media type of .xlsx workbooks.
const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// upload registers an authenticated route whose body may be a multipart
// form holding a spreadsheet.
func (a *API) upload(pattern string, h handler) {
	a.register(pattern, Route{}, func(w *recorder, r *http.Request) {
		a.serve(w, r.WithContext(context.WithValue(r.Context(), uploadRouteKey{}, true)), h)
	})
}

// takesUpload reports whether a request may carry a multipart body.
func takesUpload(r *http.Request) bool {
	return r.Context().Value(uploadRouteKey{}) != nil && isMultipart(r)
}

// isMultipart reports whether a request's body is a multipart form.
func isMultipart(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "multipart/form-data"
}

// multipartForm is a parsed multipart body: the spreadsheet and the JSON
// parts.
type multipartForm struct {
	file    *importing.File
	mapping []byte
	options []byte
	close   func()
}

// readMultipart reads a multipart body: a part "file" (the spreadsheet)
// and the parts "mapping" and "options" (JSON). Parts beyond what the
// memory holds go to temporary files, removed by close.
func readMultipart(w http.ResponseWriter, r *http.Request) (*multipartForm, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, domain.Errorf(domain.ErrTooLarge, "body_too_large", "max", "20 MiB")
		}
		return nil, domain.Errorf(domain.ErrBadRequest, "invalid_form_body")
	}
	form := r.MultipartForm
	out := &multipartForm{close: func() { _ = form.RemoveAll() }}
	out.mapping = []byte(r.FormValue("mapping"))
	out.options = []byte(r.FormValue("options"))
	if fhs := form.File["file"]; len(fhs) > 0 {
		f, err := fhs[0].Open()
		if err != nil {
			out.close()
			return nil, domain.Errorf(domain.ErrBadRequest, "invalid_form_body")
		}
		out.close = func() { f.Close(); _ = form.RemoveAll() }
		out.file = &importing.File{Name: fhs[0].Filename, Body: f, Size: fhs[0].Size}
	}
	return out, nil
}

func (a *API) routesImports() {
	svc := a.cfg.Imports
	a.handle("GET /v1/imports/template.xlsx", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		var buf bytes.Buffer
		if err := importing.Template(c.Org, &buf); err != nil {
			return err
		}
		return writeFile(w, xlsxType, "mau-nhap-khach-hang.xlsx", buf.Bytes())
	})
	a.upload("POST /v1/imports/preview", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		if !isMultipart(r) {
			return domain.Errorf(domain.ErrUnsupportedMedia, "multipart_required")
		}
		form, err := readMultipart(w, r)
		if err != nil {
			return err
		}
		defer form.close()
		if form.file == nil {
			return domain.Invalid("file", "required")
		}
		m, err := importing.ParseMapping(form.mapping, "mapping")
		if err != nil {
			return err
		}
		p, err := svc.Preview(r.Context(), c, *form.file, m)
		if err != nil {
			return err
		}
		lang := language(r, c.Org.Workspace.Language)
		return writeJSON(w, http.StatusOK, previewAnswer{Mapping: p.Mapping, Unmapped: p.Unmapped, Rows: rowsAnswer(p.Rows, lang),
			Errors: rowErrorsAnswer(p.Errors, lang)})
	})
	a.handle("POST /v1/imports/uploads", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		var in struct{}
		if err := decodeBody(w, r, &in); err != nil {
			return err
		}
		up, err := svc.NewUpload(r.Context(), c)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusCreated, up)
	})
	a.upload("POST /v1/imports", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		in, done, err := startInput(w, r)
		if err != nil {
			return err
		}
		defer done()
		j, err := svc.Start(r.Context(), c, in)
		if err != nil {
			return err
		}
		w.Header().Set("Location", "/v1/imports/"+j.ID)
		return writeJSON(w, http.StatusAccepted, map[string]string{"id": j.ID, "status": j.Status})
	})
	a.handle("GET /v1/imports", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		limit, cursor, err := pageParams(r, c)
		if err != nil {
			return err
		}
		page, err := svc.List(r.Context(), c, limit, cursor)
		if err != nil {
			return err
		}
		lang := language(r, c.Org.Workspace.Language)
		out := &domain.Page[importAnswer]{Items: make([]importAnswer, 0, len(page.Items)), NextCursor: page.NextCursor}
		for _, j := range page.Items {
			out.Items = append(out.Items, jobAnswer(j, lang))
		}
		return writePage(w, r, c, out, nil)
	})
	a.handle("GET /v1/imports/{id}", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		v, err := svc.Get(r.Context(), c, r.PathValue("id"))
		if err != nil {
			return err
		}
		lang := language(r, c.Org.Workspace.Language)
		out := jobAnswer(v.Job, lang)
		errs := rowErrorsAnswer(v.Errors, lang)
		out.Errors = &errs
		return writeJSON(w, http.StatusOK, out)
	})
	a.handle("GET /v1/imports/{id}/errors.xlsx", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		lang := language(r, c.Org.Workspace.Language)
		var buf bytes.Buffer
		err := svc.ErrorsFile(r.Context(), c, r.PathValue("id"), &buf, func(e importing.RowError) string { return rowMessage(e, lang) })
		if err != nil {
			return err
		}
		return writeFile(w, xlsxType, "loi-nhap-"+r.PathValue("id")+".xlsx", buf.Bytes())
	})
}

// startInput reads what starts an import: a multipart body (file,
// mapping, options) or a JSON one naming an upload.
func startInput(w http.ResponseWriter, r *http.Request) (importing.StartInput, func(), error) {
	var in importing.StartInput
	if isMultipart(r) {
		form, err := readMultipart(w, r)
		if err != nil {
			return in, nil, err
		}
		if form.file == nil {
			form.close()
			return in, nil, domain.Invalid("file", "required")
		}
		in.File = form.file
		if in.Mapping, err = importing.ParseMapping(form.mapping, "mapping"); err == nil {
			in.Options, err = importing.ParseOptions(form.options, "options")
		}
		if err != nil {
			form.close()
			return in, nil, err
		}
		return in, form.close, nil
	}
	var body struct {
		UploadID string          `json:"upload_id"`
		FileName string          `json:"file_name"`
		Mapping  json.RawMessage `json:"mapping"`
		Options  json.RawMessage `json:"options"`
	}
	if err := decodeBody(w, r, &body); err != nil {
		return in, nil, err
	}
	if body.UploadID == "" {
		return in, nil, domain.Invalid("upload_id", "required")
	}
	in.UploadID, in.FileName = body.UploadID, body.FileName
	var err error
	if in.Mapping, err = importing.ParseMapping(body.Mapping, "mapping"); err == nil {
		in.Options, err = importing.ParseOptions(body.Options, "options")
	}
	return in, func() {}, err
}

// writeFile answers a file to download.
func writeFile(w http.ResponseWriter, contentType, name string, body []byte) error {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	w.WriteHeader(http.StatusOK)
	_, err := w.Write(body)
	return err
}

// rowErrorAnswer is a row's problem in the reader's language.
type rowErrorAnswer struct {
	Row     int    `json:"row"`
	Path    string `json:"path"`
	Column  string `json:"column"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// rowMessage renders a row's problem; a duplicate reads as the API's
// duplicate refusal.
func rowMessage(e importing.RowError, lang string) string {
	m, ok := fieldMessages[e.Code]
	if e.Code == "duplicate_customer" && e.Params["owner"] == "" {
		m = problemMessages["duplicate_customer_free"]
	}
	if !ok {
		m = message{vi: e.Code, en: e.Code}
	}
	return render(m, lang, e.Params)
}

func rowErrorsAnswer(errs []importing.RowError, lang string) []rowErrorAnswer {
	out := make([]rowErrorAnswer, len(errs))
	for i, e := range errs {
		out[i] = rowErrorAnswer{Row: e.Row, Path: e.Path, Column: e.Column, Code: e.Code, Message: rowMessage(e, lang)}
	}
	return out
}

type previewRowAnswer struct {
	Row    int              `json:"row"`
	Values map[string]any   `json:"values"`
	Errors []rowErrorAnswer `json:"errors"`
}

type previewAnswer struct {
	Mapping  map[string]*string `json:"mapping"`
	Unmapped []string           `json:"unmapped"`
	Rows     []previewRowAnswer `json:"rows"`
	Errors   []rowErrorAnswer   `json:"errors"`
}

func rowsAnswer(rows []importing.PreviewRow, lang string) []previewRowAnswer {
	out := make([]previewRowAnswer, len(rows))
	for i, r := range rows {
		out[i] = previewRowAnswer{Row: r.Row, Values: r.Values, Errors: rowErrorsAnswer(r.Errors, lang)}
	}
	return out
}

// failureAnswer is why an import failed.
type failureAnswer struct {
	Path    string `json:"path"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// importAnswer is an import as the API shows it; Errors only for one
// import (not in lists).
type importAnswer struct {
	ID          string             `json:"id"`
	Status      string             `json:"status"`
	FileName    string             `json:"file_name"`
	UserID      string             `json:"user_id"`
	Options     importing.Options  `json:"options"`
	Mapping     map[string]*string `json:"mapping"`
	Total       int                `json:"total"`
	Processed   int                `json:"processed"`
	Imported    int                `json:"imported"`
	Updated     int                `json:"updated"`
	Skipped     int                `json:"skipped"`
	Refused     int                `json:"refused"`
	ErrorsTotal int                `json:"errors_total"`
	Errors      *[]rowErrorAnswer  `json:"errors,omitempty"`
	Failure     *failureAnswer     `json:"failure"`
	CreatedAt   time.Time          `json:"created_at"`
	FinishedAt  *time.Time         `json:"finished_at"`
}

func jobAnswer(j *importing.Job, lang string) importAnswer {
	out := importAnswer{ID: j.ID, Status: j.Status, FileName: j.FileName, UserID: j.UserID, Options: j.Options,
		Mapping: map[string]*string{}, Total: j.Total, Processed: j.Processed, Imported: j.Imported, Updated: j.Updated,
		Skipped: j.Skipped, Refused: j.Refused, ErrorsTotal: j.ErrorsTotal, CreatedAt: j.CreatedAt, FinishedAt: j.FinishedAt}
	for _, col := range j.Columns {
		if col.Field == "" {
			out.Mapping[col.Header] = nil
		} else {
			f := col.Field
			out.Mapping[col.Header] = &f
		}
	}
	if f := j.Failure; f != nil {
		out.Failure = &failureAnswer{Path: f.Path, Code: f.Code, Message: rowMessage(importing.RowError{Code: f.Code, Params: f.Params}, lang)}
	}
	return out
}
