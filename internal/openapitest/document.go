// Package openapitest holds the API to its OpenAPI document in tests: every
// request a test sends and every answer it gets is checked against the
// operation the document declares for the route (parameters, body, status,
// content type, headers), with the schemas compiled once as JSON Schema
// 2020-12, the dialect of OpenAPI 3.1.
package openapitest

import (
	"bytes"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"tend/internal/httpapi"
)

// docURL names the document as a JSON Schema resource; schemas are
// compiled by JSON pointer into it, so "#/components/..." references
// resolve within it.
const docURL = "urn:tend:openapi.json"

// Document is an OpenAPI 3.1 document compiled for checking exchanges.
type Document struct {
	ops []*operation
	// problem checks the answers to requests the document has no
	// operation for (404 route_not_found, 405 method_not_allowed).
	problem *jsonschema.Schema
}

// operation is what the document says of one method on one path.
type operation struct {
	id       string
	method   string
	template string
	segments []string
	params   []*param
	secured  bool
	body     *requestBody // nil when the operation takes none
	// responses are keyed by status ("200"), range ("4XX") or "DEFAULT",
	// upper-cased as read.
	responses map[string]*response
}

func (o *operation) String() string { return fmt.Sprintf("%s (%s %s)", o.id, o.method, o.template) }

type param struct {
	name, in string
	required bool
	// allowEmpty: an empty query value ("sort=") stands for no value.
	allowEmpty bool
	schema     *jsonschema.Schema
	// types are the JSON types the schema allows, to read the text of a
	// query parameter or header as the value it stands for.
	types []string
}

type requestBody struct {
	required bool
	content  map[string]*jsonschema.Schema // by media type
}

type response struct {
	content map[string]*jsonschema.Schema // by media type; empty: no body
	headers map[string]*param             // by canonical name
}

var standard = sync.OnceValues(func() (*Document, error) { return Compile(httpapi.OpenAPI()) })

// Load returns the API's own document, compiled once per test binary.
func Load() (*Document, error) { return standard() }

// Compile compiles an OpenAPI 3.1 document given as JSON.
func Compile(raw []byte) (*Document, error) {
	tree, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("openapitest: the document is not JSON: %w", err)
	}
	root, ok := tree.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("openapitest: the document is not an object")
	}
	c := &compiler{tree: root, schemas: jsonschema.NewCompiler(), compiled: map[string]*jsonschema.Schema{}}
	c.schemas.DefaultDraft(jsonschema.Draft2020)
	// OpenAPI 3.1 makes format an annotation; the tests hold the API to
	// it all the same: a date-time or a date that is not one is a mismatch.
	c.schemas.AssertFormat()
	if err := c.schemas.AddResource(docURL, tree); err != nil {
		return nil, fmt.Errorf("openapitest: %w", err)
	}
	return c.document()
}

// compiler turns the document's tree into operations.
type compiler struct {
	tree     map[string]any
	schemas  *jsonschema.Compiler
	compiled map[string]*jsonschema.Schema // by JSON pointer
}

func (c *compiler) document() (*Document, error) {
	d := &Document{}
	var err error
	if d.problem, err = c.schema("/components/schemas/Problem"); err != nil {
		return nil, err
	}
	security, _ := c.tree["security"].([]any)
	paths, _ := c.tree["paths"].(map[string]any)
	for _, template := range sortedKeys(paths) {
		item, _ := paths[template].(map[string]any)
		at := "/paths/" + escape(template)
		for _, method := range []string{"get", "put", "post", "delete", "patch", "head", "options", "trace"} {
			if _, ok := item[method].(map[string]any); !ok {
				continue
			}
			op, err := c.operation(at, method, template, item, len(security) > 0)
			if err != nil {
				return nil, err
			}
			d.ops = append(d.ops, op)
		}
	}
	return d, nil
}

func (c *compiler) operation(at, method, template string, item map[string]any, securedByDefault bool) (*operation, error) {
	raw := item[method].(map[string]any)
	at += "/" + method
	op := &operation{
		method:    strings.ToUpper(method),
		template:  template,
		segments:  strings.Split(template, "/"),
		secured:   securedByDefault,
		responses: map[string]*response{},
	}
	op.id, _ = raw["operationId"].(string)
	if s, ok := raw["security"].([]any); ok {
		op.secured = len(s) > 0
	}
	// The operation's parameters override the path item's of the same name and place.
	seen := map[string]bool{}
	for _, list := range []struct {
		at    string
		items any
	}{{at + "/parameters", raw["parameters"]}, {"/paths/" + escape(template) + "/parameters", item["parameters"]}} {
		items, _ := list.items.([]any)
		for i := range items {
			p, err := c.param(fmt.Sprintf("%s/%d", list.at, i))
			if err != nil {
				return nil, err
			}
			if key := p.in + " " + strings.ToLower(p.name); !seen[key] {
				seen[key] = true
				op.params = append(op.params, p)
			}
		}
	}
	if _, ok := raw["requestBody"]; ok {
		ptr, node := c.follow(at + "/requestBody")
		op.body = &requestBody{}
		op.body.required, _ = node["required"].(bool)
		var err error
		if op.body.content, err = c.content(ptr, node); err != nil {
			return nil, err
		}
	}
	responses, _ := raw["responses"].(map[string]any)
	for _, status := range sortedKeys(responses) {
		r, err := c.response(at + "/responses/" + escape(status))
		if err != nil {
			return nil, err
		}
		op.responses[strings.ToUpper(status)] = r
	}
	return op, nil
}

func (c *compiler) param(ptr string) (*param, error) {
	ptr, node := c.follow(ptr)
	p := &param{}
	p.name, _ = node["name"].(string)
	p.in, _ = node["in"].(string)
	p.required, _ = node["required"].(bool)
	p.allowEmpty, _ = node["allowEmptyValue"].(bool)
	return p, c.paramSchema(p, ptr)
}

// paramSchema compiles the schema of a parameter or header at ptr.
func (c *compiler) paramSchema(p *param, ptr string) error {
	_, node := c.follow(ptr)
	if _, ok := node["schema"]; !ok {
		return nil
	}
	var err error
	if p.schema, err = c.schema(ptr + "/schema"); err != nil {
		return err
	}
	_, s := c.follow(ptr + "/schema")
	switch t := s["type"].(type) {
	case string:
		p.types = []string{t}
	case []any:
		for _, v := range t {
			if name, ok := v.(string); ok {
				p.types = append(p.types, name)
			}
		}
	}
	return nil
}

func (c *compiler) response(ptr string) (*response, error) {
	ptr, node := c.follow(ptr)
	r := &response{headers: map[string]*param{}}
	var err error
	if r.content, err = c.content(ptr, node); err != nil {
		return nil, err
	}
	headers, _ := node["headers"].(map[string]any)
	for _, name := range sortedKeys(headers) {
		hptr, hnode := c.follow(ptr + "/headers/" + escape(name))
		h := &param{name: name, in: "header"}
		h.required, _ = hnode["required"].(bool)
		if err := c.paramSchema(h, hptr); err != nil {
			return nil, err
		}
		r.headers[http.CanonicalHeaderKey(name)] = h
	}
	return r, nil
}

// content compiles the schema of each media type of the request body or
// response at ptr.
func (c *compiler) content(ptr string, node map[string]any) (map[string]*jsonschema.Schema, error) {
	media, _ := node["content"].(map[string]any)
	out := map[string]*jsonschema.Schema{}
	for _, mt := range sortedKeys(media) {
		at := ptr + "/content/" + escape(mt)
		out[mt] = nil
		if m, _ := media[mt].(map[string]any); m["schema"] != nil {
			s, err := c.schema(at + "/schema")
			if err != nil {
				return nil, err
			}
			out[mt] = s
		}
	}
	return out, nil
}

// schema compiles the schema at a JSON pointer into the document, once.
func (c *compiler) schema(ptr string) (*jsonschema.Schema, error) {
	if s, ok := c.compiled[ptr]; ok {
		return s, nil
	}
	s, err := c.schemas.Compile(docURL + "#" + ptr)
	if err != nil {
		return nil, fmt.Errorf("openapitest: compile %s: %w", ptr, err)
	}
	c.compiled[ptr] = s
	return s, nil
}

// follow returns the object at ptr, following a "$ref" to the object it
// names (parameters, request bodies, responses and headers may be
// references), and the pointer it was found at.
func (c *compiler) follow(ptr string) (string, map[string]any) {
	for range 10 { // a chain of references longer than this is a loop
		node, _ := c.at(ptr).(map[string]any)
		ref, ok := node["$ref"].(string)
		if !ok || !strings.HasPrefix(ref, "#") {
			return ptr, node
		}
		ptr = ref[1:]
	}
	return ptr, nil
}

// at returns the node at a JSON pointer, nil when there is none.
func (c *compiler) at(ptr string) any {
	var node any = c.tree
	if ptr == "" {
		return node
	}
	for _, tok := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		switch n := node.(type) {
		case map[string]any:
			node = n[strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)]
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(n) {
				return nil
			}
			node = n[i]
		default:
			return nil
		}
	}
	return node
}

func escape(tok string) string { return strings.NewReplacer("~", "~0", "/", "~1").Replace(tok) }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
