package task_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"tend/internal/domain"
	"tend/internal/task"
)

func TestParseInput(t *testing.T) {
	tests := []struct {
		name string
		body string
		code string   // the error's code, "" when it parses
		want []string // path:code of every problem
	}{
		{name: "everything", body: `{"title":"Gọi lại","description":"d","type":"call","priority":"high","status":"in_progress",
			"assignee_id":"u1","related_user_ids":["u2"],"customer_id":"c1","order_id":"o1","due_on":"2026-03-05","version":3}`},
		{name: "nulls clear", body: `{"description":null,"related_user_ids":null,"customer_id":null,"due_on":null}`},
		{name: "empty", body: `{}`},
		{name: "unknown property", body: `{"title":"x","colour":"red"}`, code: "validation_failed", want: []string{"colour:unknown_json_field"}},
		{name: "read-only", body: `{"id":"task_1","created_at":"2026-01-01T00:00:00Z","completed_at":null,"source":{}}`, code: "validation_failed",
			want: []string{"completed_at:read_only", "created_at:read_only", "id:read_only", "source:read_only"}},
		{name: "wrong types at once", body: `{"title":5,"type":true,"related_user_ids":"u2","due_on":"2026-02-30","version":"3","assignee_id":["u"]}`,
			code: "validation_failed",
			want: []string{"assignee_id:expected_text", "due_on:invalid_date", "related_user_ids:expected_text_list", "title:expected_text",
				"type:expected_text", "version:expected_integer"}},
		{name: "related ids not texts", body: `{"related_user_ids":[1]}`, code: "validation_failed", want: []string{"related_user_ids:expected_text_list"}},
		{name: "null version", body: `{"version":null}`, code: "validation_failed", want: []string{"version:expected_integer"}},
		{name: "empty key", body: `{"":1}`, code: "validation_failed", want: []string{`[""]:unknown_json_field`}},
		{name: "not an object", body: `["title"]`, code: "body_not_object"},
		{name: "not JSON", body: `{"title":`, code: "invalid_json"},
		{name: "nothing", body: ``, code: "invalid_json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := task.ParseInput([]byte(tt.body))
			if got := domain.CodeOf(err); got != tt.code {
				t.Fatalf("code = %q (%v), want %q", got, err, tt.code)
			}
			if tt.code == "" {
				if in == nil {
					t.Fatal("no input")
				}
				return
			}
			if got := fields(err); !slices.Equal(got, tt.want) {
				t.Errorf("problems = %v, want %v", got, tt.want)
			}
		})
	}
}

// An unknown property names itself in the problem's params.
func TestParseInputUnknownParam(t *testing.T) {
	_, err := task.ParseInput([]byte(`{"colour":"red"}`))
	var e *domain.Error
	if !errors.As(err, &e) || len(e.Fields) != 1 || e.Fields[0].Params["field"] != "colour" {
		t.Fatalf("err = %#v, want colour named in params", err)
	}
	if !errors.Is(err, domain.ErrInvalid) {
		t.Errorf("kind = %v, want invalid", err)
	}
}

// Null for an optional property is a value that clears it, not an absent
// property.
func TestParseInputNull(t *testing.T) {
	in, err := task.ParseInput([]byte(`{"customer_id":null,"related_user_ids":null,"due_on":null}`))
	if err != nil {
		t.Fatal(err)
	}
	if in.CustomerID == nil || *in.CustomerID != "" || in.RelatedUserIDs == nil || len(*in.RelatedUserIDs) != 0 || in.DueOn == nil || !in.DueOn.IsZero() {
		t.Errorf("input = %+v, want cleared values", in)
	}
	if in.Title != nil || in.Status != nil {
		t.Errorf("absent properties set: %+v", in)
	}
}

func FuzzParseInput(f *testing.F) {
	for _, s := range []string{`{}`, `{"title":"a","due_on":"2026-01-01"}`, `{"related_user_ids":["a",null]}`, `{"x":1}`, `[]`, `null`, `{"version":1e99}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		in, err := task.ParseInput(raw)
		if err != nil {
			var e *domain.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is not a user error", err)
			}
			for _, fe := range e.Fields {
				if fe.Path == "" || fe.Code == "" || strings.ContainsAny(fe.Code, " \n") {
					t.Fatalf("bad problem %+v", fe)
				}
			}
			return
		}
		if in == nil {
			t.Fatal("no input and no error")
		}
	})
}
