// Package rules compiles condition groups — OR of ANDs of field, operator,
// value — against a workspace's fields, and evaluates them on customers. A
// condition set is compiled once (accessors resolved, values parsed, text
// folded) and then evaluated without parsing or reflection. Customer lists
// filter with it; automation rules and care flows decide with it.
package rules

import (
	"bytes"
	"encoding/json"
	"fmt"

	"tend/internal/domain"
)

// Condition is one test of a field: {field, op, value}.
type Condition struct {
	Field string          `json:"field"`
	Op    string          `json:"op"`
	Value json.RawMessage `json:"value,omitempty"`
}

// Groups are condition groups: the groups are joined by OR, the conditions
// inside a group by AND. No groups means "every customer".
type Groups [][]Condition

// Operators.
const (
	OpEq                    = "eq"
	OpNe                    = "ne"
	OpContains              = "contains"
	OpNotContains           = "not_contains"
	OpStartsWith            = "starts_with"
	OpEndsWith              = "ends_with"
	OpIn                    = "in"
	OpNotIn                 = "not_in"
	OpEmpty                 = "empty"
	OpNotEmpty              = "not_empty"
	OpGt                    = "gt"
	OpGte                   = "gte"
	OpLt                    = "lt"
	OpLte                   = "lte"
	OpBetween               = "between"
	OpBefore                = "before"
	OpAfter                 = "after"
	OpOn                    = "on"
	OpIsToday               = "is_today"
	OpOlderThanDays         = "older_than_days"
	OpWithinLastDays        = "within_last_days"
	OpWithinNextDays        = "within_next_days"
	OpAnniversaryToday      = "anniversary_today"
	OpAnniversaryWithinDays = "anniversary_within_days"
	// The lunar anniversary of a (solar) date: the same day of the same
	// lunar month, e.g. a birthday kept by the Vietnamese calendar.
	OpLunarAnniversaryToday      = "lunar_anniversary_today"
	OpLunarAnniversaryWithinDays = "lunar_anniversary_within_days"
	OpHasAny                     = "has_any"
	OpHasAll                     = "has_all"
	OpHasNone                    = "has_none"
	OpInPipeline                 = "in_pipeline"
	OpNotInPipeline              = "not_in_pipeline"
)

// MaxGroups and MaxConditions bound what one rule or filter may hold.
const (
	MaxGroups     = 20
	MaxConditions = 50
)

// ParseGroups decodes condition groups from JSON, refusing anything that
// isn't a list of lists of {field, op, value} objects. path names the
// element in error paths ("filter", "conditions").
func ParseGroups(raw []byte, path string) (Groups, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) {
		return nil, nil
	}
	var outer []json.RawMessage
	if err := json.Unmarshal(raw, &outer); err != nil {
		return nil, invalid(path, "not_condition_groups")
	}
	var p domain.Problems
	if len(outer) > MaxGroups {
		p.Add(path, "too_many", "max", fmt.Sprint(MaxGroups))
		return nil, p.Err()
	}
	groups := make(Groups, 0, len(outer))
	total := 0
	for g, rawGroup := range outer {
		var conds []json.RawMessage
		if err := json.Unmarshal(rawGroup, &conds); err != nil {
			p.Add(fmt.Sprintf("%s[%d]", path, g), "not_condition_group")
			continue
		}
		group := make([]Condition, 0, len(conds))
		for i, rawCond := range conds {
			total++
			at := fmt.Sprintf("%s[%d][%d]", path, g, i)
			var c Condition
			dec := json.NewDecoder(bytes.NewReader(rawCond))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&c); err != nil || dec.More() {
				p.Add(at, "not_a_condition")
				continue
			}
			group = append(group, c)
		}
		groups = append(groups, group)
	}
	if total > MaxConditions {
		p.Add(path, "too_many", "max", fmt.Sprint(MaxConditions))
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return groups, nil
}

func invalid(path, code string, kv ...string) error {
	var p domain.Problems
	p.Add(path, code, kv...)
	return p.Err()
}
