package leads

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"tend/internal/domain"
	"tend/internal/tendtest"
)

func TestParsePath(t *testing.T) {
	doc := map[string]any{"full name": "A", "contact": map[string]any{"phone": "0912"}, "answers": []any{map[string]any{"value": 7}}, "x": nil}
	tests := []struct {
		path  string
		want  any
		found bool
		bad   bool
	}{
		{"$", doc, true, false},
		{"$.contact.phone", "0912", true, false},
		{"$['full name']", "A", true, false},
		{`$["contact"].phone`, "0912", true, false},
		{"$.answers[0].value", 7, true, false},
		{"$.answers[1].value", nil, false, false},
		{"$.contact[0]", nil, false, false},
		{"$.missing", nil, false, false},
		{"$.x", nil, true, false},
		{"contact.phone", nil, false, true},
		{"$.", nil, false, true},
		{"$[", nil, false, true},
		{"$[-1]", nil, false, true},
		{"$['']", nil, false, true},
		{"$.a b", nil, false, true},
	}
	for _, tc := range tests {
		p, err := ParsePath(tc.path)
		if tc.bad {
			if err == nil {
				t.Errorf("ParsePath(%q) accepted", tc.path)
			}
			continue
		}
		if err != nil {
			t.Fatalf("ParsePath(%q): %v", tc.path, err)
		}
		got, found := p.Lookup(doc)
		if found != tc.found || (found && tc.path != "$" && got != tc.want) {
			t.Errorf("Lookup(%q) = %v, %v; want %v, %v", tc.path, got, found, tc.want, tc.found)
		}
	}
}

func TestVerify(t *testing.T) {
	now := time.Date(2026, 5, 1, 2, 0, 0, 0, time.UTC)
	ts := "1777600800" // now
	body := []byte(`{"a":1}`)
	good := Sign("s1", ts, body)
	tests := []struct {
		name, ts, sig string
		secrets       []string
		code          string
	}{
		{"good", ts, good, []string{"s1"}, ""},
		{"second of several signatures", ts, "v1=00," + good, []string{"s1"}, ""},
		{"previous secret", ts, good, []string{"s2", "s1"}, ""},
		{"wrong secret", ts, good, []string{"s2"}, "bad_signature"},
		{"body changed", ts, Sign("s1", ts, []byte(`{"a":2}`)), []string{"s1"}, "bad_signature"},
		{"no v1 prefix", ts, good[3:], []string{"s1"}, "bad_signature"},
		{"six minutes old", "1777600440", Sign("s1", "1777600440", body), []string{"s1"}, "stale_signature"},
		{"not a number", "yesterday", good, []string{"s1"}, "bad_signature"},
	}
	for _, tc := range tests {
		err := verify(tc.secrets, tc.ts, tc.sig, body, now)
		if domain.CodeOf(err) != tc.code {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.code)
		}
	}
}

// FuzzMapping: no payload or mapping path makes the mapping panic, and
// whatever it maps is either refused with a path or is input the
// customer validator then reads.
func FuzzMapping(f *testing.F) {
	f.Add(`$.full_name`, `$.contact.phone`, []byte(`{"full_name":"A","contact":{"phone":912345678}}`))
	f.Add(`$['n']`, `$.p[0]`, []byte(`{"n":["x"],"p":[true]}`))
	f.Add(`$.a.b.c`, `$`, []byte(`[1,2,{"a":null}]`))
	f.Add(`$[0]`, `$.x`, []byte(`"just a string"`))
	testOrg := tendtest.MustOpen(f, tendtest.Options{Name: "Leads"}).Org()
	f.Fuzz(func(t *testing.T, namePath, phonePath string, body []byte) {
		if _, err := ParsePath(namePath); err != nil {
			return
		}
		doc, err := decodePayload(body)
		if err != nil {
			var de *domain.Error
			switch {
			case domain.CodeOf(err) == "invalid_json":
			case errors.As(err, &de) && de.Code == "validation_failed" && len(de.Fields) > 0:
				// Strings that are not text, named by their path (which
				// the whole body's string has empty).
			default:
				t.Fatalf("payload refused with %v", err)
			}
			return
		}
		src := &Source{Name: "S", Mapping: map[string]string{"name": namePath, "phone": phonePath, "email": "$.email"}}
		in, err := Map(testOrg, src, doc)
		if err != nil {
			var de *domain.Error
			if !errors.As(err, &de) || len(de.Fields) == 0 || de.Fields[0].Path == "" {
				t.Fatalf("refusal without a path: %v", err)
			}
			return
		}
		if _, err := in.Preview(testOrg, time.Time{}); err != nil {
			var de *domain.Error
			if !errors.As(err, &de) || len(de.Fields) == 0 {
				t.Fatalf("mapped input refused without a path: %v", err)
			}
		}
		_ = json.Valid(body)
	})
}
