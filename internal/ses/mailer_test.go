package ses_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sesv2/types"
	"github.com/aws/smithy-go"

	"tend/internal/domain"
	"tend/internal/ses"
)

// fakeClient records the request it is given and answers with err, or
// with a message ID.
type fakeClient struct {
	in    *sesv2.SendEmailInput
	calls int
	err   error
}

func (f *fakeClient) SendEmail(_ context.Context, in *sesv2.SendEmailInput, _ ...func(*sesv2.Options)) (*sesv2.SendEmailOutput, error) {
	f.in = in
	f.calls++
	if f.err != nil {
		return nil, f.err
	}
	return &sesv2.SendEmailOutput{MessageId: aws.String("fake-message-id")}, nil
}

const vietSubject = "Chúc mừng sinh nhật Nguyễn Văn Á"

// parsedEmail is a raw MIME message read back.
type parsedEmail struct {
	header  mail.Header
	subject string
	// bodies maps a body part's media type to its decoded text, and
	// shape lists the media types of all parts, depth first.
	bodies      map[string]string
	shape       []string
	attachments []domain.Attachment
}

// parseRaw reads raw back with the standard library, failing t on
// anything a mail client would trip on: undecodable headers, lines of
// base64 over 76 characters, bad base64.
func parseRaw(t *testing.T, raw []byte) parsedEmail {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("ReadMessage: %v\n%s", err, raw)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatalf("decode Subject %q: %v", msg.Header.Get("Subject"), err)
	}
	p := parsedEmail{header: msg.Header, subject: subject, bodies: map[string]string{}}
	if v := msg.Header.Get("MIME-Version"); v != "1.0" {
		t.Errorf("MIME-Version = %q, want 1.0", v)
	}
	p.walk(t, msg.Header.Get("Content-Type"), msg.Body)
	return p
}

func (p *parsedEmail) walk(t *testing.T, contentType string, body io.Reader) {
	t.Helper()
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		t.Fatalf("parse Content-Type %q: %v", contentType, err)
	}
	p.shape = append(p.shape, mediaType)
	if !strings.HasPrefix(mediaType, "multipart/") {
		t.Fatalf("leaf %s outside a part", mediaType)
	}
	r := multipart.NewReader(body, params["boundary"])
	for {
		// NextPart decodes quoted-printable itself; base64 is left to us.
		part, err := r.NextPart()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("NextPart in %s: %v", mediaType, err)
		}
		ct := part.Header.Get("Content-Type")
		if strings.HasPrefix(ct, "multipart/") {
			p.walk(t, ct, part)
			continue
		}
		data, err := io.ReadAll(part)
		if err != nil {
			t.Fatalf("read part %s: %v", ct, err)
		}
		partType, _, err := mime.ParseMediaType(ct)
		if err != nil {
			t.Fatalf("parse Content-Type %q: %v", ct, err)
		}
		p.shape = append(p.shape, partType)
		disposition, _, _ := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
		if disposition != "attachment" {
			p.bodies[partType] = string(data)
			continue
		}
		if enc := part.Header.Get("Content-Transfer-Encoding"); enc != "base64" {
			t.Errorf("attachment %s: Content-Transfer-Encoding %q, want base64", part.FileName(), enc)
		}
		for line := range strings.SplitSeq(strings.TrimSuffix(string(data), "\r\n"), "\r\n") {
			if len(line) > 76 {
				t.Errorf("attachment %s: base64 line of %d characters", part.FileName(), len(line))
			}
		}
		decoded, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(string(data), "\r\n", ""))
		if err != nil {
			t.Fatalf("attachment %s: %v", part.FileName(), err)
		}
		// FileName decodes RFC 2231.
		p.attachments = append(p.attachments, domain.Attachment{Name: part.FileName(), ContentType: partType, Data: decoded})
	}
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

func TestRawMessage(t *testing.T) {
	pdf := randomBytes(5000)
	png := randomBytes(57) // exactly one line of base64, 76 characters
	csv := []byte("tên,ngày sinh\nNguyễn Văn Á,1990-05-01\n")

	tests := []struct {
		name  string
		email domain.Email
		// wantAttachments differ from the email's where the adapter
		// fills in a name or a content type.
		wantAttachments []domain.Attachment
		wantShape       []string
	}{
		{
			name: "text and html",
			email: domain.Email{
				Subject: vietSubject,
				Text:    "Chúc bạn một ngày sinh nhật thật vui!\nTiệm Hoa Lan",
				HTML:    "<p>Chúc bạn một ngày sinh nhật <b>thật vui</b>!</p>",
				Attachments: []domain.Attachment{
					{Name: "Thiệp chúc mừng Á.pdf", ContentType: "application/pdf", Data: pdf},
					{Name: "logo.png", ContentType: "image/png", Data: png},
				},
			},
			wantShape: []string{"multipart/mixed", "multipart/alternative", "text/plain", "text/html", "application/pdf", "image/png"},
		},
		{
			name: "text only",
			email: domain.Email{
				Subject: vietSubject,
				// A line far longer than 76 characters, and a lone dot.
				Text:        strings.Repeat("Nguyễn Văn Á ", 40) + "\n.\nhết",
				Attachments: []domain.Attachment{{Name: "danh sách.csv", ContentType: "text/csv; charset=utf-8", Data: csv}},
			},
			wantAttachments: []domain.Attachment{{Name: "danh sách.csv", ContentType: "text/csv", Data: csv}},
			wantShape:       []string{"multipart/mixed", "text/plain", "text/csv"},
		},
		{
			name: "html only, unnamed and untyped attachment",
			email: domain.Email{
				Subject:     "Hello",
				HTML:        "<p>Xin chào</p>",
				Attachments: []domain.Attachment{{Data: []byte{}}, {Name: "x.bin", ContentType: "not a type", Data: []byte{0, 1, 2}}},
			},
			wantAttachments: []domain.Attachment{
				{Name: "attachment", ContentType: "application/octet-stream", Data: []byte{}},
				{Name: "x.bin", ContentType: "application/octet-stream", Data: []byte{0, 1, 2}},
			},
			wantShape: []string{"multipart/mixed", "text/html", "application/octet-stream", "application/octet-stream"},
		},
		{
			name: "very long subject",
			email: domain.Email{
				Subject:     strings.Repeat(vietSubject+" ", 10),
				Text:        "x",
				Attachments: []domain.Attachment{{Name: "a.txt", ContentType: "text/plain", Data: []byte("a")}},
			},
			wantShape: []string{"multipart/mixed", "text/plain", "text/plain"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := &fakeClient{}
			e := tt.email
			e.From = "Tiệm Hoa Lan <shop@example.vn>"
			e.To = []string{"a@example.vn", "Nguyễn Văn Á <nva@example.vn>"}
			id, err := ses.New(fake, ses.Options{}).SendEmail(t.Context(), e)
			if err != nil {
				t.Fatalf("SendEmail: %v", err)
			}
			if id != "fake-message-id" {
				t.Errorf("message ID %q", id)
			}
			if fake.in.Content.Simple != nil || fake.in.Content.Raw == nil {
				t.Fatalf("content is not raw: %+v", fake.in.Content)
			}
			raw := fake.in.Content.Raw.Data
			for i, line := range strings.Split(string(raw), "\r\n") {
				if len(line) > 998 {
					t.Errorf("line %d has %d characters", i+1, len(line))
				}
			}
			if bytes.ContainsFunc(raw, func(r rune) bool { return r > 127 }) {
				t.Errorf("raw message is not 7-bit")
			}

			got := parseRaw(t, raw)
			if got.subject != e.Subject {
				t.Errorf("subject %q, want %q", got.subject, e.Subject)
			}
			from, err := got.header.AddressList("From")
			if err != nil || len(from) != 1 || from[0].Name != "Tiệm Hoa Lan" || from[0].Address != "shop@example.vn" {
				t.Errorf("From %q = %v, %v", got.header.Get("From"), from, err)
			}
			to, err := got.header.AddressList("To")
			if err != nil || len(to) != 2 || to[0].Address != "a@example.vn" || to[1].Name != "Nguyễn Văn Á" || to[1].Address != "nva@example.vn" {
				t.Errorf("To %q = %v, %v", got.header.Get("To"), to, err)
			}
			// The envelope matches the headers.
			if want := []string{"a@example.vn", "=?utf-8?q?Nguy=E1=BB=85n_V=C4=83n_=C3=81?= <nva@example.vn>"}; !slices.Equal(fake.in.Destination.ToAddresses, want) {
				t.Errorf("ToAddresses %q, want %q", fake.in.Destination.ToAddresses, want)
			}

			if !slices.Equal(got.shape, tt.wantShape) {
				t.Errorf("parts %v, want %v", got.shape, tt.wantShape)
			}
			// Quoted-printable turns line ends into CRLF.
			if text := strings.ReplaceAll(got.bodies["text/plain"], "\r\n", "\n"); e.Text != "" && text != e.Text {
				t.Errorf("text body %q, want %q", text, e.Text)
			}
			if e.HTML != "" && got.bodies["text/html"] != e.HTML {
				t.Errorf("html body %q, want %q", got.bodies["text/html"], e.HTML)
			}

			want := tt.wantAttachments
			if want == nil {
				want = e.Attachments
			}
			if len(got.attachments) != len(want) {
				t.Fatalf("%d attachments, want %d", len(got.attachments), len(want))
			}
			for i, a := range got.attachments {
				w := want[i]
				if a.Name != w.Name || a.ContentType != w.ContentType || !bytes.Equal(a.Data, w.Data) {
					t.Errorf("attachment %d: %q %s %d bytes, want %q %s %d bytes", i, a.Name, a.ContentType, len(a.Data), w.Name, w.ContentType, len(w.Data))
				}
			}
		})
	}
}

func TestSimpleContent(t *testing.T) {
	tests := []struct {
		name     string
		opts     ses.Options
		email    domain.Email
		wantFrom string
	}{
		{
			name:     "text, no configuration set",
			email:    domain.Email{From: "shop@example.vn", To: []string{"a@example.vn"}, Subject: vietSubject, Text: "Xin chào"},
			wantFrom: "shop@example.vn",
		},
		{
			name:     "text and html, configuration set",
			opts:     ses.Options{ConfigurationSet: "tend-transactional"},
			email:    domain.Email{From: "Tiệm Hoa Lan <shop@example.vn>", To: []string{"a@example.vn"}, Subject: vietSubject, Text: "Xin chào", HTML: "<p>Xin chào</p>"},
			wantFrom: "=?utf-8?q?Ti=E1=BB=87m_Hoa_Lan?= <shop@example.vn>",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := &fakeClient{}
			if _, err := ses.New(fake, tt.opts).SendEmail(t.Context(), tt.email); err != nil {
				t.Fatalf("SendEmail: %v", err)
			}
			in := fake.in
			if got := aws.ToString(in.FromEmailAddress); got != tt.wantFrom {
				t.Errorf("FromEmailAddress %q, want %q", got, tt.wantFrom)
			}
			if got := aws.ToString(in.ConfigurationSetName); got != tt.opts.ConfigurationSet {
				t.Errorf("ConfigurationSetName %q, want %q", got, tt.opts.ConfigurationSet)
			}
			if in.Content.Raw != nil || in.Content.Template != nil {
				t.Fatalf("content is not simple: %+v", in.Content)
			}
			msg := in.Content.Simple
			checkContent(t, "subject", msg.Subject, tt.email.Subject)
			checkContent(t, "text", msg.Body.Text, tt.email.Text)
			checkContent(t, "html", msg.Body.Html, tt.email.HTML)
		})
	}
}

// checkContent checks that c holds want in UTF-8, or is nil when want is
// empty.
func checkContent(t *testing.T, what string, c *types.Content, want string) {
	t.Helper()
	switch {
	case want == "" && c != nil:
		t.Errorf("%s set to %q", what, aws.ToString(c.Data))
	case want == "":
	case c == nil:
		t.Errorf("%s missing", what)
	case aws.ToString(c.Data) != want || aws.ToString(c.Charset) != "UTF-8":
		t.Errorf("%s %q in %s, want %q in UTF-8", what, aws.ToString(c.Data), aws.ToString(c.Charset), want)
	}
}

func TestValidation(t *testing.T) {
	valid := domain.Email{From: "shop@example.vn", To: []string{"a@example.vn"}, Subject: "s", Text: "t"}
	tests := []struct {
		name string
		edit func(*domain.Email)
	}{
		{"no sender", func(e *domain.Email) { e.From = "" }},
		{"blank sender", func(e *domain.Email) { e.From = "  " }},
		{"invalid sender", func(e *domain.Email) { e.From = "shop" }},
		{"no recipient", func(e *domain.Email) { e.To = nil }},
		{"invalid recipient", func(e *domain.Email) { e.To = []string{"a@example.vn", "not an address"} }},
		{"two recipients in one", func(e *domain.Email) { e.To = []string{"a@example.vn, b@example.vn"} }},
		{"no body", func(e *domain.Email) { e.Text = "" }},
		{"no body, with attachment", func(e *domain.Email) {
			e.Text = ""
			e.Attachments = []domain.Attachment{{Name: "a.pdf", Data: []byte("%PDF")}}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := valid
			tt.edit(&e)
			fake := &fakeClient{}
			_, err := ses.New(fake, ses.Options{}).SendEmail(t.Context(), e)
			if !errors.Is(err, domain.ErrRejected) {
				t.Errorf("SendEmail = %v, want ErrRejected", err)
			}
			if fake.calls != 0 {
				t.Errorf("the email reached SES")
			}
		})
	}
}

func TestErrorMapping(t *testing.T) {
	tests := []struct {
		name         string
		err          error
		wantRejected bool
	}{
		{"MessageRejected", &smithy.GenericAPIError{Code: "MessageRejected"}, true},
		{"typed MessageRejected", &types.MessageRejected{Message: aws.String("Email address is not verified.")}, true},
		{"MailFromDomainNotVerified", &smithy.GenericAPIError{Code: "MailFromDomainNotVerifiedException"}, true},
		{"BadRequest", &smithy.GenericAPIError{Code: "BadRequestException"}, true},
		{"AccountSuspended", &smithy.GenericAPIError{Code: "AccountSuspendedException"}, true},
		{"NotFound", &smithy.GenericAPIError{Code: "NotFoundException"}, true},
		{"InvalidParameterValue", &smithy.GenericAPIError{Code: "InvalidParameterValue"}, true},
		{"TooManyRequests", &smithy.GenericAPIError{Code: "TooManyRequestsException"}, false},
		{"typed LimitExceeded", &types.LimitExceededException{}, false},
		{"SendingPaused", &smithy.GenericAPIError{Code: "SendingPausedException"}, false},
		{"InternalServiceError", &smithy.GenericAPIError{Code: "InternalServiceErrorException"}, false},
		{"not an API error", context.DeadlineExceeded, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := &fakeClient{err: tt.err}
			e := domain.Email{From: "shop@example.vn", To: []string{"a@example.vn"}, Subject: "s", Text: "t"}
			_, err := ses.New(fake, ses.Options{}).SendEmail(t.Context(), e)
			if err == nil {
				t.Fatal("SendEmail succeeded")
			}
			if got := errors.Is(err, domain.ErrRejected); got != tt.wantRejected {
				t.Errorf("errors.Is(%v, ErrRejected) = %v, want %v", err, got, tt.wantRejected)
			}
			if !errors.Is(err, tt.err) {
				t.Errorf("%v does not wrap %v", err, tt.err)
			}
		})
	}
}
