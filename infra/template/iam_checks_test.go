package template_test

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"tend/infra/template"
)

// wildcardActions are the only actions a statement may grant on "*": AWS
// offers no resource-level permission for them (see TracingPolicy in
// template.yaml).
var wildcardActions = []string{"xray:PutTraceSegments", "xray:PutTelemetryRecords"}

// smsOnly is the one NotResource statement allowed: publishing to phone
// numbers and to no SNS topic.
const smsOnly = "arn:${AWS::Partition}:sns:*:*:*"

// statement is one IAM policy statement and where it is.
type statement struct {
	where string
	body  map[string]any
}

func (s statement) allows() bool { return s.body["Effect"] == "Allow" }

// actions are the statement's actions, lower case (IAM compares them so).
func (s statement) actions() []string {
	var out []string
	for _, a := range template.Strings(s.body["Action"]) {
		out = append(out, strings.ToLower(a))
	}
	return out
}

func policyStatements(where string, doc any) []statement {
	var out []statement
	for i, st := range template.List(template.Get(doc, "Statement")) {
		if m, ok := st.(map[string]any); ok {
			out = append(out, statement{fmt.Sprintf("%s statement %d", where, i), m})
		}
	}
	return out
}

// identityStatements are the statements of every role and policy of the
// expanded template, and the AWS managed policies attached to roles (whose
// statements the template can't show).
func identityStatements(d template.Doc) (sts []statement, managed []string) {
	for _, id := range d.OfType("AWS::IAM::Role") {
		p := d.Resources[id].Properties
		for i, pol := range template.List(p["Policies"]) {
			sts = append(sts, policyStatements(fmt.Sprintf("%s policy %d", id, i), template.Get(pol, "PolicyDocument"))...)
		}
		for _, arn := range template.Strings(p["ManagedPolicyArns"]) {
			managed = append(managed, id+": "+arn)
		}
	}
	for _, typ := range []string{"AWS::IAM::ManagedPolicy", "AWS::IAM::Policy"} {
		for _, id := range d.OfType(typ) {
			sts = append(sts, policyStatements(id, d.Resources[id].Properties["PolicyDocument"])...)
		}
	}
	return sts, managed
}

// checkNoWildcardResources: no statement of any role grants "*" except the
// allow-listed actions, NotResource only for SMS, and no AWS managed policy
// (SAM's execution-role policies all grant "*").
func checkNoWildcardResources(t *template.Template) []string {
	var problems []string
	sts, managed := identityStatements(t.CFN)
	for _, m := range managed {
		problems = append(problems, "AWS managed policy attached (its statements grant \"*\"): "+m)
	}
	for _, st := range sts {
		if !st.allows() {
			continue
		}
		if _, ok := st.body["NotAction"]; ok {
			problems = append(problems, st.where+": NotAction")
		}
		if slices.Contains(template.Strings(st.body["Resource"]), "*") {
			for _, a := range st.actions() {
				if !slices.ContainsFunc(wildcardActions, func(w string) bool { return strings.EqualFold(w, a) }) {
					problems = append(problems, fmt.Sprintf("%s: %s on \"*\"", st.where, a))
				}
			}
		}
		if nr, ok := st.body["NotResource"]; ok && (template.Sub(nr) != smsOnly || !slices.Equal(st.actions(), []string{"sns:publish"})) {
			problems = append(problems, fmt.Sprintf("%s: NotResource %v for %v (only sns:Publish NotResource %s)", st.where, nr, st.actions(), smsOnly))
		}
	}
	return problems
}

// grants reports whether an IAM action pattern (with * and ?) covers action.
func grants(pattern, action string) bool {
	ok, _ := path.Match(strings.ToLower(pattern), strings.ToLower(action))
	return ok
}

// roleStatements are the statements of a function's role: inline, and of
// the template's managed policies it attaches.
func roleStatements(d template.Doc, function string) ([]statement, error) {
	role, _ := template.GetAtt(d.Resources[function].Properties["Role"])
	if r, ok := d.Resources[role]; !ok || r.Type != "AWS::IAM::Role" {
		return nil, fmt.Errorf("%s has no role of the template", function)
	}
	return statementsOfRole(d, role)
}

// statementsOfRole are the statements of a role of the template: inline,
// and of the template's managed policies it attaches.
func statementsOfRole(d template.Doc, role string) ([]statement, error) {
	r := d.Resources[role]
	var sts []statement
	for i, pol := range template.List(r.Properties["Policies"]) {
		sts = append(sts, policyStatements(fmt.Sprintf("%s policy %d", role, i), template.Get(pol, "PolicyDocument"))...)
	}
	for _, arn := range template.List(r.Properties["ManagedPolicyArns"]) {
		id := template.Ref(arn)
		p, ok := d.Resources[id]
		if !ok {
			return nil, fmt.Errorf("%s attaches %v, which the template doesn't define", role, arn)
		}
		sts = append(sts, policyStatements(id, p.Properties["PolicyDocument"])...)
	}
	return sts, nil
}

// checkHooksCannotDelete: the webhooks function, which unsigned callers
// reach, can't delete items.
func checkHooksCannotDelete(t *template.Template) []string {
	if _, ok := t.CFN.Resources["HooksFunction"]; !ok {
		return []string{"no HooksFunction"}
	}
	sts, err := roleStatements(t.CFN, "HooksFunction")
	if err != nil {
		return []string{err.Error()}
	}
	var problems []string
	for _, st := range sts {
		for _, a := range st.actions() {
			if st.allows() && grants(a, "dynamodb:DeleteItem") {
				problems = append(problems, fmt.Sprintf("%s: %s lets the webhooks delete items", st.where, a))
			}
		}
	}
	return problems
}

// covers reports whether a statement's resources take in resource id of
// the template: its ARN (GetAtt, or a Sub naming it), "*", or anything
// outside a NotResource (read broadly: the callers ask "could it?").
func (s statement) covers(id string) bool {
	if _, ok := s.body["NotResource"]; ok {
		return true
	}
	for _, r := range template.List(s.body["Resource"]) {
		if ref, _ := template.GetAtt(r); ref == id {
			return true
		}
		if sub := template.Sub(r); strings.Contains(sub, "${"+id+"}") || strings.Contains(sub, "${"+id+".") {
			return true
		}
		if r == "*" {
			return true
		}
	}
	return false
}

// allowing are the statements of sts that allow action on resource id.
func allowing(sts []statement, action, id string) []statement {
	var out []statement
	for _, st := range sts {
		if st.allows() && st.covers(id) && slices.ContainsFunc(st.actions(), func(a string) bool { return grants(a, action) }) {
			out = append(out, st)
		}
	}
	return out
}
