package rules

import (
	"strings"
	"time"

	"tend/internal/domain"
	"tend/internal/phone"
)

func compileText(op string, get func(*domain.Customer) string, v valueReader) pred {
	switch op {
	case OpEmpty:
		return func(c *domain.Customer, _ *Env) bool { return strings.TrimSpace(get(c)) == "" }
	case OpNotEmpty:
		return func(c *domain.Customer, _ *Env) bool { return strings.TrimSpace(get(c)) != "" }
	case OpIn, OpNotIn:
		list, ok := v.strs()
		if !ok {
			return nil
		}
		folded := make([]string, len(list))
		for i, s := range list {
			folded[i] = domain.Fold(s)
		}
		in := func(c *domain.Customer, _ *Env) bool {
			s := get(c)
			for _, f := range folded {
				if domain.FoldedEqual(s, f) {
					return true
				}
			}
			return false
		}
		if op == OpNotIn {
			return not(in)
		}
		return in
	}
	s, ok := v.str()
	if !ok {
		return nil
	}
	needle := domain.Fold(s)
	switch op {
	case OpEq:
		return func(c *domain.Customer, _ *Env) bool { return domain.FoldedEqual(get(c), needle) }
	case OpNe:
		return func(c *domain.Customer, _ *Env) bool { return !domain.FoldedEqual(get(c), needle) }
	case OpContains:
		return func(c *domain.Customer, _ *Env) bool { return domain.FoldedContains(get(c), needle) }
	case OpNotContains:
		return func(c *domain.Customer, _ *Env) bool { return !domain.FoldedContains(get(c), needle) }
	case OpStartsWith:
		return func(c *domain.Customer, _ *Env) bool { return domain.FoldedHasPrefix(get(c), needle) }
	case OpEndsWith:
		return func(c *domain.Customer, _ *Env) bool { return domain.FoldedHasSuffix(get(c), needle) }
	}
	return nil
}

// compilePhone compares whole numbers in E.164 and fragments by digits, so
// "0912 345 678" equals "+84912345678" and "0912" is found in it.
func compilePhone(op string, get func(*domain.Customer) string, v valueReader) pred {
	switch op {
	case OpEmpty, OpNotEmpty:
		return compileText(op, get, v)
	case OpIn, OpNotIn:
		list, ok := v.strs()
		if !ok {
			return nil
		}
		numbers := make([]string, 0, len(list))
		for _, s := range list {
			if n, err := phone.Normalize(s); err == nil {
				numbers = append(numbers, n)
			}
		}
		in := func(c *domain.Customer, _ *Env) bool { return contains(numbers, get(c)) }
		if op == OpNotIn {
			return not(in)
		}
		return in
	}
	s, ok := v.str()
	if !ok {
		return nil
	}
	switch op {
	case OpEq, OpNe:
		n, err := phone.Normalize(s)
		if err != nil {
			v.fail("invalid_phone")
			return nil
		}
		eq := func(c *domain.Customer, _ *Env) bool { return get(c) == n }
		if op == OpNe {
			return not(eq)
		}
		return eq
	}
	digits, intl := phoneNeedles(s)
	if digits == "" {
		v.fail("invalid_phone")
		return nil
	}
	switch op {
	case OpContains, OpNotContains:
		has := func(c *domain.Customer, _ *Env) bool {
			n := get(c)
			return n != "" && (strings.Contains(n, digits) || strings.Contains(n, intl))
		}
		if op == OpNotContains {
			return not(has)
		}
		return has
	case OpStartsWith:
		return func(c *domain.Customer, _ *Env) bool {
			n := strings.TrimPrefix(get(c), "+")
			return n != "" && (strings.HasPrefix(n, digits) || strings.HasPrefix(n, intl))
		}
	case OpEndsWith:
		return func(c *domain.Customer, _ *Env) bool {
			n := get(c)
			return n != "" && strings.HasSuffix(n, digits)
		}
	}
	return nil
}

// presence compiles empty and not_empty for a field read as (value,
// present); other operators give nil.
func presence[T any](op string, get func(*domain.Customer) (T, bool)) pred {
	switch op {
	case OpEmpty:
		return func(c *domain.Customer, _ *Env) bool { _, ok := get(c); return !ok }
	case OpNotEmpty:
		return func(c *domain.Customer, _ *Env) bool { _, ok := get(c); return ok }
	}
	return nil
}

func compileNumber(op string, get func(*domain.Customer) (float64, bool), v valueReader) pred {
	if p := presence(op, get); p != nil {
		return p
	}
	switch op {
	case OpBetween:
		lo, hi, ok := v.numberPair()
		if !ok {
			return nil
		}
		return func(c *domain.Customer, _ *Env) bool { x, ok := get(c); return ok && lo <= x && x <= hi }
	}
	want, ok := v.number()
	if !ok {
		return nil
	}
	var cmp func(x float64) bool
	switch op {
	case OpEq:
		cmp = func(x float64) bool { return x == want }
	case OpNe:
		return func(c *domain.Customer, _ *Env) bool { x, ok := get(c); return !ok || x != want }
	case OpGt:
		cmp = func(x float64) bool { return x > want }
	case OpGte:
		cmp = func(x float64) bool { return x >= want }
	case OpLt:
		cmp = func(x float64) bool { return x < want }
	case OpLte:
		cmp = func(x float64) bool { return x <= want }
	default:
		return nil
	}
	return func(c *domain.Customer, _ *Env) bool { x, ok := get(c); return ok && cmp(x) }
}

// dayOf gives the local calendar date of a date or datetime field.
type dayOf func(c *domain.Customer, env *Env) (y int, m time.Month, d int, ok bool)

func dateDay(get func(*domain.Customer) (domain.Date, bool)) dayOf {
	return func(c *domain.Customer, _ *Env) (int, time.Month, int, bool) {
		d, ok := get(c)
		return d.Year, d.Month, d.Day, ok
	}
}

func timeDay(get func(*domain.Customer) (time.Time, bool)) dayOf {
	return func(c *domain.Customer, env *Env) (int, time.Month, int, bool) {
		t, ok := get(c)
		if !ok {
			return 0, 0, 0, false
		}
		y, m, d := t.In(env.Loc).Date()
		return y, m, d, true
	}
}

// compileDate compiles the calendar operators; relative ones ("today", "N
// days ago") count local days in the workspace's zone.
func compileDate(op string, day dayOf, v valueReader) pred {
	// onDay builds a predicate on the day number of the field.
	onDay := func(test func(n int, env *Env) bool) pred {
		return func(c *domain.Customer, env *Env) bool {
			y, m, d, ok := day(c, env)
			return ok && test(dayNumber(y, m, d), env)
		}
	}
	switch op {
	case OpEmpty:
		return func(c *domain.Customer, env *Env) bool { _, _, _, ok := day(c, env); return !ok }
	case OpNotEmpty:
		return func(c *domain.Customer, env *Env) bool { _, _, _, ok := day(c, env); return ok }
	case OpIsToday:
		return onDay(func(n int, env *Env) bool { return n == env.today })
	case OpAnniversaryToday:
		return func(c *domain.Customer, env *Env) bool {
			_, m, d, ok := day(c, env)
			return ok && daysToAnniversary(env, m, d) == 0
		}
	case OpAnniversaryWithinDays:
		n, ok := v.days()
		if !ok {
			return nil
		}
		return func(c *domain.Customer, env *Env) bool {
			_, m, d, ok := day(c, env)
			return ok && daysToAnniversary(env, m, d) <= n
		}
	case OpLunarAnniversaryToday:
		return func(c *domain.Customer, env *Env) bool {
			y, m, d, ok := day(c, env)
			return ok && daysToLunarAnniversary(env, y, m, d) == 0
		}
	case OpLunarAnniversaryWithinDays:
		n, ok := v.days()
		if !ok {
			return nil
		}
		return func(c *domain.Customer, env *Env) bool {
			y, m, d, ok := day(c, env)
			return ok && daysToLunarAnniversary(env, y, m, d) <= n
		}
	case OpOlderThanDays:
		n, ok := v.days()
		if !ok {
			return nil
		}
		return onDay(func(x int, env *Env) bool { return x < env.today-n })
	case OpWithinLastDays:
		n, ok := v.days()
		if !ok {
			return nil
		}
		return onDay(func(x int, env *Env) bool { return env.today-n <= x && x <= env.today })
	case OpWithinNextDays:
		n, ok := v.days()
		if !ok {
			return nil
		}
		return onDay(func(x int, env *Env) bool { return env.today <= x && x <= env.today+n })
	case OpBetween:
		a, b, ok := v.datePair()
		if !ok {
			return nil
		}
		lo, hi := dateNumber(a), dateNumber(b)
		return onDay(func(x int, _ *Env) bool { return lo <= x && x <= hi })
	}
	d, ok := v.date()
	if !ok {
		return nil
	}
	want := dateNumber(d)
	switch op {
	case OpOn, OpEq:
		return onDay(func(x int, _ *Env) bool { return x == want })
	case OpBefore:
		return onDay(func(x int, _ *Env) bool { return x < want })
	case OpAfter:
		return onDay(func(x int, _ *Env) bool { return x > want })
	}
	return nil
}

// compileDateTime compares by local day, except before/after an exact RFC
// 3339 time, which compare instants.
func compileDateTime(op string, get func(*domain.Customer) (time.Time, bool), v valueReader) pred {
	if op == OpBefore || op == OpAfter {
		_, at, isDay, ok := v.instant()
		if !ok {
			return nil
		}
		if !isDay {
			if op == OpBefore {
				return func(c *domain.Customer, _ *Env) bool { t, ok := get(c); return ok && t.Before(at) }
			}
			return func(c *domain.Customer, _ *Env) bool { t, ok := get(c); return ok && t.After(at) }
		}
	}
	return compileDate(op, timeDay(get), v)
}

// compileID compiles equality tests on ids and select options, checking
// each value with ok (nil: any).
func compileID(op string, get func(*domain.Customer) string, v valueReader, ok func(string) bool, code string) pred {
	switch op {
	case OpEmpty:
		return func(c *domain.Customer, _ *Env) bool { return get(c) == "" }
	case OpNotEmpty:
		return func(c *domain.Customer, _ *Env) bool { return get(c) != "" }
	case OpEq, OpNe:
		want, good := v.id(ok, code)
		if !good {
			return nil
		}
		if op == OpNe {
			return func(c *domain.Customer, _ *Env) bool { return get(c) != want }
		}
		return func(c *domain.Customer, _ *Env) bool { return get(c) == want }
	case OpIn, OpNotIn:
		want, good := v.ids(ok, code)
		if !good {
			return nil
		}
		in := func(c *domain.Customer, _ *Env) bool { return contains(want, get(c)) }
		if op == OpNotIn {
			return not(in)
		}
		return in
	}
	return nil
}

// compileList compiles set tests on multiselects, tags and user lists.
// Tags compare folded (case and accents ignored), the others exactly.
func compileList(op string, get func(*domain.Customer) []string, v valueReader, ok func(string) bool, fold bool) pred {
	switch op {
	case OpEmpty:
		return func(c *domain.Customer, _ *Env) bool { return len(get(c)) == 0 }
	case OpNotEmpty:
		return func(c *domain.Customer, _ *Env) bool { return len(get(c)) > 0 }
	}
	want, good := v.ids(ok, "not_an_option")
	if !good {
		return nil
	}
	has := func(list []string, w string) bool { return contains(list, w) }
	if fold {
		for i := range want {
			want[i] = domain.Fold(want[i])
		}
		has = func(list []string, w string) bool {
			for _, x := range list {
				if domain.FoldedEqual(x, w) {
					return true
				}
			}
			return false
		}
	}
	switch op {
	case OpHasAny, OpHasNone:
		hasAny := func(c *domain.Customer, _ *Env) bool {
			list := get(c)
			for _, w := range want {
				if has(list, w) {
					return true
				}
			}
			return false
		}
		if op == OpHasNone {
			return not(hasAny)
		}
		return hasAny
	case OpHasAll:
		return func(c *domain.Customer, _ *Env) bool {
			list := get(c)
			for _, w := range want {
				if !has(list, w) {
					return false
				}
			}
			return true
		}
	}
	return nil
}

func compileBool(op string, get func(*domain.Customer) (bool, bool), v valueReader) pred {
	if p := presence(op, get); p != nil {
		return p
	}
	want, ok := v.boolean()
	if !ok {
		return nil
	}
	if op == OpNe {
		return func(c *domain.Customer, _ *Env) bool { b, _ := get(c); return b != want }
	}
	// An absent boolean counts as false, for eq and ne alike.
	return func(c *domain.Customer, _ *Env) bool { b, _ := get(c); return b == want }
}
