package rules

import (
	"fmt"
	"slices"

	"tend/internal/domain"
)

// pred tests one condition on a customer.
type pred func(c *domain.Customer, env *Env) bool

type compiled struct {
	Condition
	test pred
}

// Set is a compiled set of condition groups, ready to evaluate.
type Set struct {
	groups [][]compiled
	reads  []string
}

// Compile checks groups against the schema and compiles them. Problems are
// reported as a validation *domain.Error whose paths start with path
// ("conditions[1][0].value").
func Compile(groups Groups, s *Schema, path string) (*Set, error) {
	var p domain.Problems
	set := &Set{groups: make([][]compiled, 0, len(groups))}
	if len(groups) > MaxGroups {
		p.Add(path, "too_many", "max", fmt.Sprint(MaxGroups))
		return nil, p.Err()
	}
	for g, group := range groups {
		if len(group) == 0 {
			p.Add(fmt.Sprintf("%s[%d]", path, g), "empty_group")
			continue
		}
		out := make([]compiled, 0, len(group))
		for i, c := range group {
			at := fmt.Sprintf("%s[%d][%d]", path, g, i)
			test := compileCondition(c, s, at, &p)
			if test == nil {
				continue
			}
			out = append(out, compiled{Condition: c, test: test})
			key := canonical(c.Field)
			if !slices.Contains(set.reads, key) {
				set.reads = append(set.reads, key)
			}
		}
		set.groups = append(set.groups, out)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return set, nil
}

// Match reports whether the customer satisfies any group (every customer
// when there are no groups).
func (s *Set) Match(c *domain.Customer, env *Env) bool {
	if len(s.groups) == 0 {
		return true
	}
	for _, group := range s.groups {
		if matchGroup(group, c, env) {
			return true
		}
	}
	return false
}

func matchGroup(group []compiled, c *domain.Customer, env *Env) bool {
	for i := range group {
		if !group[i].test(c, env) {
			return false
		}
	}
	return true
}

// Reads lists the fields the conditions read ("revenue", "step:pl_1").
func (s *Set) Reads() []string { return s.reads }

// Empty reports whether the set has no groups, matching every customer.
func (s *Set) Empty() bool { return len(s.groups) == 0 }

// Explanation tells why a customer matched or not.
type Explanation struct {
	Matched bool `json:"matched"`
	// Group is the index of the first group that matched, -1 if none.
	Group int `json:"group"`
	// Results holds each condition's result, group by group.
	Results [][]ConditionResult `json:"results"`
}

// ConditionResult is one condition and whether it held.
type ConditionResult struct {
	Condition
	Held bool `json:"held"`
}

// Explain evaluates every condition, without short-cuts, and says which
// group matched.
func (s *Set) Explain(c *domain.Customer, env *Env) Explanation {
	ex := Explanation{Group: -1, Results: make([][]ConditionResult, len(s.groups))}
	if len(s.groups) == 0 {
		ex.Matched = true
		return ex
	}
	for g, group := range s.groups {
		all := true
		ex.Results[g] = make([]ConditionResult, len(group))
		for i := range group {
			held := group[i].test(c, env)
			ex.Results[g][i] = ConditionResult{Condition: group[i].Condition, Held: held}
			all = all && held
		}
		if all && ex.Group < 0 {
			ex.Group = g
			ex.Matched = true
		}
	}
	return ex
}
