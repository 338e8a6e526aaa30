package rules

import (
	"encoding/json"
	"slices"
)

// OneOf returns the values field must hold (eq, or in a list; a list
// field such as tags one of those has_any or has_all names) for a
// customer to match, when every group requires it: a list then reads only
// the index keys of those values (an owner's, a warehouse's customers)
// instead of every customer. ok is false when some group lets a customer
// with any value match, or when there are no groups.
func (s *Set) OneOf(field string) (values []string, ok bool) {
	if len(s.groups) == 0 {
		return nil, false
	}
	field = canonical(field)
	for _, group := range s.groups {
		vs, found := groupOneOf(group, field)
		if !found {
			return nil, false
		}
		for _, v := range vs {
			if !slices.Contains(values, v) {
				values = append(values, v)
			}
		}
	}
	return values, true
}

// groupOneOf returns the values one of the group's conditions requires of
// field (the first such condition: the group ANDs them, so any one bounds
// the matches).
func groupOneOf(group []compiled, field string) ([]string, bool) {
	for _, c := range group {
		if canonical(c.Field) != field {
			continue
		}
		switch c.Op {
		case OpEq:
			var v string
			if json.Unmarshal(c.Value, &v) == nil {
				return []string{v}, true
			}
		case OpIn, OpHasAny, OpHasAll:
			// has_all: any one of its values bounds the matches too.
			var vs []string
			if json.Unmarshal(c.Value, &vs) == nil {
				return vs, true
			}
		}
	}
	return nil, false
}

// Only reports whether the set is nothing but a choice of values of field:
// every group one condition on field, eq or in. A customer then matches
// exactly when OneOf's values hold it, and a list of the index keys of
// those values needs no other test (a count need not read the customers).
func (s *Set) Only(field string) bool {
	if len(s.groups) == 0 {
		return false
	}
	field = canonical(field)
	for _, group := range s.groups {
		if len(group) != 1 || canonical(group[0].Field) != field || (group[0].Op != OpEq && group[0].Op != OpIn) {
			return false
		}
	}
	_, ok := s.OneOf(field)
	return ok
}
