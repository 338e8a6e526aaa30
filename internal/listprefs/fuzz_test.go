package listprefs_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"tend/internal/domain"
	"tend/internal/listprefs"
)

var settingsSeeds = []string{
	`{"columns":["name","phone"],"sort":"-name","limit":20}`, `{}`, ``, " ", `null`, `[]`, `{"columns":null}`, `{"columns":"name"}`,
	`{"columns":[1,2]}`, `{"limit":"20"}`, `{"limit":1e3}`, `{"limit":-1}`, `{"sort":null}`, `{"default":true}`, `{"":1}`,
	`{"columns":["a"],"columns":["b"]}`, `{"columns":["\u0000"]}`, "{\"sort\":\"\xff\"}", `{"limit":99999999999999999999}`,
}

var filterSeeds = []string{
	`{"name":"VIP","filter":[[{"field":"tags","op":"has_any","value":["VIP"]}]],"q":"hà","sort":"name","shared":true,"version":2}`,
	`{}`, ``, `{"filter":null}`, `{"filter":"[]"}`, `{"filter":{}}`, `{"name":null}`, `{"shared":"yes"}`, `{"version":1.5}`,
	`{"id":"x"}`, `{"owner_id":"u"}`, `{"x":1}`, `[1]`, `"s"`, `{"filter":[[{"field":"a","op":"eq","value":` + "\x00" + `}]]}`,
}

// faultsOf checks that a refusal is a coded error naming its elements.
func faultsOf(t *testing.T, err error) {
	t.Helper()
	var de *domain.Error
	if !errors.As(err, &de) {
		t.Fatalf("refusal is not a coded error: %v", err)
	}
	if errors.Is(de, domain.ErrInvalid) && len(de.Fields) == 0 {
		t.Fatalf("a validation error names no element: %v", err)
	}
	for _, f := range de.Fields {
		if f.Code == "" {
			t.Fatalf("an element without a code: %+v", f)
		}
	}
}

func FuzzParseSettings(f *testing.F) {
	for _, s := range settingsSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		in, err := listprefs.ParseSettings([]byte(body))
		if err != nil {
			faultsOf(t, err)
			return
		}
		// What it accepts came from a JSON object holding those values.
		var top map[string]json.RawMessage
		if trimmed := bytes.TrimSpace([]byte(body)); len(trimmed) > 0 && json.Unmarshal(trimmed, &top) != nil {
			t.Fatalf("accepted %q, which is not a JSON object", body)
		}
		if in.LimitGiven != (top["limit"] != nil) {
			t.Fatalf("%q: limit given = %v", body, in.LimitGiven)
		}
	})
}

func FuzzParseFilter(f *testing.F) {
	for _, s := range filterSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		in, err := listprefs.ParseFilter([]byte(body))
		if err != nil {
			faultsOf(t, err)
			return
		}
		if in.Filter != nil && !json.Valid(in.Filter) {
			t.Fatalf("%q: filter %q is not JSON", body, in.Filter)
		}
	})
}
