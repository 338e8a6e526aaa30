package ses

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/textproto"
	"strings"

	"tend/internal/domain"
)

// rawMessage builds the MIME message SES sends for an email with
// attachments:
//
//	multipart/mixed
//	├── multipart/alternative (text/plain, text/html), or the one body set
//	└── one base64 part per attachment
//
// from and to are already formatted for the wire (see addresses). No Date
// or Message-ID header: SES adds both.
func rawMessage(from string, to []string, e domain.Email) ([]byte, error) {
	var buf bytes.Buffer
	mixed := multipart.NewWriter(&buf)

	header := func(key, value string) { fmt.Fprintf(&buf, "%s: %s\r\n", key, value) }
	header("From", from)
	header("To", strings.Join(to, ",\r\n "))
	header("Subject", encodeHeader(e.Subject))
	header("MIME-Version", "1.0")
	header("Content-Type", mime.FormatMediaType("multipart/mixed", map[string]string{"boundary": mixed.Boundary()}))
	buf.WriteString("\r\n")

	if err := writeBody(mixed, e); err != nil {
		return nil, err
	}
	for _, a := range e.Attachments {
		if err := writeAttachment(mixed, a); err != nil {
			return nil, fmt.Errorf("attachment %q: %w", a.Name, err)
		}
	}
	if err := mixed.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// encodeHeader encodes a header value outside printable ASCII (Vietnamese
// text, or a stray CR or LF that would otherwise start a new header) as RFC
// 2047 encoded words, one per folded line so that no line runs long.
func encodeHeader(s string) string {
	return strings.ReplaceAll(mime.BEncoding.Encode(charset, s), "?= =?", "?=\r\n =?")
}

// writeBody writes the text and HTML bodies as alternatives of one part,
// or whichever of them is set on its own.
func writeBody(mixed *multipart.Writer, e domain.Email) error {
	switch {
	case e.HTML == "":
		return writeText(mixed, "text/plain", e.Text)
	case e.Text == "":
		return writeText(mixed, "text/html", e.HTML)
	}

	// The nested writer's boundary goes into the part's header, so it
	// writes to a buffer first.
	var buf bytes.Buffer
	alt := multipart.NewWriter(&buf)
	if err := writeText(alt, "text/plain", e.Text); err != nil {
		return err
	}
	if err := writeText(alt, "text/html", e.HTML); err != nil {
		return err
	}
	if err := alt.Close(); err != nil {
		return err
	}
	part, err := mixed.CreatePart(textproto.MIMEHeader{
		"Content-Type": {mime.FormatMediaType("multipart/alternative", map[string]string{"boundary": alt.Boundary()})},
	})
	if err != nil {
		return err
	}
	_, err = part.Write(buf.Bytes())
	return err
}

// writeText writes a body part. Quoted-printable keeps lines under the
// limit of 76 characters and leaves ASCII readable in the source.
func writeText(w *multipart.Writer, mediaType, text string) error {
	part, err := w.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {mime.FormatMediaType(mediaType, map[string]string{"charset": charset})},
		"Content-Transfer-Encoding": {"quoted-printable"},
	})
	if err != nil {
		return err
	}
	qp := quotedprintable.NewWriter(part)
	if _, err := io.WriteString(qp, text); err != nil {
		return err
	}
	return qp.Close()
}

// writeAttachment writes a as a base64 part. mime.FormatMediaType encodes
// a filename outside ASCII by RFC 2231 (filename*=utf-8 then
// percent-encoded bytes), which mail clients decode.
func writeAttachment(w *multipart.Writer, a domain.Attachment) error {
	name := a.Name
	if name == "" {
		name = "attachment"
	}
	mediaType, params := attachmentType(a.ContentType)
	params["name"] = name
	part, err := w.CreatePart(textproto.MIMEHeader{
		"Content-Type":              {mime.FormatMediaType(mediaType, params)},
		"Content-Disposition":       {mime.FormatMediaType("attachment", map[string]string{"filename": name})},
		"Content-Transfer-Encoding": {"base64"},
	})
	if err != nil {
		return err
	}
	return writeBase64(part, a.Data)
}

// attachmentType parses an attachment's content type, falling back to
// application/octet-stream when it is missing or malformed: a file the
// client cannot preview is better than an email that is not sent.
func attachmentType(contentType string) (string, map[string]string) {
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil || !strings.Contains(mediaType, "/") {
		return "application/octet-stream", map[string]string{}
	}
	return mediaType, params
}

// base64Line is the longest line of base64 MIME allows (RFC 2045).
const base64Line = 76

func writeBase64(w io.Writer, data []byte) error {
	enc := base64.StdEncoding.EncodeToString(data)
	for len(enc) > 0 {
		n := min(len(enc), base64Line)
		if _, err := io.WriteString(w, enc[:n]+"\r\n"); err != nil {
			return err
		}
		enc = enc[n:]
	}
	return nil
}
