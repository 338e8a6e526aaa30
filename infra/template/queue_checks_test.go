package template_test

import (
	"fmt"
	"slices"

	"tend/infra/template"
)

// queueMapping is an event source mapping of a function on a queue of the
// template.
type queueMapping struct {
	id, function, queue string
	props               map[string]any
}

func queueMappings(d template.Doc) []queueMapping {
	var out []queueMapping
	for _, id := range d.OfType("AWS::Lambda::EventSourceMapping") {
		p := d.Resources[id].Properties
		if q, _ := template.GetAtt(p["EventSourceArn"]); d.Resources[q].Type == "AWS::SQS::Queue" {
			out = append(out, queueMapping{id: id, function: template.Ref(p["FunctionName"]), queue: q, props: p})
		}
	}
	return out
}

func number(v any) float64 { n, _ := v.(float64); return n }

// checkQueueMappings: every function on a queue reports the messages it
// failed (the others of the batch are not handled again), the queue hides
// a message it handles for six times its timeout (AWS's advice for Lambda
// consumers: a slow batch is not handed out twice), and a message that
// keeps failing goes to a dead-letter queue of the template.
func checkQueueMappings(t *template.Template) []string {
	d := t.CFN
	var problems []string
	for _, m := range queueMappings(d) {
		if !slices.Contains(template.Strings(m.props["FunctionResponseTypes"]), "ReportBatchItemFailures") {
			problems = append(problems, m.id+": no ReportBatchItemFailures")
		}
		q := d.Resources[m.queue].Properties
		visibility := 30.0 // SQS's default
		if v, ok := q["VisibilityTimeout"].(float64); ok {
			visibility = v
		}
		if timeout := number(d.Resources[m.function].Properties["Timeout"]); timeout == 0 || visibility < 6*timeout {
			problems = append(problems, fmt.Sprintf("%s: VisibilityTimeout %v is under six times %s's timeout %v", m.queue, visibility, m.function, timeout))
		}
		dlq, _ := template.GetAtt(template.Get(q, "RedrivePolicy", "deadLetterTargetArn"))
		if d.Resources[dlq].Type != "AWS::SQS::Queue" || number(template.Get(q, "RedrivePolicy", "maxReceiveCount")) < 1 {
			problems = append(problems, m.queue+": no dead-letter queue of the template (RedrivePolicy)")
		}
	}
	return problems
}

// intakeFunction is the function that takes the held leads.
const intakeFunction = "IntakeFunction"

// checkIntake: the intake function reads its queue ten messages at a
// time, outside any VPC (it reads the Graph API on the internet); its
// queue dead-letters a message after ten receives; it knows its queue, the
// lead secrets' key and the Graph API's address (a parameter, empty for
// Facebook's own); and every other function that names the intake queue
// (holding or resending leads) may send to it.
func checkIntake(t *template.Template) []string {
	d := t.CFN
	if d.Resources[intakeFunction].Type != "AWS::Lambda::Function" {
		return []string{"no " + intakeFunction}
	}
	var mine []queueMapping
	for _, m := range queueMappings(d) {
		if m.function == intakeFunction {
			mine = append(mine, m)
		}
	}
	if len(mine) != 1 {
		return []string{fmt.Sprintf("%s reads %d queues, want 1", intakeFunction, len(mine))}
	}
	m, p := mine[0], d.Resources[intakeFunction].Properties
	var problems []string
	if n := number(m.props["BatchSize"]); n != 10 {
		problems = append(problems, fmt.Sprintf("%s: BatchSize %v, want 10", m.id, m.props["BatchSize"]))
	}
	if n := number(template.Get(d.Resources[m.queue].Properties, "RedrivePolicy", "maxReceiveCount")); n != 10 {
		problems = append(problems, fmt.Sprintf("%s: maxReceiveCount %v, want 10", m.queue, n))
	}
	if _, ok := p["VpcConfig"]; ok {
		problems = append(problems, intakeFunction+" is in a VPC: it must reach the Graph API on the internet")
	}
	vars := template.Get(p, "Environment", "Variables")
	if ref := template.Ref(template.Get(vars, "INTAKE_QUEUE_URL")); ref != m.queue {
		problems = append(problems, fmt.Sprintf("%s: INTAKE_QUEUE_URL is %q, not the queue it reads (%s)", intakeFunction, ref, m.queue))
	}
	if key := template.Ref(template.Get(vars, "LEAD_SECRETS_KEY_ID")); d.Resources[key].Type != "AWS::KMS::Key" {
		problems = append(problems, intakeFunction+": LEAD_SECRETS_KEY_ID is not a key of the template")
	}
	graph := template.Ref(template.Get(vars, "TEND_FACEBOOK_GRAPH_URL"))
	if def, ok := d.Parameters[graph]["Default"]; !ok || def != "" {
		problems = append(problems, intakeFunction+": TEND_FACEBOOK_GRAPH_URL is not a parameter defaulting to \"\" (Facebook's own)")
	}
	sts, err := roleStatements(d, intakeFunction)
	if err != nil {
		return append(problems, err.Error())
	}
	for _, action := range []string{"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"} {
		if len(allowing(sts, action, m.queue)) == 0 {
			problems = append(problems, fmt.Sprintf("%s may not %s on %s", intakeFunction, action, m.queue))
		}
	}
	for _, fn := range d.OfType("AWS::Lambda::Function") {
		v := template.Get(d.Resources[fn].Properties, "Environment", "Variables", "INTAKE_QUEUE_URL")
		if fn == intakeFunction || v == nil {
			continue
		}
		if template.Ref(v) != m.queue {
			problems = append(problems, fmt.Sprintf("%s: INTAKE_QUEUE_URL is %v, not %s", fn, v, m.queue))
			continue
		}
		sts, err := roleStatements(d, fn)
		if err != nil {
			problems = append(problems, err.Error())
		} else if len(allowing(sts, "sqs:SendMessage", m.queue)) == 0 {
			problems = append(problems, fmt.Sprintf("%s names %s but may not send to it", fn, m.queue))
		}
	}
	return problems
}
