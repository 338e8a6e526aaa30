package ses_test

import (
	"context"
	"crypto/rand"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/smithy-go"

	"tend/internal/awstest"
	"tend/internal/domain"
	"tend/internal/ses"
)

// newClient returns a client of the SES at TEND_AWS_ENDPOINT (moto_server
// in development and CI), and that endpoint. Without one the test is
// skipped, except in CI where that would hide the adapter from the run.
func newClient(t *testing.T) (*sesv2.Client, string) {
	t.Helper()
	cfg := awstest.Config(t, "TEND_AWS_ENDPOINT")
	return sesv2.NewFromConfig(cfg), aws.ToString(cfg.BaseEndpoint)
}

// uniqueAddress returns an address no other test uses: moto's state is
// shared by the whole run.
func uniqueAddress(local string) string {
	return local + "-" + strings.ToLower(rand.Text()) + "@tend.test"
}

// verifiedSender creates an email identity for a new address, deleted when
// t ends, and returns the address. moto verifies it at once.
func verifiedSender(t *testing.T, client *sesv2.Client) string {
	t.Helper()
	addr := uniqueAddress("sender")
	if _, err := client.CreateEmailIdentity(t.Context(), &sesv2.CreateEmailIdentityInput{EmailIdentity: aws.String(addr)}); err != nil {
		t.Fatalf("CreateEmailIdentity: %v", err)
	}
	t.Cleanup(func() {
		// t.Context() is already cancelled when cleanups run.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := client.DeleteEmailIdentity(ctx, &sesv2.DeleteEmailIdentityInput{EmailIdentity: aws.String(addr)}); err != nil {
			t.Errorf("DeleteEmailIdentity %s: %v", addr, err)
		}
	})
	return addr
}

// motoMessage returns the sent message with the given ID from moto's
// state: SES v2 sends land in its v1 backend, under "Message" for simple
// content, "RawMessage" for raw.
func motoMessage(t *testing.T, endpoint, model, id string) map[string]any {
	return awstest.MotoRecord(t, endpoint, "ses", model, "id", id)
}

// stringList returns v, a JSON list, as strings.
func stringList(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, s := range list {
		str, _ := s.(string)
		out = append(out, str)
	}
	return out
}

func TestSendThroughMoto(t *testing.T) {
	client, endpoint := newClient(t)
	tests := []struct {
		name  string
		email domain.Email
	}{
		{"text", domain.Email{Subject: vietSubject, Text: "Chúc bạn một ngày thật vui!"}},
		{"text and html", domain.Email{Subject: vietSubject, Text: "Chúc vui!", HTML: "<p>Chúc <b>vui</b>!</p>"}},
		{"attachment", domain.Email{
			Subject:     vietSubject,
			Text:        "Thiệp đính kèm.",
			Attachments: []domain.Attachment{{Name: "Thiệp Á.pdf", ContentType: "application/pdf", Data: randomBytes(3000)}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := tt.email
			e.From = verifiedSender(t, client)
			e.To = []string{uniqueAddress("a"), uniqueAddress("b")}
			e.Subject += " " + rand.Text()
			id, err := ses.New(client, ses.Options{}).SendEmail(t.Context(), e)
			if err != nil {
				t.Fatalf("SendEmail: %v", err)
			}
			if id == "" {
				t.Fatal("no message ID")
			}

			if len(e.Attachments) == 0 {
				m := motoMessage(t, endpoint, "Message", id)
				dest, _ := m["destinations"].(map[string]any)
				if got := stringList(dest["ToAddresses"]); m["source"] != e.From || !slices.Equal(got, e.To) {
					t.Errorf("sent from %v to %q, want from %s to %q", m["source"], got, e.From, e.To)
				}
				// moto keeps one body: the HTML one when there is one.
				wantBody := e.Text
				if e.HTML != "" {
					wantBody = e.HTML
				}
				if m["subject"] != e.Subject || m["body"] != wantBody {
					t.Errorf("sent subject %q body %q, want %q %q", m["subject"], m["body"], e.Subject, wantBody)
				}
				return
			}

			m := motoMessage(t, endpoint, "RawMessage", id)
			// moto lists the recipients twice: those of the request
			// and those of the To header.
			got := slices.Compact(slices.Sorted(slices.Values(stringList(m["destinations"]))))
			want := slices.Sorted(slices.Values(e.To))
			if m["source"] != e.From || !slices.Equal(got, want) {
				t.Errorf("sent from %v to %q, want from %s to %q", m["source"], got, e.From, want)
			}
			raw, _ := m["raw_data"].(string)
			p := parseRaw(t, []byte(raw))
			if p.subject != e.Subject || p.bodies["text/plain"] != e.Text {
				t.Errorf("sent subject %q text %q, want %q %q", p.subject, p.bodies["text/plain"], e.Subject, e.Text)
			}
			if len(p.attachments) != 1 || p.attachments[0].Name != e.Attachments[0].Name || string(p.attachments[0].Data) != string(e.Attachments[0].Data) {
				t.Errorf("sent attachments %+v", p.attachments)
			}
		})
	}
}

func TestUnverifiedSenderRejected(t *testing.T) {
	client, _ := newClient(t)
	for _, attachments := range [][]domain.Attachment{nil, {{Name: "a.txt", ContentType: "text/plain", Data: []byte("a")}}} {
		e := domain.Email{
			From:        uniqueAddress("unverified"),
			To:          []string{uniqueAddress("a")},
			Subject:     vietSubject,
			Text:        "x",
			Attachments: attachments,
		}
		_, err := ses.New(client, ses.Options{}).SendEmail(t.Context(), e)
		if !errors.Is(err, domain.ErrRejected) {
			t.Errorf("SendEmail with %d attachments from an unverified sender = %v, want ErrRejected", len(attachments), err)
		}
		var apiErr smithy.APIError
		if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "MessageRejected" {
			t.Errorf("SendEmail with %d attachments from an unverified sender = %v, want MessageRejected", len(attachments), err)
		}
	}
}
