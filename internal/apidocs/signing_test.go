package apidocs_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"tend/internal/httpapi"
	"tend/internal/signing"
)

// signedExample is a worked example of webhook signing, as the document
// shows it: a secret, and a request with its headers and body.
type signedExample struct {
	secret, timestamp, signature, body string
}

var (
	exampleSecret  = regexp.MustCompile("secret `(whsec_[0-9a-f]{64})`")
	exampleRequest = regexp.MustCompile("(?s)```http\nPOST /hooks/[^\n]+\nContent-Type: application/json\nX-Tend-Timestamp: ([0-9]+)\nX-Tend-Signature: (v1=[0-9a-f]+)\n\n([^\n]+)\n```")
)

// signingExamples reads the worked examples of the document's "Webhook
// signing" section and its Vietnamese twin ("Ký webhook"), in order.
func signingExamples(t *testing.T) []signedExample {
	t.Helper()
	var doc struct {
		Info struct {
			Description string `json:"description"`
		} `json:"info"`
	}
	if err := json.Unmarshal(httpapi.OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	var out []signedExample
	for _, section := range []string{"\n# Webhook signing\n", "\n## Ký webhook\n"} {
		_, text, ok := strings.Cut(doc.Info.Description, section)
		if !ok {
			t.Fatalf("the document's description has no section %q", strings.TrimSpace(section))
		}
		text, _, _ = strings.Cut(text, "\n#")
		secret, request := exampleSecret.FindStringSubmatch(text), exampleRequest.FindStringSubmatch(text)
		if secret == nil || request == nil {
			t.Fatalf("section %q: no worked example (a secret `whsec_…` and an http block with the signed request)", strings.TrimSpace(section))
		}
		out = append(out, signedExample{secret: secret[1], timestamp: request[1], signature: request[2], body: request[3]})
	}
	return out
}

// The worked example of webhook signing is right: the code that checks
// signed webhooks (internal/signing) computes the same signature from the
// example's secret, timestamp and body, and takes the request at its
// time; the English and Vietnamese sections show the same example, and
// their text quotes the same figures.
func TestWebhookSigningExample(t *testing.T) {
	examples := signingExamples(t)
	for i, ex := range examples {
		if got := signing.Sign(ex.secret, ex.timestamp, []byte(ex.body)); got != ex.signature {
			t.Errorf("example %d: signing.Sign gives %s, the document says %s", i, got, ex.signature)
		}
		at, err := signing.SignedAt(ex.timestamp)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := signing.Verify([]string{ex.secret}, ex.timestamp, ex.signature, []byte(ex.body), at.Add(time.Minute)); err != nil {
			t.Errorf("example %d: the signed request is refused: %v", i, err)
		}
		if ex != examples[0] {
			t.Errorf("example %d is %+v, unlike the first: %+v", i, ex, examples[0])
		}
	}
}
