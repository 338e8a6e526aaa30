package leadpayload

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/url"
	"strings"

	"tend/internal/domain"
	"tend/internal/jsonin"
)

// Form reads a landing page's or form tool's post (LadiPage, Google Forms
// through Apps Script, Zapier, Make) by its content type:
//   - application/x-www-form-urlencoded: the pairs in the order sent;
//   - multipart/form-data: the text parts; file parts are skipped;
//   - application/json: an object; a nested object's fields are named
//     "a.b", an object in a list "a[0].b"; a list of scalars gives the
//     field several values; numbers and booleans are their JSON text;
//     null and an empty list give no field; an empty body, no fields.
//
// A name sent twice gives one field with both values. Anything else, or no
// content type, is unsupported_form_type; a body that is not what its type
// says is invalid_form_body (invalid_json for JSON). Field names are kept
// as sent ("Họ và tên"): matching them to customer fields is the caller's.
func Form(contentType string, body []byte) ([]Field, error) {
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return nil, unsupportedForm()
	}
	switch mediaType {
	case "application/x-www-form-urlencoded":
		return urlencoded(body)
	case "multipart/form-data":
		return multipartForm(body, params["boundary"])
	case "application/json":
		return jsonForm(body)
	}
	return nil, unsupportedForm()
}

func unsupportedForm() error {
	return domain.Errorf(domain.ErrUnsupportedMedia, "unsupported_form_type")
}

func invalidForm() error { return domain.Errorf(domain.ErrBadRequest, "invalid_form_body") }

// urlencoded reads name=value pairs joined by "&", in order (url.ParseQuery
// would lose it), refusing a bad %-escape.
func urlencoded(body []byte) ([]Field, error) {
	c := newCollector()
	for pair := range strings.SplitSeq(string(body), "&") {
		if pair == "" {
			continue
		}
		rawName, rawValue, _ := strings.Cut(pair, "=")
		name, err1 := url.QueryUnescape(rawName)
		value, err2 := url.QueryUnescape(rawValue)
		if err1 != nil || err2 != nil {
			return nil, invalidForm()
		}
		c.add(name, value)
	}
	return c.result()
}

// multipartForm reads the text parts of a multipart body.
func multipartForm(body []byte, boundary string) ([]Field, error) {
	if boundary == "" {
		return nil, invalidForm()
	}
	c := newCollector()
	r := multipart.NewReader(bytes.NewReader(body), boundary)
	for {
		part, err := r.NextPart()
		if errors.Is(err, io.EOF) {
			return c.result()
		}
		if err != nil {
			return nil, invalidForm()
		}
		name := part.FormName()
		if part.FileName() != "" || name == "" {
			continue // a file, or not a form field
		}
		// One byte over the limit is enough to say it is over.
		value, err := io.ReadAll(io.LimitReader(part, MaxValueBytes+1))
		if err != nil {
			return nil, invalidForm()
		}
		c.add(name, string(value))
	}
}

// jsonForm reads a JSON object, flattened.
func jsonForm(body []byte) ([]Field, error) {
	if err := jsonin.Check(body); err != nil {
		return nil, err
	}
	c := newCollector()
	if err := flattenObject(body, "", c); err != nil {
		return nil, err
	}
	return c.result()
}

// flattenObject adds the fields of the JSON object raw to c, each name
// after prefix; raw has passed jsonin.Check.
func flattenObject(raw []byte, prefix string, c *collector) error {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil // no fields
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return domain.Errorf(domain.ErrBadRequest, "body_not_object")
	}
	if err := flattenMembers(dec, prefix, c); err != nil {
		return domain.Errorf(domain.ErrBadRequest, "invalid_json")
	}
	return nil
}

// flattenMembers reads an object's members up to its closing brace.
func flattenMembers(dec *json.Decoder, prefix string, c *collector) error {
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := t.(string)
		if err := flattenValue(dec, join(prefix, key), c); err != nil {
			return err
		}
	}
	_, err := dec.Token() // the closing brace
	return err
}

// flattenValue reads one value named name; null gives no field.
func flattenValue(dec *json.Decoder, name string, c *collector) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	return flattenToken(dec, t, name, name, c)
}

// flattenToken reads the value that starts with t: an object's members
// are named after at, a list's elements too; a scalar is a value of the
// field named name (a list's own name, for its scalar elements).
func flattenToken(dec *json.Decoder, t json.Token, at, name string, c *collector) error {
	switch v := t.(type) {
	case json.Delim:
		if v == '{' {
			return flattenMembers(dec, at, c)
		}
		return flattenList(dec, at, c)
	case nil:
	default:
		c.add(name, scalar(v))
	}
	return nil
}

// flattenList reads a list's elements up to its closing bracket: scalars
// are values of the list's field, an object or list in it is named by its
// index ("a[0].b").
func flattenList(dec *json.Decoder, name string, c *collector) error {
	for i := 0; dec.More(); i++ {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		if err := flattenToken(dec, t, fmt.Sprintf("%s[%d]", name, i), name, c); err != nil {
			return err
		}
	}
	_, err := dec.Token() // the closing bracket
	return err
}

// scalar is a JSON scalar's text: a string itself, a number as written,
// a boolean "true" or "false".
func scalar(t json.Token) string {
	switch v := t.(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case bool:
		return fmt.Sprint(v)
	}
	return ""
}

// join names a member of an object named prefix.
func join(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}
