package rules_test

import (
	"slices"
	"testing"

	"tend/internal/rules"
)

// OneOf names the values a list may read the index keys of: those every
// group requires (eq, in; has_any or has_all of a list field), none when
// some group does without.
func TestOneOf(t *testing.T) {
	for _, tc := range []struct {
		name, filter, field string
		want                []string
		ok                  bool
	}{
		{"no filter", `[]`, "tags", nil, false},
		{"eq", `[[{"field":"owner_id","op":"eq","value":"u_a"}]]`, "owner_id", []string{"u_a"}, true},
		{"in", `[[{"field":"owner_id","op":"in","value":["u_a","u_b"]}]]`, "owner_id", []string{"u_a", "u_b"}, true},
		{"has_any", `[[{"field":"tags","op":"has_any","value":["vip","moi"]}]]`, "tags", []string{"vip", "moi"}, true},
		{"has_all", `[[{"field":"tags","op":"has_all","value":["vip","moi"]}]]`, "tags", []string{"vip", "moi"}, true},
		{"has_none bounds nothing", `[[{"field":"tags","op":"has_none","value":["vip"]}]]`, "tags", nil, false},
		{"every group", `[[{"field":"tags","op":"has_any","value":["vip"]}],[{"field":"tags","op":"has_any","value":["moi"]}]]`, "tags", []string{"vip", "moi"}, true},
		{"a group without", `[[{"field":"tags","op":"has_any","value":["vip"]}],[{"field":"name","op":"contains","value":"an"}]]`, "tags", nil, false},
		{"another field", `[[{"field":"tags","op":"has_any","value":["vip"]}]]`, "owner_id", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := compileFilter(t, tc.filter).OneOf(tc.field)
			if ok != tc.ok || !slices.Equal(got, tc.want) {
				t.Errorf("OneOf(%s) = %v, %v; want %v, %v", tc.field, got, ok, tc.want, tc.ok)
			}
		})
	}
}

// Only says when a filter is nothing but a choice of an owner (or of a
// warehouse): their index keys then hold exactly the matches.
func TestOnly(t *testing.T) {
	for _, tc := range []struct {
		filter, field string
		want          bool
	}{
		{`[]`, "owner_id", false},
		{`[[{"field":"owner","op":"eq","value":"u_a"}]]`, "owner_id", true},
		{`[[{"field":"owner_id","op":"in","value":["u_a","u_b"]}],[{"field":"owner","op":"eq","value":"u_b"}]]`, "owner_id", true},
		{`[[{"field":"owner_id","op":"ne","value":"u_a"}]]`, "owner_id", false},
		{`[[{"field":"owner_id","op":"eq","value":"u_a"},{"field":"tags","op":"has_any","value":["vip"]}]]`, "owner_id", false},
		{`[[{"field":"owner_id","op":"eq","value":"u_a"}],[{"field":"tags","op":"has_any","value":["vip"]}]]`, "owner_id", false},
		{`[[{"field":"warehouse","op":"eq","value":"wh_fb"}]]`, "warehouse_id", true},
		{`[[{"field":"warehouse","op":"eq","value":"wh_fb"}]]`, "owner_id", false},
	} {
		if got := compileFilter(t, tc.filter).Only(tc.field); got != tc.want {
			t.Errorf("%s: Only(%s) = %v, want %v", tc.filter, tc.field, got, tc.want)
		}
	}
}

// compileFilter compiles a list filter over the test schema.
func compileFilter(t testing.TB, filter string) *rules.Set { return compileText(t, filter, "filter") }

// compileText parses and compiles groups of conditions, given as JSON,
// over the test schema; where names them in errors ("filter",
// "conditions").
func compileText(tb testing.TB, text, where string) *rules.Set {
	tb.Helper()
	groups, err := rules.ParseGroups([]byte(text), where)
	if err != nil {
		tb.Fatal(err)
	}
	set, err := rules.Compile(groups, testSchema(), where)
	if err != nil {
		tb.Fatal(err)
	}
	return set
}
