package template_test

import (
	"fmt"
	"slices"
	"strings"

	"tend/infra/template"
)

// alarmTopic is the topic every alarm notifies ("" when they disagree).
func alarmTopic(d template.Doc) string {
	topic := ""
	for _, id := range d.OfType("AWS::CloudWatch::Alarm") {
		actions := template.List(d.Resources[id].Properties["AlarmActions"])
		if len(actions) != 1 || (topic != "" && template.Ref(actions[0]) != topic) {
			return ""
		}
		topic = template.Ref(actions[0])
	}
	return topic
}

// checkAlarmActions: every alarm tells the one alarm topic when it goes off
// and when it is OK again, and missing data (an idle queue) is no alarm.
func checkAlarmActions(t *template.Template) []string {
	d := t.CFN
	topic := alarmTopic(d)
	if d.Resources[topic].Type != "AWS::SNS::Topic" {
		return []string{"the alarms don't all notify one SNS topic of the template"}
	}
	var problems []string
	for _, id := range d.OfType("AWS::CloudWatch::Alarm") {
		p := d.Resources[id].Properties
		for _, key := range []string{"AlarmActions", "OKActions"} {
			if a := template.List(p[key]); len(a) != 1 || template.Ref(a[0]) != topic {
				problems = append(problems, fmt.Sprintf("%s: %s = %v, want [%s]", id, key, p[key], topic))
			}
		}
		if p["TreatMissingData"] != "notBreaching" {
			problems = append(problems, id+": TreatMissingData is not notBreaching")
		}
	}
	return problems
}

// checkAlarmTopicDelivers: the alarm topic is unencrypted or encrypted with
// a key of the template that CloudWatch may use, and AlarmEmail, when set
// (only then), is subscribed to it.
func checkAlarmTopicDelivers(t *template.Template) []string {
	d := t.CFN
	topic := alarmTopic(d)
	var problems []string
	if key, ok := d.Resources[topic].Properties["KmsMasterKeyId"]; ok && !cloudWatchMayUse(d, template.Ref(key)) {
		problems = append(problems, fmt.Sprintf("%s is encrypted with %v, which CloudWatch may not use (kms:Decrypt, kms:GenerateDataKey*)", topic, key))
	}
	subscribed := false
	for _, id := range d.OfType("AWS::SNS::Subscription") {
		r := d.Resources[id]
		if template.Ref(r.Properties["TopicArn"]) != topic || r.Properties["Protocol"] != "email" || template.Ref(r.Properties["Endpoint"]) != "AlarmEmail" {
			continue
		}
		subscribed = true
		want := map[string]any{"Fn::Not": []any{map[string]any{"Fn::Equals": []any{map[string]any{"Ref": "AlarmEmail"}, ""}}}}
		if fmt.Sprint(d.Conditions[r.Condition]) != fmt.Sprint(want) {
			problems = append(problems, fmt.Sprintf("%s is not conditional on AlarmEmail being set (condition %q)", id, r.Condition))
		}
	}
	if !subscribed {
		problems = append(problems, "no email subscription of AlarmEmail to "+topic)
	}
	if d.Parameters["AlarmEmail"]["Default"] != "" {
		problems = append(problems, "AlarmEmail has no empty default")
	}
	return problems
}

// cloudWatchMayUse reports whether the key's policy lets the CloudWatch
// service decrypt and make data keys.
func cloudWatchMayUse(d template.Doc, key string) bool {
	r, ok := d.Resources[key]
	if !ok || r.Type != "AWS::KMS::Key" {
		return false
	}
	for _, st := range policyStatements(key, r.Properties["KeyPolicy"]) {
		if !st.allows() || !slices.Contains(template.Strings(template.Get(st.body, "Principal", "Service")), "cloudwatch.amazonaws.com") {
			continue
		}
		has := func(action string) bool {
			return slices.ContainsFunc(st.actions(), func(a string) bool { return grants(a, action) })
		}
		if has("kms:Decrypt") && has("kms:GenerateDataKey") {
			return true
		}
	}
	return false
}

// metricAlarm is what one alarm watches.
type metricAlarm struct {
	namespace, metric string
	dims              map[string]string // dimension name → the resource it names (a Ref, or GetAtt id)
}

func (m metricAlarm) key() string {
	var dims []string
	for k, v := range m.dims {
		dims = append(dims, k+"="+v)
	}
	slices.Sort(dims)
	return m.namespace + " " + m.metric + " " + strings.Join(dims, ",")
}

// watched lists what the alarms watch: their own metric, or every metric of
// their metric math.
func watched(d template.Doc) map[string]bool {
	out := map[string]bool{}
	read := func(ns, metric, dims any) {
		m := metricAlarm{namespace: fmt.Sprint(ns), metric: fmt.Sprint(metric), dims: map[string]string{}}
		for _, dim := range template.List(dims) {
			v := template.Get(dim, "Value")
			name := template.Ref(v)
			if id, _ := template.GetAtt(v); id != "" {
				name = id
			}
			if s, ok := v.(string); ok {
				name = s
			}
			m.dims[fmt.Sprint(template.Get(dim, "Name"))] = name
		}
		out[m.key()] = true
	}
	for _, id := range d.OfType("AWS::CloudWatch::Alarm") {
		p := d.Resources[id].Properties
		if p["MetricName"] != nil {
			read(p["Namespace"], p["MetricName"], p["Dimensions"])
		}
		for _, m := range template.List(p["Metrics"]) {
			if ms := template.Get(m, "MetricStat", "Metric"); ms != nil {
				read(template.Get(ms, "Namespace"), template.Get(ms, "MetricName"), template.Get(ms, "Dimensions"))
			}
		}
	}
	return out
}

// failureQueues are the queues that hold failed work: redrive targets,
// failure destinations and dead-letter queues.
func failureQueues(d template.Doc) map[string]bool {
	out := map[string]bool{}
	add := func(v any) {
		if id, _ := template.GetAtt(v); id != "" {
			out[id] = true
		}
	}
	for _, id := range d.OfType("AWS::SQS::Queue") {
		add(template.Get(d.Resources[id].Properties, "RedrivePolicy", "deadLetterTargetArn"))
	}
	for _, typ := range []string{"AWS::Lambda::EventSourceMapping", "AWS::Lambda::EventInvokeConfig"} {
		for _, id := range d.OfType(typ) {
			add(template.Get(d.Resources[id].Properties, "DestinationConfig", "OnFailure", "Destination"))
		}
	}
	for _, id := range d.OfType("AWS::Scheduler::Schedule") {
		add(template.Get(d.Resources[id].Properties, "Target", "DeadLetterConfig", "Arn"))
	}
	return out
}

// checkAlarmsCoverEverything: Errors and Throttles of every function, the
// stream function's IteratorAge, the oldest message's age of every queue,
// the visible messages of every failure queue, and the read and write
// throttles of the table and each of its indexes.
func checkAlarmsCoverEverything(t *template.Template) []string {
	d := t.CFN
	have := watched(d)
	var want []metricAlarm
	lambda := func(metric, fn string) metricAlarm {
		return metricAlarm{"AWS/Lambda", metric, map[string]string{"FunctionName": fn}}
	}
	for _, fn := range d.OfType("AWS::Lambda::Function") {
		want = append(want, lambda("Errors", fn), lambda("Throttles", fn))
	}
	for _, id := range d.OfType("AWS::Lambda::EventSourceMapping") {
		p := d.Resources[id].Properties
		if _, attr := template.GetAtt(p["EventSourceArn"]); attr == "StreamArn" {
			want = append(want, lambda("IteratorAge", template.Ref(p["FunctionName"])))
		}
	}
	failures := failureQueues(d)
	for _, q := range d.OfType("AWS::SQS::Queue") {
		want = append(want, metricAlarm{"AWS/SQS", "ApproximateAgeOfOldestMessage", map[string]string{"QueueName": q}})
		if failures[q] {
			want = append(want, metricAlarm{"AWS/SQS", "ApproximateNumberOfMessagesVisible", map[string]string{"QueueName": q}})
		}
	}
	for _, table := range d.OfType("AWS::DynamoDB::Table") {
		for _, metric := range []string{"ReadThrottleEvents", "WriteThrottleEvents"} {
			want = append(want, metricAlarm{"AWS/DynamoDB", metric, map[string]string{"TableName": table}})
			for _, gsi := range template.List(d.Resources[table].Properties["GlobalSecondaryIndexes"]) {
				want = append(want, metricAlarm{"AWS/DynamoDB", metric,
					map[string]string{"TableName": table, "GlobalSecondaryIndexName": fmt.Sprint(template.Get(gsi, "IndexName"))}})
			}
		}
	}
	var problems []string
	for _, m := range want {
		if !have[m.key()] {
			problems = append(problems, "no alarm on "+m.key())
		}
	}
	return problems
}
