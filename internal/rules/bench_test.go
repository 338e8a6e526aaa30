package rules_test

import (
	"testing"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"

	"tend/internal/domain"
	"tend/internal/rules"
)

// benchGroups is a 10-condition, 3-group rule over system fields, custom
// fields and a pipeline step. The customer fails the first two groups on
// their last condition and matches the third, so nearly every condition
// is evaluated.
const benchGroups = `[
 [{"field":"revenue","op":"gt","value":3000000},{"field":"customer_type","op":"eq","value":"VIP"},
  {"field":"name","op":"contains","value":"nguyễn"},{"field":"last_care_at","op":"older_than_days","value":60}],
 [{"field":"tags","op":"has_any","value":["vip","khach quen"]},{"field":"step:pl_sales","op":"eq","value":"st_won"},
  {"field":"birthday","op":"anniversary_within_days","value":-0}],
 [{"field":"email","op":"ends_with","value":"@example.vn"},{"field":"source","op":"in","value":["Facebook","Zalo"]},
  {"field":"score","op":"gte","value":5}]
]`

func benchCustomer() *domain.Customer {
	c := testCustomer()
	c.Source = "Facebook"
	c.Birthday = domain.Date{Year: 1990, Month: 7, Day: 30}
	return c
}

func BenchmarkRuleEval(b *testing.B) {
	set := compileText(b, benchGroups, "conditions")
	c := benchCustomer()
	env := rules.NewEnv(now, hcm)
	if !set.Match(c, env) {
		b.Fatal("the bench customer must match the third group")
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if !set.Match(c, env) {
			b.Fatal("no match")
		}
	}
}

// exprEnv gives an expr program the same customer and the helpers the
// conditions need (folding, local days), as methods.
type exprEnv struct {
	C     *domain.Customer
	today int
}

func (e exprEnv) Fold(s string) string { return domain.Fold(s) }

func (e exprEnv) DaysAgo(t *time.Time) int {
	if t == nil {
		return -1
	}
	return e.today - days(t.In(hcm))
}

func (e exprEnv) AnniversaryIn(d domain.Date) int {
	y := time.Unix(int64(e.today)*86400, 0).UTC().Year()
	a := days(time.Date(y, d.Month, d.Day, 0, 0, 0, 0, time.UTC))
	if a < e.today {
		a = days(time.Date(y+1, d.Month, d.Day, 0, 0, 0, 0, time.UTC))
	}
	return a - e.today
}

func (e exprEnv) HasAny(list []string, want []any) bool {
	for _, x := range list {
		for _, w := range want {
			if domain.Fold(x) == w.(string) {
				return true
			}
		}
	}
	return false
}

func days(t time.Time) int {
	y, m, d := t.Date()
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

const benchExpr = `(C.Revenue > 3000000 && C.Fields["customer_type"] == "VIP" && Fold(C.Name) contains "nguyen" && DaysAgo(C.LastCareAt) > 60) ||
 (HasAny(C.Tags, ["vip", "khach quen"]) && C.Pipelines["pl_sales"] == "st_won" && AnniversaryIn(C.Birthday) <= 0) ||
 (Fold(C.Email) endsWith "@example.vn" && C.Source in ["Facebook", "Zalo"] && C.Fields["score"] >= 5)`

// BenchmarkRuleEvalExpr is the peer: the same logic as an expr-lang/expr
// compiled program over the same customer.
func BenchmarkRuleEvalExpr(b *testing.B) {
	program, err := expr.Compile(benchExpr, expr.Env(exprEnv{}), expr.AsBool())
	if err != nil {
		b.Fatal(err)
	}
	env := exprEnv{C: benchCustomer(), today: days(now.In(hcm))}
	var machine vm.VM
	out, err := machine.Run(program, env)
	if err != nil || out != true {
		b.Fatalf("expr = %v, %v; want true", out, err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		out, err := machine.Run(program, env)
		if err != nil || out != true {
			b.Fatal("no match")
		}
	}
}
