package localrun_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"tend/internal/httpapi"
)

// apiSchema reads the OpenAPI document's response schemas, to check
// answers against what the document declares.
type apiSchema struct{ tree map[string]any }

func loadAPISchema(t *testing.T) apiSchema {
	t.Helper()
	var tree map[string]any
	if err := json.Unmarshal(httpapi.OpenAPI(), &tree); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	return apiSchema{tree: tree}
}

// getRoutes lists the document's GET paths, sorted.
func (d apiSchema) getRoutes() []string {
	var out []string
	for path, item := range d.tree["paths"].(map[string]any) {
		if strings.HasPrefix(path, "/hooks/") {
			continue // a provider's check of a webhook, answered as text
		}
		if _, ok := item.(map[string]any)["get"]; ok && d.answer(path) != nil {
			out = append(out, path) // not files (an .xlsx): they have no arrays
		}
	}
	slices.Sort(out)
	return out
}

// answer is the JSON schema of a GET path's 200 answer.
func (d apiSchema) answer(path string) map[string]any {
	node := any(d.tree)
	for _, k := range []string{"paths", path, "get", "responses", "200", "content", "application/json", "schema"} {
		m, ok := node.(map[string]any)
		if !ok {
			return nil
		}
		node = m[k]
	}
	s, _ := node.(map[string]any)
	return s
}

// deref follows a schema's $ref chain.
func (d apiSchema) deref(s map[string]any) map[string]any {
	for {
		ref, ok := s["$ref"].(string)
		if !ok {
			return s
		}
		node := any(d.tree)
		for _, k := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			node = node.(map[string]any)[k]
		}
		s = node.(map[string]any)
	}
}

// declaresArray reports whether a schema says "an array" and does not
// allow null.
func declaresArray(s map[string]any) bool {
	switch t := s["type"].(type) {
	case string:
		return t == "array"
	case []any:
		return slices.Contains(t, any("array")) && !slices.Contains(t, any("null"))
	}
	return false
}

// nullArrays returns where in v, an answer of schema s, an array the
// schema declares is null.
func (d apiSchema) nullArrays(s map[string]any, v any, at string) []string {
	if s == nil {
		return nil
	}
	s = d.deref(s)
	var out []string
	for _, sub := range schemaList(s["allOf"]) {
		out = append(out, d.nullArrays(sub, v, at)...)
	}
	for _, key := range []string{"oneOf", "anyOf"} {
		branches := schemaList(s[key])
		var first []string
		for i, b := range branches {
			got := d.nullArrays(b, v, at)
			if len(got) == 0 {
				first = nil
				break
			}
			if i == 0 {
				first = got
			}
		}
		out = append(out, first...)
	}
	switch x := v.(type) {
	case nil:
		if declaresArray(s) {
			out = append(out, at)
		}
	case []any:
		items, _ := s["items"].(map[string]any)
		for i, e := range x {
			out = append(out, d.nullArrays(items, e, fmt.Sprintf("%s[%d]", at, i))...)
		}
	case map[string]any:
		props, _ := s["properties"].(map[string]any)
		extra, _ := s["additionalProperties"].(map[string]any)
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			ps, ok := props[k].(map[string]any)
			if !ok {
				ps = extra
			}
			out = append(out, d.nullArrays(ps, x[k], at+"."+k)...)
		}
	}
	return out
}

func schemaList(v any) []map[string]any {
	list, _ := v.([]any)
	out := make([]map[string]any, 0, len(list))
	for _, e := range list {
		if m, ok := e.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// requiredQuery gives the routes' required query parameters a value.
var requiredQuery = map[string]string{"/v1/lookup": "?q=" + "b%C3%AD", "/v1/calendar/lunar": "?date=2026-09-25"}

var pathParam = regexp.MustCompile(`\{[^{}]+\}`)

// walkGets calls every GET route of the document (those with path
// parameters only when fill can fill them) and reports every array the
// document declares that the answer has as null.
func walkGets(t *testing.T, d apiSchema, c *client, fill func(string) string) (walked int) {
	t.Helper()
	for _, route := range d.getRoutes() {
		path := route
		if fill != nil {
			path = fill(route)
		}
		if pathParam.MatchString(path) {
			if fill != nil {
				t.Errorf("GET %s: no id to fill in %s", route, path)
			}
			continue
		}
		r := c.do("GET", path+requiredQuery[route], nil).ok(200)
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			walked++ // a file (the export): no JSON arrays in it
			continue
		}
		var v any
		r.into(&v)
		for _, at := range d.nullArrays(d.answer(route), v, "$") {
			t.Errorf("GET %s: %s is null, want an array ([] when empty)", route, at)
		}
		walked++
	}
	return walked
}

// Every list answers [] when it is empty, never null, and so does every
// other array the OpenAPI document declares in a GET answer: on a fresh
// workspace, where every list is empty, and on one holding one of
// everything, where the items' own arrays (tags, shared_with, steps ...)
// are mostly empty.
func TestArraysAreNeverNull(t *testing.T) {
	d := loadAPISchema(t)
	// The check sees a null nested in an item.
	nested := map[string]any{"items": []any{map[string]any{"tags": nil, "shared_with": []any{}}}}
	if got := d.nullArrays(d.answer("/v1/customers"), nested, "$"); !slices.Equal(got, []string{"$.items[0].tags"}) {
		t.Fatalf("the check found %v in %v, want [$.items[0].tags]", got, nested)
	}
	s := start(t, false)

	fresh, _ := s.workspace("Công ty Mới")
	if n := walkGets(t, d, fresh, nil); n < 20 {
		t.Fatalf("walked only %d GET routes without path parameters: the walk is broken", n)
	}

	a := newTenantA(s)
	if n := walkGets(t, d, a.admin, a.path); n != len(d.getRoutes()) {
		t.Fatalf("walked %d of %d GET routes", n, len(d.getRoutes()))
	}
}
