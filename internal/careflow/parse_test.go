package careflow_test

import (
	"errors"
	"testing"

	"tend/internal/careflow"
	"tend/internal/domain"
)

// FuzzParseInput: no body makes the parser panic; what it refuses, it
// refuses as a user error naming where.
func FuzzParseInput(f *testing.F) {
	for _, seed := range []string{
		`{"module":"customers","name":"Sinh nhật","when":{"type":"anniversary","field":"birthday","offset_days":-3,"at":"08:00","window":"week"},"condition":{"all":true},"actions":[{"type":"send_email","template_id":"tpl_1","to_fields":["email"]}]}`,
		`{"condition":{"groups":[[{"field":"revenue","op":"gt","value":3000000}]]}}`,
		`{"actions":[{"type":"create_task","title":"Gọi #name","due_in_days":1,"assignee":"owner"}]}`,
		`{"when":{"type":"schedule","every":"month","at":"09:00"}}`,
		`{"actions":[{"type":"update_fields","fields":{"customer_type":"VIP"}}]}`,
		`{"when":{"at":8}}`, `{"condition":null}`, `[]`, `{"actions":{}}`, `{"colour":1}`, ``, `{`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		in, err := careflow.ParseInput(raw)
		if err == nil {
			if in == nil {
				t.Fatal("no input and no error")
			}
			return
		}
		var de *domain.Error
		if !errors.As(err, &de) {
			t.Fatalf("not a user error: %v", err)
		}
		if errors.Is(err, domain.ErrInvalid) && len(de.Fields) == 0 {
			t.Fatalf("a validation error without the path at fault: %v", err)
		}
	})
}
