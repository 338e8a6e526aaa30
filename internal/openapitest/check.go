package openapitest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// LeftOut are the path prefixes the document does not describe on
// purpose, and Check passes over: the local runner's development helpers
// (/dev/...: a clock, tokens, the outbox), which are not part of the API.
// Every answer of the API itself is JSON (or empty); a route serving files
// would be listed here.
var LeftOut = []string{"/dev/"}

// printer words the schema failures.
var printer = message.NewPrinter(language.English)

// Exchange is one request and the answer it got.
type Exchange struct {
	Method string
	URL    *url.URL
	Header http.Header
	Body   []byte

	Status         int
	ResponseHeader http.Header
	ResponseBody   []byte
}

// Mismatch is one thing in an exchange the document does not allow.
type Mismatch struct {
	// Operation names the operation ("getCustomer (GET /v1/customers/{id})").
	Operation string
	// Part is where: "request body application/json", "query parameter
	// limit", "response 200 application/json"...
	Part string
	// Path is the JSON pointer to the value at fault in a body ("/" for
	// the body itself); "" when the fault is not in a body.
	Path string
	// Problem says what is wrong.
	Problem string
}

func (m Mismatch) String() string {
	at := m.Part
	if m.Path != "" {
		at += " at " + m.Path
	}
	return fmt.Sprintf("%s: %s: %s", m.Operation, at, m.Problem)
}

// Report formats mismatches one per line, and the answer they were found
// in (its start, when it is long).
func Report(ms []Mismatch, x Exchange) string {
	var b strings.Builder
	for _, m := range ms {
		b.WriteString(m.String() + "\n")
	}
	const most = 2000
	body := x.ResponseBody
	if len(body) > most {
		body = append(slices.Clip(body[:most]), "…"...)
	}
	fmt.Fprintf(&b, "answer %d: %s", x.Status, body)
	return b.String()
}

// Check returns what in x the document does not allow; nothing when x is
// on a path LeftOut.
//
// A request the document forbids is a mismatch only when the API accepted
// it (a 2xx answer): tests send malformed requests on purpose, and the API
// refusing one with a problem is it keeping the contract. The answer is
// checked whatever the request.
func (d *Document) Check(x Exchange) []Mismatch {
	for _, prefix := range LeftOut {
		if strings.HasPrefix(x.URL.Path, prefix) {
			return nil
		}
	}
	op, ok := d.route(x.Method, x.URL.Path)
	if !ok {
		return d.checkUnrouted(x)
	}
	var out []Mismatch
	if x.Status >= 200 && x.Status <= 299 {
		out = append(out, op.checkRequest(x)...)
	}
	return append(out, op.checkResponse(x)...)
}

// checkUnrouted checks the answer to a request for a route the document
// does not have: the API's 404 or 405 problem.
func (d *Document) checkUnrouted(x Exchange) []Mismatch {
	name := fmt.Sprintf("no operation (%s %s)", x.Method, x.URL.Path)
	if x.Status != http.StatusNotFound && x.Status != http.StatusMethodNotAllowed {
		return []Mismatch{{Operation: name, Part: fmt.Sprintf("response %d", x.Status),
			Problem: "the document has no operation for this method and path, yet the API answered it"}}
	}
	content := map[string]*jsonschema.Schema{"application/problem+json": d.problem}
	return bodyMismatches(name, fmt.Sprintf("response %d", x.Status), content, x.ResponseHeader.Get("Content-Type"), x.ResponseBody, true)
}

func (o *operation) checkRequest(x Exchange) []Mismatch {
	var out []Mismatch
	add := func(part, problem string) {
		out = append(out, Mismatch{Operation: o.String(), Part: part, Problem: problem})
	}
	if o.secured && !strings.HasPrefix(x.Header.Get("Authorization"), "Bearer ") {
		add("request", "the operation needs a bearer token and the request has none")
	}
	query := x.URL.Query()
	for _, p := range o.params {
		var values []string
		switch p.in {
		case "query":
			values = query[p.name]
			delete(query, p.name)
		case "header":
			values = x.Header.Values(p.name)
		case "path":
			values = []string{o.pathValue(x.URL.Path, p.name)}
		}
		part := p.in + " parameter " + p.name
		if p.allowEmpty && slices.Equal(values, []string{""}) {
			continue
		}
		if len(values) == 0 {
			if p.required {
				add(part, "required, and missing")
			}
			continue
		}
		for _, m := range p.check(values) {
			add(part, m)
		}
	}
	for _, name := range sortedKeys(query) {
		add("query parameter "+name, "not in the document")
	}
	ct := x.Header.Get("Content-Type")
	switch {
	case o.body == nil && len(x.Body) > 0:
		add("request body", "the operation takes no body")
	case o.body != nil && len(x.Body) == 0 && o.body.required:
		add("request body", "required, and missing")
	case o.body != nil && len(x.Body) > 0:
		if mt, _, _ := mime.ParseMediaType(ct); o.body.content[mt] == nil {
			ct = readAsJSON(ct) // unless the operation reads that type as itself (a form)
		}
		out = append(out, bodyMismatches(o.String(), "request body", o.body.content, ct, x.Body, false)...)
	}
	return out
}

func (o *operation) checkResponse(x Exchange) []Mismatch {
	part := fmt.Sprintf("response %d", x.Status)
	r, ok := o.responses[strconv.Itoa(x.Status)]
	if !ok {
		r, ok = o.responses[fmt.Sprintf("%dXX", x.Status/100)]
	}
	if !ok {
		r, ok = o.responses["DEFAULT"]
	}
	if !ok {
		return []Mismatch{{Operation: o.String(), Part: part, Problem: fmt.Sprintf("status %d is not documented (documented: %s)",
			x.Status, strings.Join(sortedKeys(o.responses), ", "))}}
	}
	var out []Mismatch
	for _, name := range sortedKeys(r.headers) {
		h := r.headers[name]
		values := x.ResponseHeader.Values(name)
		if len(values) == 0 {
			if h.required {
				out = append(out, Mismatch{Operation: o.String(), Part: part + " header " + name, Problem: "required, and missing"})
			}
			continue
		}
		for _, m := range h.check(values) {
			out = append(out, Mismatch{Operation: o.String(), Part: part + " header " + name, Problem: m})
		}
	}
	ct := x.ResponseHeader.Get("Content-Type")
	if len(r.content) == 0 {
		if len(x.ResponseBody) > 0 {
			out = append(out, Mismatch{Operation: o.String(), Part: part, Problem: fmt.Sprintf("documented without a body, got %d bytes of %q", len(x.ResponseBody), ct)})
		}
		return out
	}
	return append(out, bodyMismatches(o.String(), part, r.content, ct, x.ResponseBody, true)...)
}

// readAsJSON returns application/json for the media types the API reads
// a request body of as JSON, as its info says (the form type curl -d
// sends, text/plain and any +json type), and anything else as it is.
func readAsJSON(contentType string) string {
	mt, _, err := mime.ParseMediaType(contentType)
	if err == nil && (mt == "text/plain" || mt == "application/x-www-form-urlencoded" || strings.HasSuffix(mt, "+json")) {
		return "application/json"
	}
	return contentType
}

// bodyMismatches checks a body of a content type against the media types
// documented for it.
func bodyMismatches(op, part string, content map[string]*jsonschema.Schema, contentType string, body []byte, mustHave bool) []Mismatch {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt = contentType
	}
	schema, ok := content[mt]
	if !ok {
		return []Mismatch{{Operation: op, Part: part, Problem: fmt.Sprintf("content type %q is not documented (documented: %s)", contentType, strings.Join(sortedKeys(content), ", "))}}
	}
	part += " " + mt
	if len(body) == 0 {
		if mustHave {
			return []Mismatch{{Operation: op, Part: part, Problem: "no body"}}
		}
		return nil
	}
	if schema == nil || !(mt == "application/json" || strings.HasSuffix(mt, "+json")) {
		return nil // only JSON bodies are checked against their schema
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return []Mismatch{{Operation: op, Part: part, Problem: fmt.Sprintf("not JSON: %v", err)}}
	}
	var out []Mismatch
	for _, f := range failures(schema.Validate(v)) {
		out = append(out, Mismatch{Operation: op, Part: part, Path: f.path, Problem: f.problem})
	}
	return out
}

// check validates the text values of a parameter or header, read as the
// types its schema allows.
func (p *param) check(values []string) []string {
	if p.schema == nil {
		return nil
	}
	var v any
	if slices.Contains(p.types, "array") {
		items := make([]any, len(values))
		for i, s := range values {
			items[i] = s
		}
		v = items
	} else {
		if len(values) > 1 {
			return []string{fmt.Sprintf("given %d times, and it is not a list", len(values))}
		}
		v = p.read(values[0])
	}
	var out []string
	for _, f := range failures(p.schema.Validate(v)) {
		if f.path != "/" { // within a list
			f.problem = f.path + ": " + f.problem
		}
		out = append(out, f.problem)
	}
	return out
}

// read turns a parameter's text into the value it stands for: a number
// or a boolean when the schema allows one and the text is one, else the
// text itself (which the schema then judges).
func (p *param) read(s string) any {
	for _, t := range p.types {
		switch t {
		case "integer", "number":
			if _, err := strconv.ParseFloat(s, 64); err == nil {
				return json.Number(s)
			}
		case "boolean":
			if s == "true" || s == "false" {
				return s == "true"
			}
		}
	}
	return s
}

// pathValue returns the segment of path that the template names {name}.
func (o *operation) pathValue(path, name string) string {
	segs := strings.Split(path, "/")
	for i, s := range o.segments {
		if s == "{"+name+"}" && i < len(segs) {
			v, err := url.PathUnescape(segs[i])
			if err != nil {
				return segs[i]
			}
			return v
		}
	}
	return ""
}

type failure struct{ path, problem string }

// failures flattens a validation error into its leaves: where in the
// value, and what is wrong there (with the schema keyword that says so).
func failures(err error) []failure {
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return []failure{{problem: err.Error()}}
	}
	var out []failure
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) > 0 {
			for _, c := range e.Causes {
				walk(c)
			}
			return
		}
		path := "/" + strings.Join(escapeAll(e.InstanceLocation), "/")
		_, schemaAt, _ := strings.Cut(e.SchemaURL, "#")
		keyword := schemaAt
		if kw := e.ErrorKind.KeywordPath(); len(kw) > 0 {
			keyword += "/" + strings.Join(escapeAll(kw), "/")
		}
		out = append(out, failure{path: path, problem: fmt.Sprintf("%s (schema #%s)", e.ErrorKind.LocalizedString(printer), keyword)})
	}
	walk(ve)
	return out
}

func escapeAll(toks []string) []string {
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = escape(t)
	}
	return out
}
