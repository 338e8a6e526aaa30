package rules

import (
	"strings"

	"tend/internal/domain"
)

// opsByType lists the operators each field type accepts.
var opsByType = map[domain.FieldType][]string{
	domain.TypeText:        textOps,
	domain.TypeEmail:       textOps,
	domain.TypePhone:       textOps,
	domain.TypeNumber:      numberOps,
	domain.TypeMoney:       numberOps,
	domain.TypeDate:        dateOps,
	domain.TypeDateTime:    dateOps,
	domain.TypeSelect:      idOps,
	domain.TypeUser:        idOps,
	domain.TypeWarehouse:   idOps,
	domain.TypeMultiSelect: listOps,
	domain.TypeTags:        listOps,
	domain.TypeUsers:       listOps,
	domain.TypeBoolean:     {OpEq, OpNe, OpEmpty, OpNotEmpty},
}

var (
	textOps   = []string{OpEq, OpNe, OpContains, OpNotContains, OpStartsWith, OpEndsWith, OpIn, OpNotIn, OpEmpty, OpNotEmpty}
	numberOps = []string{OpEq, OpNe, OpGt, OpGte, OpLt, OpLte, OpBetween, OpEmpty, OpNotEmpty}
	dateOps   = []string{OpOn, OpEq, OpBefore, OpAfter, OpBetween, OpEmpty, OpNotEmpty, OpIsToday, OpOlderThanDays,
		OpWithinLastDays, OpWithinNextDays, OpAnniversaryToday, OpAnniversaryWithinDays,
		OpLunarAnniversaryToday, OpLunarAnniversaryWithinDays}
	idOps   = []string{OpEq, OpNe, OpIn, OpNotIn, OpEmpty, OpNotEmpty}
	listOps = []string{OpHasAny, OpHasAll, OpHasNone, OpEmpty, OpNotEmpty}
	stepOps = []string{OpEq, OpNe, OpIn, OpNotIn, OpInPipeline, OpNotInPipeline}
)

// OperatorsFor returns the operators a field type accepts.
func OperatorsFor(t domain.FieldType) []string { return opsByType[t] }

func allowed(ops []string, op string) bool {
	for _, o := range ops {
		if o == op {
			return true
		}
	}
	return false
}

// compileCondition returns the test for one condition, or nil after
// recording what is wrong with it.
func compileCondition(c Condition, s *Schema, at string, p *domain.Problems) pred {
	if c.Field == "" {
		p.Add(at+".field", "required")
		return nil
	}
	if c.Op == "" {
		p.Add(at+".op", "required")
		return nil
	}
	if pipelineID, ok := isStepField(c.Field); ok {
		return compileStep(c, s, pipelineID, at, p)
	}
	f, ok := s.Field(c.Field)
	if !ok {
		p.Add(at+".field", "unknown_field", "field", c.Field)
		return nil
	}
	ops := opsByType[f.Type]
	if !allowed(ops, c.Op) {
		p.Add(at+".op", "operator_not_allowed", "op", c.Op, "type", string(f.Type), "allowed", strings.Join(ops, ", "))
		return nil
	}
	v := valueReader{raw: c.Value, at: at + ".value", p: p}
	get := s.accessor(f)
	switch f.Type {
	case domain.TypeText, domain.TypeEmail:
		return compileText(c.Op, get.text, v)
	case domain.TypePhone:
		return compilePhone(c.Op, get.text, v)
	case domain.TypeNumber, domain.TypeMoney:
		return compileNumber(c.Op, get.num, v)
	case domain.TypeDate:
		if f.IsLunar() {
			return compileLunarField(c.Op, get.lunar, v)
		}
		return compileDate(c.Op, dateDay(get.date), v)
	case domain.TypeDateTime:
		return compileDateTime(c.Op, get.time, v)
	case domain.TypeSelect:
		return compileID(c.Op, get.text, v, func(id string) bool { return f.HasOption(id) }, "not_an_option")
	case domain.TypeUser:
		return compileID(c.Op, get.text, v, known(s.users), "unknown_user")
	case domain.TypeWarehouse:
		return compileID(c.Op, get.text, v, known(s.warehouses), "unknown_warehouse")
	case domain.TypeMultiSelect:
		return compileList(c.Op, get.list, v, func(o string) bool { return f.HasOption(o) }, false)
	case domain.TypeTags:
		return compileList(c.Op, get.list, v, nil, true)
	case domain.TypeUsers:
		return compileList(c.Op, get.list, v, known(s.users), false)
	case domain.TypeBoolean:
		return compileBool(c.Op, get.boolean, v)
	}
	p.Add(at+".field", "unknown_field", "field", c.Field)
	return nil
}

// known returns a check of ids against a set, or nil (accept any) when the
// schema was not given the set.
func known(ids map[string]bool) func(string) bool {
	if ids == nil {
		return nil
	}
	return func(id string) bool { return ids[id] }
}

func compileStep(c Condition, s *Schema, pipelineID, at string, p *domain.Problems) pred {
	pl, ok := s.Pipeline(pipelineID)
	if !ok {
		p.Add(at+".field", "unknown_pipeline", "pipeline", pipelineID)
		return nil
	}
	if !allowed(stepOps, c.Op) {
		p.Add(at+".op", "operator_not_allowed", "op", c.Op, "type", "step", "allowed", strings.Join(stepOps, ", "))
		return nil
	}
	stepOf := func(c *domain.Customer) (string, bool) {
		st, ok := c.Pipelines[pipelineID]
		return st, ok
	}
	v := valueReader{raw: c.Value, at: at + ".value", p: p}
	isStep := func(id string) bool { _, ok := pl.Step(id); return ok }
	switch c.Op {
	case OpInPipeline:
		return func(c *domain.Customer, _ *Env) bool { _, ok := stepOf(c); return ok }
	case OpNotInPipeline:
		return func(c *domain.Customer, _ *Env) bool { _, ok := stepOf(c); return !ok }
	case OpEq, OpNe:
		want, ok := v.id(isStep, "unknown_step")
		if !ok {
			return nil
		}
		eq := func(c *domain.Customer, _ *Env) bool { st, ok := stepOf(c); return ok && st == want }
		if c.Op == OpNe {
			return not(eq)
		}
		return eq
	default: // in, not_in
		want, ok := v.ids(isStep, "unknown_step")
		if !ok {
			return nil
		}
		in := func(c *domain.Customer, _ *Env) bool {
			st, ok := stepOf(c)
			return ok && contains(want, st)
		}
		if c.Op == OpNotIn {
			return not(in)
		}
		return in
	}
}

func not(p pred) pred {
	return func(c *domain.Customer, env *Env) bool { return !p(c, env) }
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
