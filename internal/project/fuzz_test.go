package project_test

import (
	"errors"
	"testing"

	"tend/internal/domain"
	"tend/internal/project"
)

// The body parsers take any bytes: they answer a parsed input or a user
// error, never panic or fail otherwise.
func FuzzParseInput(f *testing.F) {
	for _, s := range []string{`{}`, `{"name":"P","member_ids":["u"],"statuses":[{"name":"Mới","kind":"open"}],"phases":[{"name":"G","starts_on":"2030-01-01","ends_on":"2030-01-31"}]}`,
		`{"phases":[{"colour":1}]}`, `{"statuses":null}`, `[1]`, `{"name":`, `{"version":"x"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		in, err := project.ParseInput(raw)
		checkParsed(t, in != nil, err)
	})
}

func FuzzParseTaskInput(f *testing.F) {
	for _, s := range []string{`{}`, `{"title":"T","phase_id":"g","due_on":"2030-01-01","progress":100,"status":"open"}`,
		`{"due_on":"2030-02-30"}`, `{"progress":1e99}`, `{"parent_id":null}`, `{"id":"x"}`, `"x"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		in, err := project.ParseTaskInput(raw)
		checkParsed(t, in != nil, err)
	})
}

func FuzzParseCommentInput(f *testing.F) {
	for _, s := range []string{`{"body":"x","mention_ids":["u"]}`, `{"mention_ids":"u"}`, `{}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		in, err := project.ParseCommentInput(raw)
		checkParsed(t, in != nil, err)
	})
}

func checkParsed(t *testing.T, parsed bool, err error) {
	t.Helper()
	var de *domain.Error
	switch {
	case err == nil && !parsed:
		t.Fatal("no input and no error")
	case err != nil && !errors.As(err, &de):
		t.Fatalf("not a user error: %v", err)
	}
}
