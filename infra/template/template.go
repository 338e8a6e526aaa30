// Package template reads Tend's SAM template the way AWS deploys it: it
// expands template.yaml into plain CloudFormation with the SAM translator
// (infra/scripts/expand-template.py, run with python3) and gives the
// template as written and as expanded. Its tests check what the expanded
// template really grants and sets up; make sam-local creates the table and
// queues it declares.
package template

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// ErrNoTranslator means python3 or its samtranslator package is missing
// (pip install cfn-lint installs the translator).
var ErrNoTranslator = errors.New("template: python3 with the SAM translator (pip install cfn-lint) is needed")

// Template is a SAM template as written (SAM) and as expanded (CFN).
type Template struct {
	SAM Doc `json:"sam"`
	CFN Doc `json:"cfn"`
}

// Doc is a CloudFormation document.
type Doc struct {
	Parameters map[string]map[string]any `json:"Parameters"`
	Conditions map[string]any            `json:"Conditions"`
	Resources  map[string]Resource       `json:"Resources"`
	Outputs    map[string]map[string]any `json:"Outputs"`
}

// Resource is one resource of a document.
type Resource struct {
	Type           string         `json:"Type"`
	Condition      string         `json:"Condition"`
	DeletionPolicy string         `json:"DeletionPolicy"`
	Metadata       map[string]any `json:"Metadata"`
	Properties     map[string]any `json:"Properties"`
}

// Expand expands the template at path with the expander of the
// repository at root.
func Expand(ctx context.Context, root, path string) (*Template, error) {
	python, err := exec.LookPath("python3")
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoTranslator, err)
	}
	cmd := exec.CommandContext(ctx, python, filepath.Join(root, "infra", "scripts", "expand-template.py"), path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if strings.Contains(msg, "translator is missing") {
			return nil, fmt.Errorf("%w: %s", ErrNoTranslator, msg)
		}
		return nil, fmt.Errorf("template: expand %s: %v: %s", path, err, msg)
	}
	var t Template
	if err := json.Unmarshal(out, &t); err != nil {
		return nil, fmt.Errorf("template: read the expanded %s: %w", path, err)
	}
	return &t, nil
}

// OfType lists the logical ids of the resources of a type, sorted.
func (d Doc) OfType(typ string) []string {
	var ids []string
	for id, r := range d.Resources {
		if r.Type == typ {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}

// Get walks v through map keys and list indexes ("0", "1", ...); nil
// where the path leads nowhere.
func Get(v any, path ...string) any {
	for _, k := range path {
		switch x := v.(type) {
		case map[string]any:
			v = x[k]
		case []any:
			i := 0
			if _, err := fmt.Sscan(k, &i); err != nil || i < 0 || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

// Ref is the logical id or parameter of {"Ref": name}, "" if v is none.
func Ref(v any) string {
	s, _ := Get(v, "Ref").(string)
	return s
}

// GetAtt is the resource and attribute of {"Fn::GetAtt": [id, attr]} (or
// its "id.attr" form), "" if v is none.
func GetAtt(v any) (id, attr string) {
	switch x := Get(v, "Fn::GetAtt").(type) {
	case []any:
		if len(x) == 2 {
			id, _ = x[0].(string)
			attr, _ = x[1].(string)
		}
	case string:
		id, attr, _ = strings.Cut(x, ".")
	}
	return id, attr
}

// Sub is the text of {"Fn::Sub": text} or {"Fn::Sub": [text, vars]}, ""
// if v is none.
func Sub(v any) string {
	switch x := Get(v, "Fn::Sub").(type) {
	case string:
		return x
	case []any:
		s, _ := Get(x, "0").(string)
		return s
	}
	return ""
}

// List is v as a list: itself if it is one, else a list of v (IAM and
// CloudFormation take a single value where they take a list); nil for nil.
func List(v any) []any {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		return x
	}
	return []any{v}
}

// Strings are the strings of List(v), leaving out what is not a string.
func Strings(v any) []string {
	var out []string
	for _, x := range List(v) {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
