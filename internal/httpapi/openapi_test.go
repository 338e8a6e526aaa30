package httpapi_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"tend/internal/httpapi"
)

// The OpenAPI document (openapi.json) is written by hand. These tests hold
// it to the routes the API registers and to the rules of OpenAPI 3.1 that a
// hand-written document most easily breaks.

// endpoint is a method and a path template: "GET /v1/customers/{id}".
type endpoint struct{ method, path string }

func (e endpoint) String() string { return e.method + " " + e.path }

func compareEndpoints(a, b endpoint) int {
	if c := strings.Compare(a.path, b.path); c != 0 {
		return c
	}
	return strings.Compare(a.method, b.method)
}

// operationMethods are the keys of a path item that hold operations.
var operationMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// parameter is a parameter object or a reference to one.
type parameter struct {
	Ref      string `json:"$ref"`
	Name     string `json:"name"`
	In       string `json:"in"`
	Required bool   `json:"required"`
}

// operation is what the tests read of an operation object.
type operation struct {
	OperationID string                     `json:"operationId"`
	Parameters  []parameter                `json:"parameters"`
	Responses   map[string]json.RawMessage `json:"responses"`
	RequestBody json.RawMessage            `json:"requestBody"`
	// Security is nil when the operation inherits the document's.
	Security *[]map[string][]string `json:"security"`
	// CodeSamples are Redoc's x-codeSamples: how to call the operation.
	CodeSamples []struct {
		Lang   string `json:"lang"`
		Source string `json:"source"`
	} `json:"x-codeSamples"`
}

// hasCodeSample reports whether the operation shows a call with curl.
func (o *operation) hasCodeSample() bool {
	for _, c := range o.CodeSamples {
		if c.Lang == "curl" && strings.Contains(c.Source, "curl ") {
			return true
		}
	}
	return false
}

// docOperation is one operation with where it lives.
type docOperation struct {
	endpoint
	op *operation
	// pathParams are the parameters declared on the path item.
	pathParams []parameter
}

// openAPIDoc is a parsed document: typed where the tests need it, and the
// whole tree for following references.
type openAPIDoc struct {
	Version    string
	Security   []map[string][]string
	Operations []docOperation
	tree       any
}

func loadOpenAPI(t *testing.T) *openAPIDoc {
	t.Helper()
	raw := httpapi.OpenAPI()
	var tree any
	if err := json.Unmarshal(raw, &tree); err != nil {
		t.Fatalf("openapi.json is not valid JSON: %s", describeJSONError(raw, err))
	}
	var top struct {
		OpenAPI  string                                `json:"openapi"`
		Security []map[string][]string                 `json:"security"`
		Paths    map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(raw, &top); err != nil {
		t.Fatalf("openapi.json: unexpected shape: %v", err)
	}
	doc := &openAPIDoc{Version: top.OpenAPI, Security: top.Security, tree: tree}
	for path, item := range top.Paths {
		var shared []parameter
		if p, ok := item["parameters"]; ok {
			if err := json.Unmarshal(p, &shared); err != nil {
				t.Fatalf("openapi.json: paths[%q].parameters: %v", path, err)
			}
		}
		for _, m := range operationMethods {
			body, ok := item[m]
			if !ok {
				continue
			}
			op := new(operation)
			if err := json.Unmarshal(body, op); err != nil {
				t.Fatalf("openapi.json: paths[%q].%s: %v", path, m, err)
			}
			doc.Operations = append(doc.Operations, docOperation{endpoint: endpoint{strings.ToUpper(m), path}, op: op, pathParams: shared})
		}
	}
	slices.SortFunc(doc.Operations, func(a, b docOperation) int { return compareEndpoints(a.endpoint, b.endpoint) })
	return doc
}

// describeJSONError says where in raw a JSON error is.
func describeJSONError(raw []byte, err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line := 1 + bytes.Count(raw[:min(int(se.Offset), len(raw))], []byte("\n"))
		return fmt.Sprintf("line %d: %v", line, err)
	}
	return err.Error()
}

// resolve follows a local reference ("#/components/schemas/Customer").
func (d *openAPIDoc) resolve(ref string) (any, bool) {
	pointer, ok := strings.CutPrefix(ref, "#")
	if !ok {
		return nil, false
	}
	node := d.tree
	if pointer == "" {
		return node, true
	}
	if !strings.HasPrefix(pointer, "/") {
		return nil, false
	}
	for _, token := range strings.Split(pointer[1:], "/") {
		token = strings.NewReplacer("~1", "/", "~0", "~").Replace(token)
		obj, ok := node.(map[string]any)
		if !ok {
			return nil, false
		}
		if node, ok = obj[token]; !ok {
			return nil, false
		}
	}
	return node, true
}

// parameter returns p, following its reference if it is one.
func (d *openAPIDoc) parameter(p parameter) (parameter, error) {
	if p.Ref == "" {
		return p, nil
	}
	node, ok := d.resolve(p.Ref)
	if !ok {
		return parameter{}, fmt.Errorf("parameter $ref %q does not resolve", p.Ref)
	}
	b, _ := json.Marshal(node) // from a decoded tree: cannot fail
	var out parameter
	if err := json.Unmarshal(b, &out); err != nil || out.Ref != "" {
		return parameter{}, fmt.Errorf("parameter $ref %q is not a parameter object", p.Ref)
	}
	return out, nil
}

// params returns the resolved parameters that apply to o: the operation's,
// then the path item's that the operation does not override.
func (d *openAPIDoc) params(o docOperation) ([]parameter, []error) {
	var out []parameter
	var errs []error
	seen := map[string]bool{}
	for _, p := range slices.Concat(o.op.Parameters, o.pathParams) {
		r, err := d.parameter(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if key := r.In + " " + r.Name; !seen[key] {
			seen[key] = true
			out = append(out, r)
		}
	}
	return out, errs
}

// routePath turns a ServeMux pattern's path into an OpenAPI path
// template: "{rest...}" is "{rest}" and a trailing "{$}" goes.
func routePath(pattern string) string {
	return restWildcard.ReplaceAllString(strings.TrimSuffix(pattern, "{$}"), "{$1}")
}

var (
	restWildcard  = regexp.MustCompile(`\{([^{}]+)\.\.\.\}`)
	pathParameter = regexp.MustCompile(`\{([^{}]+)\}`)
)

func TestOpenAPIMatchesRoutes(t *testing.T) {
	// A zero config is enough to list the routes; no request is served.
	routes := httpapi.New(httpapi.Config{}).Routes()
	if len(routes) == 0 {
		t.Fatal("the API registers no routes")
	}
	doc := loadOpenAPI(t)

	routed := map[endpoint]httpapi.Route{}
	var order []endpoint // routed, sorted, for stable messages
	for _, r := range routes {
		e := endpoint{r.Method, routePath(r.Pattern)}
		routed[e] = r
		order = append(order, e)
	}
	slices.SortFunc(order, compareEndpoints)
	documented := map[endpoint]docOperation{}
	for _, o := range doc.Operations {
		documented[o.endpoint] = o
	}

	t.Run("every route is documented", func(t *testing.T) {
		for _, e := range order {
			if _, ok := documented[e]; ok {
				continue
			}
			t.Errorf("route %s is registered but openapi.json has no %s operation under paths[%q]", e, strings.ToLower(e.method), e.path)
		}
	})

	t.Run("every operation has a route", func(t *testing.T) {
		for _, o := range doc.Operations {
			if _, ok := routed[o.endpoint]; !ok {
				t.Errorf("openapi.json documents %s (operationId %q) but the API registers no such route", o.endpoint, o.op.OperationID)
			}
		}
	})

	t.Run("security follows the route kind", func(t *testing.T) {
		if len(doc.Security) == 0 {
			t.Errorf("document security: got none, want the bearer scheme applied globally")
		}
		for _, e := range order {
			r := routed[e]
			o, ok := documented[e]
			if !ok {
				continue // reported above
			}
			// Webhooks carry a source's signature, not a bearer token.
			noToken := r.Public || r.Hook
			switch public := o.op.Security != nil && len(*o.op.Security) == 0; {
			case noToken && !public:
				t.Errorf("%s takes no token: got security %v, want security: []", e, securityOf(o.op))
			case !noToken && public:
				t.Errorf("%s needs a token: got security: [], want the global bearer scheme", e)
			}
		}
	})

	t.Run("admin routes document 403", func(t *testing.T) {
		for _, e := range order {
			o, ok := documented[e]
			if !ok || !routed[e].Admin {
				continue
			}
			if _, ok := o.op.Responses["403"]; !ok {
				t.Errorf("%s is for admins only: got no 403 response, want one (#/components/responses/Problem)", e)
			}
		}
	})

	t.Run("authenticated writes take Idempotency-Key", func(t *testing.T) {
		for _, e := range order {
			r := routed[e]
			o, ok := documented[e]
			// A landing page's form posts from a browser, which sends no
			// such header: its repeats are found by their contact instead.
			form := strings.HasPrefix(e.path, "/hooks/f/")
			if !ok || r.Public || r.Bare || form || e.method == http.MethodGet || e.method == http.MethodHead {
				continue
			}
			params, errs := doc.params(o)
			for _, err := range errs {
				t.Errorf("%s: %v", e, err)
			}
			if !slices.ContainsFunc(params, func(p parameter) bool {
				return p.In == "header" && strings.EqualFold(p.Name, "Idempotency-Key")
			}) {
				t.Errorf("%s: got no Idempotency-Key header parameter, want one (#/components/parameters/IdempotencyKey)", e)
			}
		}
	})
}

func securityOf(o *operation) string {
	if o.Security == nil {
		return "(inherited)"
	}
	b, _ := json.Marshal(*o.Security)
	return string(b)
}

func TestOpenAPIDocument(t *testing.T) {
	doc := loadOpenAPI(t)

	checks := []struct {
		name  string
		check func(t *testing.T, doc *openAPIDoc)
	}{
		{"version is 3.1", func(t *testing.T, doc *openAPIDoc) {
			if !strings.HasPrefix(doc.Version, "3.1") {
				t.Errorf("openapi: got %q, want 3.1.x", doc.Version)
			}
		}},
		{"has operations", func(t *testing.T, doc *openAPIDoc) {
			if len(doc.Operations) == 0 {
				t.Error("paths: got no operations")
			}
		}},
		{"operation ids are present and unique", func(t *testing.T, doc *openAPIDoc) {
			seen := map[string]endpoint{}
			for _, o := range doc.Operations {
				id := o.op.OperationID
				if id == "" {
					t.Errorf("%s: got no operationId", o.endpoint)
					continue
				}
				if prev, dup := seen[id]; dup {
					t.Errorf("%s: operationId %q is already used by %s", o.endpoint, id, prev)
				}
				seen[id] = o.endpoint
			}
		}},
		{"every operation has a 2xx response", func(t *testing.T, doc *openAPIDoc) {
			for _, o := range doc.Operations {
				var got []string
				for status := range o.op.Responses {
					got = append(got, status)
				}
				slices.Sort(got)
				if !slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, "2") }) {
					t.Errorf("%s: responses %v, want at least one 2xx", o.endpoint, got)
				}
			}
		}},
		{"operations that read a body list 413 and 415", func(t *testing.T, doc *openAPIDoc) {
			// Every body is read by the same reader: too large is a 413,
			// not of a JSON media type a 415.
			for _, o := range doc.Operations {
				if o.op.RequestBody == nil {
					continue
				}
				for _, status := range []string{"413", "415"} {
					if _, ok := o.op.Responses[status]; !ok {
						t.Errorf("%s takes a request body but lists no %s response", o.endpoint, status)
					}
				}
			}
		}},
		{"every $ref resolves to a component", func(t *testing.T, doc *openAPIDoc) {
			walkRefs(doc.tree, "#", func(at, ref string) {
				if !strings.HasPrefix(ref, "#/components/") {
					t.Errorf("%s: $ref %q, want a reference into #/components/", at, ref)
					return
				}
				if _, ok := doc.resolve(ref); !ok {
					t.Errorf("%s: $ref %q points to nothing", at, ref)
				}
			})
		}},
		{"path parameters match the path templates", func(t *testing.T, doc *openAPIDoc) {
			for _, o := range doc.Operations {
				params, errs := doc.params(o)
				for _, err := range errs {
					t.Errorf("%s: %v", o.endpoint, err)
				}
				var declared []string
				for _, p := range params {
					if p.In != "path" {
						continue
					}
					declared = append(declared, p.Name)
					if !p.Required {
						t.Errorf("%s: path parameter %q: got required false, want true", o.endpoint, p.Name)
					}
				}
				var inTemplate []string
				for _, m := range pathParameter.FindAllStringSubmatch(o.path, -1) {
					inTemplate = append(inTemplate, m[1])
				}
				for _, name := range inTemplate {
					if !slices.Contains(declared, name) {
						t.Errorf("%s: {%s} is in the path but not declared as an in: path parameter (declared: %v)", o.endpoint, name, declared)
					}
				}
				for _, name := range declared {
					if !slices.Contains(inTemplate, name) {
						t.Errorf("%s: path parameter %q is declared but the path has no {%s}", o.endpoint, name, name)
					}
				}
			}
		}},
		{"object schemas say what other properties they take", func(t *testing.T, doc *openAPIDoc) {
			// The end-to-end tests hold every answer to the document; an
			// object schema that says nothing of other properties would let
			// a handler answer fields nobody described. The open ones
			// (custom field values, maps) give the schema of their values.
			for _, s := range schemaNodes(doc.tree) {
				_, closed := s.node["additionalProperties"]
				if _, ok := s.node["unevaluatedProperties"]; ok {
					closed = true
				}
				if isObjectSchema(s.node) && !closed {
					t.Errorf("%s: an object schema without additionalProperties: want false, or the schema of the other properties' values", s.at)
				}
			}
		}},
		{"formatted with 2-space indentation", func(t *testing.T, doc *openAPIDoc) {
			raw := httpapi.OpenAPI()
			var compact, want bytes.Buffer
			if err := json.Compact(&compact, raw); err != nil {
				t.Fatalf("compact: %v", err)
			}
			if err := json.Indent(&want, compact.Bytes(), "", "  "); err != nil {
				t.Fatalf("indent: %v", err)
			}
			want.WriteByte('\n')
			if bytes.Equal(raw, want.Bytes()) {
				return
			}
			got, exp := strings.Split(string(raw), "\n"), strings.Split(want.String(), "\n")
			for i := range max(len(got), len(exp)) {
				g, w := lineAt(got, i), lineAt(exp, i)
				if g != w {
					t.Errorf("openapi.json is not formatted as 2-space indented JSON ending in a newline; first difference on line %d:\n got: %q\nwant: %q\n(reformat with: python3 -m json.tool --indent 2 --no-ensure-ascii)", i+1, g, w)
					return
				}
			}
		}},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) { c.check(t, doc) })
	}
}

func lineAt(lines []string, i int) string {
	if i < len(lines) {
		return lines[i]
	}
	return "<end of file>"
}

// walkRefs calls fn with the location and value of every "$ref" in node.
func walkRefs(node any, at string, fn func(at, ref string)) {
	switch n := node.(type) {
	case map[string]any:
		keys := make([]string, 0, len(n))
		for k := range n {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			child := at + "/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(k)
			if ref, ok := n[k].(string); ok && k == "$ref" {
				fn(child, ref)
				continue
			}
			walkRefs(n[k], child, fn)
		}
	case []any:
		for i, v := range n {
			walkRefs(v, fmt.Sprintf("%s/%d", at, i), fn)
		}
	}
}

// schemaNode is a schema in the document and where it is.
type schemaNode struct {
	at   string
	node map[string]any
}

// schemaNodes returns every schema of the document: the components'
// schemas, the schema of every media type, parameter and header, and the
// schemas inside them.
func schemaNodes(tree any) []schemaNode {
	var out []schemaNode
	var schema func(node any, at string)
	schema = func(node any, at string) {
		s, ok := node.(map[string]any)
		if !ok {
			return
		}
		out = append(out, schemaNode{at, s})
		for _, k := range []string{"properties", "patternProperties", "$defs", "dependentSchemas"} {
			m, _ := s[k].(map[string]any)
			for _, name := range sortedKeys(m) {
				schema(m[name], at+"/"+k+"/"+pointerToken(name))
			}
		}
		for _, k := range []string{"additionalProperties", "unevaluatedProperties", "items", "unevaluatedItems", "contains", "propertyNames", "not", "if", "then", "else"} {
			schema(s[k], at+"/"+k)
		}
		for _, k := range []string{"allOf", "anyOf", "oneOf", "prefixItems"} {
			list, _ := s[k].([]any)
			for i, sub := range list {
				schema(sub, fmt.Sprintf("%s/%s/%d", at, k, i))
			}
		}
	}
	// find looks for "schema" outside the components' schemas, whose
	// properties may have any name.
	var find func(node any, at string)
	find = func(node any, at string) {
		switch n := node.(type) {
		case map[string]any:
			for _, k := range sortedKeys(n) {
				child := at + "/" + pointerToken(k)
				switch {
				case k == "schema":
					schema(n[k], child)
				case child == "#/components/schemas":
					m, _ := n[k].(map[string]any)
					for _, name := range sortedKeys(m) {
						schema(m[name], child+"/"+pointerToken(name))
					}
				default:
					find(n[k], child)
				}
			}
		case []any:
			for i, v := range n {
				find(v, fmt.Sprintf("%s/%d", at, i))
			}
		}
	}
	find(tree, "#")
	return out
}

// isObjectSchema reports whether a schema describes objects: it is of
// type object or lists properties.
func isObjectSchema(s map[string]any) bool {
	if _, ok := s["properties"]; ok {
		return true
	}
	switch t := s["type"].(type) {
	case string:
		return t == "object"
	case []any:
		return slices.Contains(t, any("object"))
	}
	return false
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func pointerToken(s string) string { return strings.NewReplacer("~", "~0", "/", "~1").Replace(s) }
