package jsonin_test

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

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
