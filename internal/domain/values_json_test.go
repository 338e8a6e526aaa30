package domain

import (
	"encoding/json"
	"reflect"
	"testing"
)

// decodeStd is what the hand-written reader must agree with: encoding/json
// with lists normalised to []string.
func decodeStd(b []byte) (Values, error) {
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, err
	}
	for k, x := range raw {
		if list, ok := x.([]any); ok {
			strs := []string{}
			for _, e := range list {
				if s, ok := e.(string); ok {
					strs = append(strs, s)
				}
			}
			raw[k] = strs
		}
	}
	return raw, nil
}

var valuesSeeds = []string{
	`{}`,
	`{"customer_type":"VIP"}`,
	`{"a":"Thường","b":12.5,"c":-3e2,"d":true,"e":false,"f":null,"g":["x","y"],"h":[]}`,
	` { "a" : 0 , "b" : [ "z" ] } `,
	`{"a":"x","a":"y"}`,
	`{"a":"tab\tin"}`,
	`{"a":"esc\"aped"}`,
	`{"a":{"nested":1}}`,
	`{"a":[1,2]}`,
	`{"a":01}`,
	`{"a":1.}`,
	`{"a":-}`,
	`{"a":1e400}`,
	`{"a":"\xff"}`,
	`{"a":tru}`,
	`{"a":1,}`,
	`{"a":1} x`,
	`["a"]`,
}

func TestValuesUnmarshal(t *testing.T) {
	for _, in := range valuesSeeds {
		want, werr := decodeStd([]byte(in))
		var got Values
		gerr := json.Unmarshal([]byte(in), &got)
		if (werr == nil) != (gerr == nil) {
			t.Errorf("%s: error %v, encoding/json says %v", in, gerr, werr)
			continue
		}
		if werr == nil && !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %#v, want %#v", in, got, want)
		}
	}
	var v Values
	if err := v.UnmarshalJSON([]byte("null")); err != nil || v != nil {
		t.Fatalf("null gives %v, %v", v, err)
	}
}

// FuzzValuesUnmarshal checks that whatever the hand-written reader
// accepts, it reads exactly as encoding/json does.
func FuzzValuesUnmarshal(f *testing.F) {
	for _, s := range valuesSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, ok := parseFlatValues(b)
		if !ok {
			return
		}
		want, err := decodeStd(b)
		if err != nil {
			t.Fatalf("%q: read by hand as %#v, but encoding/json refuses it: %v", b, got, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: %#v, want %#v", b, got, want)
		}
	})
}

func BenchmarkValuesUnmarshal(b *testing.B) {
	in := []byte(`{"customer_type":"Thường","budget":15000000,"sources":["facebook","zalo"]}`)
	for b.Loop() {
		var v Values
		if err := v.UnmarshalJSON(in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkValuesUnmarshalStd(b *testing.B) {
	in := []byte(`{"customer_type":"Thường","budget":15000000,"sources":["facebook","zalo"]}`)
	for b.Loop() {
		if _, err := decodeStd(in); err != nil {
			b.Fatal(err)
		}
	}
}
