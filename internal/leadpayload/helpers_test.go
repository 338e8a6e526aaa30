package leadpayload_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"tend/internal/domain"
	"tend/internal/leadpayload"
)

// sample reads a provider's sample payload of events/providers.
func sample(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "events", "providers", name))
	if err != nil {
		t.Fatalf("read sample: %v", err)
	}
	return b
}

// refusal is what a refusal says: its kind, code, params and elements.
type refusal struct {
	kind   error
	code   string
	params map[string]string
	fields []fault
}

// fault is one element a refusal names, with its message params.
type fault struct {
	path, code, max string
}

func refused(t *testing.T, err error) refusal {
	t.Helper()
	var e *domain.Error
	if !errors.As(err, &e) {
		t.Fatalf("not a coded error: %v", err)
	}
	r := refusal{kind: e.Kind, code: e.Code, params: e.Params}
	for _, f := range e.Fields {
		r.fields = append(r.fields, fault{f.Path, f.Code, f.Params["max"]})
	}
	return r
}

// wantRefusal checks a refusal's code, kind and elements (none for a
// refusal of the whole body).
func wantRefusal(t *testing.T, err error, kind error, code string, fields ...fault) {
	t.Helper()
	if err == nil {
		t.Fatalf("accepted, want %s", code)
	}
	r := refused(t, err)
	if r.code != code || r.kind != kind || !slices.Equal(r.fields, fields) {
		t.Fatalf("refused %v %s %v, want %v %s %v", r.kind, r.code, r.fields, kind, code, fields)
	}
}

// checkFields holds the readers' promise about the fields they return.
func checkFields(t *testing.T, fields []leadpayload.Field) {
	t.Helper()
	if fields == nil {
		t.Fatal("nil fields, want a list")
	}
	if len(fields) > leadpayload.MaxFields {
		t.Fatalf("%d fields", len(fields))
	}
	seen := map[string]bool{}
	for _, f := range fields {
		if f.Name == "" || seen[f.Name] || len(f.Name) > leadpayload.MaxNameBytes || domain.TextFault(f.Name, false) != "" {
			t.Fatalf("bad or repeated name %q", f.Name)
		}
		seen[f.Name] = true
		if len(f.Values) > leadpayload.MaxValues {
			t.Fatalf("%q: %d values", f.Name, len(f.Values))
		}
		for _, v := range f.Values {
			if !utf8.ValidString(v) || strings.ContainsAny(v, "\r") || domain.TextFault(v, true) != "" || len(v) > leadpayload.MaxValueBytes {
				t.Fatalf("%q: bad value %q", f.Name, v)
			}
		}
	}
}

func equalFields(a, b []leadpayload.Field) bool {
	return slices.EqualFunc(a, b, func(x, y leadpayload.Field) bool {
		return x.Name == y.Name && slices.Equal(x.Values, y.Values)
	})
}

func f(name string, values ...string) leadpayload.Field {
	if values == nil {
		values = []string{}
	}
	return leadpayload.Field{Name: name, Values: values}
}

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
