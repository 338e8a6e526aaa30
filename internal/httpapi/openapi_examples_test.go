package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"tend/internal/openapitest"
)

// bodyExample is one example of a body the document gives, with where it
// is.
type bodyExample struct {
	part    string // "request body" or "response 200"
	status  int    // the response's status; for a request body, the operation's first success
	example json.RawMessage
}

// mediaExamples returns the example of each JSON media type of a request
// body or response object (following a reference), and the JSON media
// types that have none.
func (d *openAPIDoc) mediaExamples(raw json.RawMessage) (examples []json.RawMessage, missing []string) {
	var node any
	if err := json.Unmarshal(raw, &node); err != nil {
		return nil, []string{"(unreadable)"}
	}
	obj, _ := node.(map[string]any)
	if ref, ok := obj["$ref"].(string); ok {
		resolved, _ := d.resolve(ref)
		obj, _ = resolved.(map[string]any)
	}
	content, _ := obj["content"].(map[string]any)
	types := make([]string, 0, len(content))
	for mt := range content {
		types = append(types, mt)
	}
	sort.Strings(types)
	for _, mt := range types {
		if !strings.Contains(mt, "json") {
			continue // a spreadsheet, a PDF: nothing to show in JSON
		}
		media, _ := content[mt].(map[string]any)
		ex, ok := media["example"]
		if !ok {
			missing = append(missing, mt)
			continue
		}
		b, _ := json.Marshal(ex)
		examples = append(examples, b)
	}
	return examples, missing
}

// Every operation has an example: its JSON request body has one, and so
// does each JSON body of its successful answers; an operation with neither
// (a 204 answer to a bodiless request) shows its request in its code
// sample. Each example is what the operation's schema allows, checked as
// the end-to-end tests check the API's real exchanges (openapitest).
func TestEveryOperationHasAnExample(t *testing.T) {
	doc := loadOpenAPI(t)
	checker, err := openapitest.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range doc.Operations {
		var examples []bodyExample
		success := 0
		codes := make([]string, 0, len(o.op.Responses))
		for code := range o.op.Responses {
			codes = append(codes, code)
		}
		sort.Strings(codes)
		for _, code := range codes {
			if len(code) != 3 || code[0] != '2' {
				continue
			}
			status := int(code[0]-'0')*100 + int(code[1]-'0')*10 + int(code[2]-'0')
			if success == 0 {
				success = status
			}
			exs, missing := doc.mediaExamples(o.op.Responses[code])
			for _, mt := range missing {
				t.Errorf("%s: response %s %s has no example", o.endpoint, code, mt)
			}
			for _, ex := range exs {
				examples = append(examples, bodyExample{part: "response " + code, status: status, example: ex})
			}
		}
		if len(o.op.RequestBody) > 0 {
			exs, missing := doc.mediaExamples(o.op.RequestBody)
			for _, mt := range missing {
				t.Errorf("%s: request body %s has no example", o.endpoint, mt)
			}
			for _, ex := range exs {
				examples = append(examples, bodyExample{part: "request body", status: success, example: ex})
			}
		}
		if len(examples) == 0 && !o.op.hasCodeSample() {
			t.Errorf("%s: no example at all (no JSON body either way, and no x-codeSamples)", o.endpoint)
		}
		for _, ex := range examples {
			for _, m := range checkExample(checker, o.endpoint, ex) {
				t.Errorf("%s: the example of the %s is not what the document allows: %s", o.endpoint, ex.part, m)
			}
		}
	}
}

// checkExample checks one example body as part of an exchange on the
// operation, and returns the mismatches in that body.
func checkExample(checker *openapitest.Document, e endpoint, ex bodyExample) []openapitest.Mismatch {
	path := pathParameter.ReplaceAllString(e.path, "p1")
	x := openapitest.Exchange{Method: e.method, URL: &url.URL{Path: path}, Header: http.Header{"Content-Type": {"application/json"}},
		Status: ex.status, ResponseHeader: http.Header{"Content-Type": {"application/json"}}}
	if ex.part == "request body" {
		x.Body = ex.example
	} else {
		x.ResponseBody = ex.example
	}
	var out []openapitest.Mismatch
	for _, m := range checker.Check(x) {
		if strings.HasPrefix(m.Part, ex.part+" ") && !strings.Contains(m.Part, " header ") {
			out = append(out, m)
		}
	}
	return out
}
