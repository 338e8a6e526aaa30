package templates_test

import (
	"reflect"
	"strings"
	"testing"

	"tend/internal/templates"
)

var fuzzSeeds = []string{
	"", "Chào {{name}}", "{{ name }}{{code}}", "{{Name}}", "{{{name}}}", "{{", "}}", "{{ }}", "{{a}", "{{\ta\t}}",
	"Gọi chúc mừng #name", "##name", "a#b", "#", "#1", "#name#code", "(#code)", "{{#name}}", "#name{{code}}",
	"https://x.vn/#top", "&#x27;", "e\u0301#name", "\xff#name", "{{\xff}}", "#a\xff",
}

// checkRefs checks what holds of the refs of any text.
func checkRefs(t *testing.T, text string, parse func(string) []templates.Ref) {
	t.Helper()
	end := 0
	for _, r := range parse(text) {
		if r.Start < end || r.Start >= r.End || r.End > len(text) {
			t.Fatalf("%q: ref %+v out of order or bounds (previous end %d)", text, r, end)
		}
		end = r.End
		if !templates.IsKey(r.Key) {
			t.Fatalf("%q: ref %+v has a malformed key", text, r)
		}
		tok := text[r.Start:r.End]
		if again := parse(tok); !reflect.DeepEqual(again, []templates.Ref{{Key: r.Key, Start: 0, End: len(tok)}}) {
			t.Fatalf("%q: token %q re-parses to %+v, want key %q", text, tok, again, r.Key)
		}
	}
}

func FuzzRefs(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		checkRefs(t, text, templates.Refs)
		checkRefs(t, text, templates.TaskRefs)
		// The braced refs of a task text are exactly Refs.
		var braced []templates.Ref
		for _, r := range templates.TaskRefs(text) {
			if text[r.Start] == '{' {
				braced = append(braced, r)
			}
		}
		if refs := templates.Refs(text); !reflect.DeepEqual(refs, braced) {
			t.Fatalf("%q: Refs %+v, braced TaskRefs %+v", text, refs, braced)
		}
	})
}

// echo returns a lookup answering each ref, in order, with its own token.
func echo(t *testing.T, text string, refs []templates.Ref) func(string) (string, bool) {
	i := 0
	return func(key string) (string, bool) {
		if i >= len(refs) || refs[i].Key != key {
			t.Fatalf("%q: lookup %d of %q, refs %+v", text, i, key, refs)
		}
		tok := text[refs[i].Start:refs[i].End]
		i++
		return tok, true
	}
}

func FuzzRender(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if got := templates.Render(text, echo(t, text, templates.Refs(text))); got != text {
			t.Fatalf("Render with tokens: %q, want %q", got, text)
		}
		if got := templates.RenderTask(text, echo(t, text, templates.TaskRefs(text))); got != text {
			t.Fatalf("RenderTask with tokens: %q, want %q", got, text)
		}
		none := func(string) (string, bool) { return "", false }
		if !strings.Contains(text, "{{") {
			if got := templates.Render(text, none); got != text {
				t.Fatalf("Render(%q) = %q, want it unchanged", text, got)
			}
		}
		if !strings.Contains(text, "{{") && !strings.Contains(text, "#") {
			if got := templates.RenderTask(text, none); got != text {
				t.Fatalf("RenderTask(%q) = %q, want it unchanged", text, got)
			}
		}
		// Blanking every field removes exactly the tokens.
		removed := 0
		for _, r := range templates.TaskRefs(text) {
			removed += r.End - r.Start
		}
		if got := templates.RenderTask(text, none); len(got) != len(text)-removed {
			t.Fatalf("RenderTask(%q) blank = %q: %d bytes, want %d", text, got, len(got), len(text)-removed)
		}
	})
}
