package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"tend/internal/leads"
)

// samples maps each sample event of events/ to the function it drives.
var samples = map[string]string{
	"api-gateway-v2-request.json":         "ApiFunction",
	"api-gateway-v2-create-customer.json": "ApiFunction",
	"api-gateway-v2-webhook-lead.json":    "HooksFunction",
	"api-gateway-v2-webhook-call.json":    "HooksFunction",
	"dynamodb-stream-batch.json":          "StreamFunction",
	"schedule-tick.json":                  "SchedulerFunction",
	"sqs-distribution-message.json":       "DistributorFunction",
	"sqs-jobs-message.json":               "JobsFunction",
	"sqs-notification-message.json":       "NotifierFunction",
	"sqs-intake-message.json":             "IntakeFunction",
}

// sampleSource is the lead source id the webhook samples name.
const sampleSource = "src_sample"

// invocation is one sample event and the function it drives.
type invocation struct {
	Function, Event string
}

// invocations lists the samples in a stable order: the webhook samples
// from signed (their signed copies), the others from eventsDir.
func invocations(eventsDir string, signed map[string]string) []invocation {
	var out []invocation
	for name, fn := range samples {
		path := filepath.Join(eventsDir, name)
		if s, ok := signed[name]; ok {
			path = s
		}
		out = append(out, invocation{fn, path})
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].Function+out[i].Event < out[j].Function+out[j].Event
	})
	return out
}

// signWebhookSample writes a copy of a webhook sample pointed at the
// source and signed with its secret at now, as the lead source would send
// it. The handler refuses a signature older than five minutes.
func signWebhookSample(from, to, sourceID, secret string, now time.Time) error {
	raw, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	var ev map[string]any
	if err := json.Unmarshal([]byte(strings.ReplaceAll(string(raw), sampleSource, sourceID)), &ev); err != nil {
		return fmt.Errorf("%s: %w", from, err)
	}
	headers, _ := ev["headers"].(map[string]any)
	body, _ := ev["body"].(string)
	if headers == nil || body == "" {
		return fmt.Errorf("%s: no headers or body to sign", from)
	}
	ts := strconv.FormatInt(now.Unix(), 10)
	headers["x-tend-timestamp"], headers["x-tend-signature"] = ts, leads.Sign(secret, ts, []byte(body))
	out, err := json.MarshalIndent(ev, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(to, append(out, '\n'), 0o644)
}
