package task

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"

	"tend/internal/domain"
	"tend/internal/jsonin"
)

// Input creates or changes a task. A nil field is absent: on a change it
// keeps the task's value. JSON null, or an empty value, clears an optional
// field (description, related users, customer, order, due date).
type Input struct {
	Title          *string      `json:"title"`
	Description    *string      `json:"description"`
	Type           *string      `json:"type"`
	Priority       *string      `json:"priority"`
	Status         *string      `json:"status"`
	AssigneeID     *string      `json:"assignee_id"`
	RelatedUserIDs *[]string    `json:"related_user_ids"`
	CustomerID     *string      `json:"customer_id"`
	OrderID        *string      `json:"order_id"`
	DueOn          *domain.Date `json:"due_on"`
	// Version, when given, must be the task's current version.
	Version *int64 `json:"version"`
	// Quiet makes a task without telling its people (automation's care
	// cards whose flow says not to); never read from a body.
	Quiet bool `json:"-"`
}

// readOnly are task properties Tend keeps itself; a body naming one is
// refused rather than silently ignored.
var readOnly = []string{"id", "completed_at", "source", "created_by", "created_at", "updated_at", "tenant_id"}

// ParseInput reads a task body (POST or PATCH) strictly: every unknown or
// read-only property and every value of the wrong type is reported, all at
// once, with its path. It checks the shape only; the service checks the
// values against the workspace.
func ParseInput(raw []byte) (*Input, error) {
	if err := jsonin.NotObject(raw); err != nil {
		return nil, err
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(raw, &top); err != nil {
		return nil, fmt.Errorf("task: read body: %w", err) // a JSON object: cannot fail
	}
	in := &Input{}
	var p domain.Problems
	keys := make([]string, 0, len(top))
	for k := range top {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := top[k]
		switch k {
		case "title":
			in.Title = text(&p, k, v)
		case "description":
			in.Description = text(&p, k, v)
		case "type":
			in.Type = text(&p, k, v)
		case "priority":
			in.Priority = text(&p, k, v)
		case "status":
			in.Status = text(&p, k, v)
		case "assignee_id":
			in.AssigneeID = text(&p, k, v)
		case "customer_id":
			in.CustomerID = text(&p, k, v)
		case "order_id":
			in.OrderID = text(&p, k, v)
		case "related_user_ids":
			ids := []string{}
			if !isNull(v) && json.Unmarshal(v, &ids) != nil {
				p.Add(k, "expected_text_list")
			}
			in.RelatedUserIDs = &ids
		case "due_on":
			var d domain.Date
			if json.Unmarshal(v, &d) != nil {
				p.Add(k, "invalid_date")
			}
			in.DueOn = &d
		case "version":
			var n int64
			if json.Unmarshal(v, &n) != nil || isNull(v) {
				p.Add(k, "expected_integer")
			}
			in.Version = &n
		default:
			if slices.Contains(readOnly, k) {
				p.Add(k, "read_only")
				continue
			}
			p.Add(propertyPath(k), "unknown_json_field", "field", k)
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return in, nil
}

// text decodes a text property; null is the empty text.
func text(p *domain.Problems, path string, v json.RawMessage) *string {
	var s string
	if !isNull(v) && json.Unmarshal(v, &s) != nil {
		p.Add(path, "expected_text")
	}
	return &s
}

func isNull(v json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(v), []byte("null")) }

// propertyPath names a top-level property; an empty key, which JSON
// allows, is written [""].
func propertyPath(k string) string {
	if k == "" {
		return `[""]`
	}
	return k
}
