package jsonin_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"tend/internal/domain"
	"tend/internal/jsonin"
)

// fault is one element named by a refusal.
type fault struct{ path, code string }

// faults returns the kind, code and elements of a refusal.
func faults(t *testing.T, err error) (kind error, code string, fs []fault) {
	t.Helper()
	if err == nil {
		return nil, "", nil
	}
	var de *domain.Error
	if !errors.As(err, &de) {
		t.Fatalf("not a coded error: %v", err)
	}
	for _, f := range de.Fields {
		fs = append(fs, fault{f.Path, f.Code})
	}
	return de.Kind, de.Code, fs
}

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		code       string // "" for accepted; validation_failed lists want
		want       []fault
	}{
		{"text", `{"name":"Nguyễn Thị Lan","n":1,"ok":true,"x":null}`, "", nil},
		{"empty", "  ", "", nil},
		{"tab and line breaks", `{"note":"a\tb\nc\r\nd"}`, "", nil},
		{"escaped quote, slash and pair", `{"a":"\"\\\/ \ud83d\ude00 \u00e9"}`, "", nil},
		{"raw U+FFFD is text", "{\"a\":\"\xef\xbf\xbd\"}", "", nil},
		{"not JSON", `{"a":`, "invalid_json", nil},
		{"invalid UTF-8 outside strings", "{\"a\":1}\xff", "invalid_json", nil},
		{"NUL", `{"name":"a\u0000b"}`, "validation_failed", []fault{{"name", "control_character"}}},
		{"bell", `{"name":"a\u0007"}`, "validation_failed", []fault{{"name", "control_character"}}},
		{"backspace and form feed", `{"a":"\b","b":"\f"}`, "validation_failed", []fault{{"a", "control_character"}, {"b", "control_character"}}},
		{"raw DEL", "{\"a\":\"\x7f\"}", "validation_failed", []fault{{"a", "control_character"}}},
		{"escaped DEL", `{"a":"\u007F"}`, "validation_failed", []fault{{"a", "control_character"}}},
		{"invalid byte", "{\"a\":\"x\xffy\"}", "validation_failed", []fault{{"a", "invalid_utf8"}}},
		{"truncated sequence", "{\"a\":\"\xe1\x80\"}", "validation_failed", []fault{{"a", "invalid_utf8"}}},
		{"lone high surrogate", `{"a":"\ud800x"}`, "validation_failed", []fault{{"a", "invalid_utf8"}}},
		{"lone low surrogate", `{"a":"\udc00"}`, "validation_failed", []fault{{"a", "invalid_utf8"}}},
		{"high surrogate then a letter", `{"a":"\ud800\u0041"}`, "validation_failed", []fault{{"a", "invalid_utf8"}}},
		{"nested paths, all at once",
			`{"fields":{"note":"\u0001"},"items":[{"product":"ok"},{"product":"\u0002"}],"m":[["x","\u0003"]],"":"\u0004"}`,
			"validation_failed",
			[]fault{{"fields.note", "control_character"}, {"items[1].product", "control_character"}, {"m[0][1]", "control_character"}, {`[""]`, "control_character"}}},
		{"a key", `{"a\u0000":1}`, "validation_failed", []fault{{"a\x00", "control_character"}}},
		{"a top-level list", `["ok","\u0005"]`, "validation_failed", []fault{{"[1]", "control_character"}}},
		{"a top-level string", `"\u0006"`, "validation_failed", []fault{{"", "control_character"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kind, code, fs := faults(t, jsonin.Check([]byte(tc.body)))
			if code != tc.code || !slices.Equal(fs, tc.want) {
				t.Fatalf("Check = %s %v, want %s %v", code, fs, tc.code, tc.want)
			}
			switch code {
			case "invalid_json":
				if kind != domain.ErrBadRequest {
					t.Errorf("kind %v, want bad request", kind)
				}
			case "validation_failed":
				if kind != domain.ErrInvalid {
					t.Errorf("kind %v, want invalid", kind)
				}
			}
		})
	}
}

type line struct {
	Product string  `json:"product"`
	Qty     float64 `json:"quantity"`
}

type embedded struct {
	Note string `json:"note"`
}

type order struct {
	embedded
	Name    string            `json:"name"`
	Items   []line            `json:"items"`
	ByKey   map[string]line   `json:"by_key"`
	Tags    map[string]string `json:"tags"`
	At      *time.Time        `json:"at"`
	Skipped string            `json:"-"`
	Untaged int
	Raw     json.RawMessage `json:"raw"`
}

func TestStrict(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		code       string
		want       []fault
	}{
		{"accepted", `{"name":"A","note":"n","items":[{"product":"x","quantity":2}],"by_key":{"a":{"product":"y"}},"tags":{"k":"v"},"at":"2026-05-01T02:00:00Z","Untaged":1,"raw":{"any":1}}`, "", nil},
		{"names ignore case, as encoding/json's", `{"NAME":"A","Items":[{"Product":"x"}]}`, "", nil},
		{"empty is an empty object", ``, "", nil},
		{"not JSON", `{"name":`, "invalid_json", nil},
		{"not an object", `[1]`, "body_not_object", nil},
		{"unknown at the top", `{"name":"A","colour":"red"}`, "validation_failed", []fault{{"colour", "unknown_json_field"}}},
		{"a json:\"-\" field", `{"Skipped":"x"}`, "validation_failed", []fault{{"Skipped", "unknown_json_field"}}},
		{"unknown in a list, every one", `{"items":[{"product":"x"},{"product":"y","colour":1,"size":2}]}`, "validation_failed",
			[]fault{{"items[1].colour", "unknown_json_field"}, {"items[1].size", "unknown_json_field"}}},
		{"unknown in a map value", `{"by_key":{"a":{"price":1}}}`, "validation_failed", []fault{{"by_key.a.price", "unknown_json_field"}}},
		{"wrong type", `{"name":1}`, "validation_failed", []fault{{"name", "expected_text"}}},
		{"a time that won't parse", `{"at":"tomorrow"}`, "validation_failed", []fault{{"at", "invalid_datetime"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var o order
			_, code, fs := faults(t, jsonin.Strict([]byte(tc.body), &o))
			if code != tc.code || !slices.Equal(fs, tc.want) {
				t.Fatalf("Strict = %s %v, want %s %v", code, fs, tc.code, tc.want)
			}
		})
	}
}

func TestDecodeStrict(t *testing.T) {
	var p domain.Problems
	if got := jsonin.DecodeStrict[line](json.RawMessage(`{"product":"x","colour":1}`), "actions[2]", &p); got != nil {
		t.Fatalf("decoded %+v", got)
	}
	if len(p.Fields) != 1 || p.Fields[0].Path != "actions[2].colour" || p.Fields[0].Params["field"] != "colour" {
		t.Fatalf("problems %+v", p.Fields)
	}
	if got := jsonin.DecodeStrict[line](json.RawMessage(`"x"`), "when", &p); got != nil || len(p.Fields) != 2 || p.Fields[1].Path != "when" || p.Fields[1].Code != "expected_object" {
		t.Fatalf("a string: %+v, %+v", got, p.Fields)
	}
}

// FuzzCheck: no body makes Check panic; a body it passes decodes to
// strings with no control characters, and JSON with invalid UTF-8 never
// passes.
func FuzzCheck(f *testing.F) {
	for _, s := range []string{`{"a":"b"}`, `{"a":"\u0000"}`, "{\"a\":\"\xff\"}", `["\ud800"]`, `{"a":[{"b":"\t\n"}]}`, `"x"`, `{`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		err := jsonin.Check(body)
		if err != nil {
			return
		}
		if json.Valid(body) && !utf8.Valid(body) {
			t.Fatalf("passed invalid UTF-8: %q", body)
		}
		var doc any
		if json.Unmarshal(body, &doc) != nil {
			return
		}
		var walk func(v any)
		walk = func(v any) {
			switch x := v.(type) {
			case string:
				if strings.ContainsFunc(x, domain.IsControl) {
					t.Fatalf("passed a control character: %q", body)
				}
			case []any:
				for _, e := range x {
					walk(e)
				}
			case map[string]any:
				for k, e := range x {
					walk(k)
					walk(e)
				}
			}
		}
		walk(doc)
	})
}

// Read gives each property to its reader and refuses read-only and
// unknown ones, each at its path, all in one answer.
func TestRead(t *testing.T) {
	type thing struct {
		Size int `json:"size"`
	}
	var name *string
	var things *[]thing
	var seen []string
	readers := map[string]jsonin.Reader{
		"name":   jsonin.Value(&name, "expected_text"),
		"things": jsonin.ListOf(&things, 2, func(t *thing) { seen = append(seen, "normalised") }),
	}
	if err := jsonin.Read([]byte(`{"name":"An","things":[{"size":1},{"size":2}]}`), readers, "id"); err != nil {
		t.Fatalf("a good body: %v", err)
	}
	if *name != "An" || len(*things) != 2 || len(seen) != 2 {
		t.Fatalf("read name %v, things %v, normalised %v", name, things, seen)
	}
	err := jsonin.Read([]byte(`{"name":3,"id":"x","colour":"red","things":[{},{},{}]}`), readers, "id")
	_, code, fs := faults(t, err)
	want := []fault{{"colour", "unknown_json_field"}, {"id", "read_only"}, {"name", "expected_text"}, {"things", "too_many"}}
	if code != "validation_failed" || !slices.Equal(fs, want) {
		t.Fatalf("refused %s %v, want %v", code, fs, want)
	}
}
