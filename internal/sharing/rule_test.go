package sharing_test

import (
	"errors"
	"testing"
	"time"

	"tend/internal/domain"
	"tend/internal/sharing"
)

func TestParseEvery(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"15m", 15 * time.Minute, true},
		{"1h", time.Hour, true},
		{" 1h30m ", 90 * time.Minute, true},
		{"5m", 5 * time.Minute, true},
		{"24h", 24 * time.Hour, true},
		{"300s", 5 * time.Minute, true},
		{"4m59s", 0, false},
		{"24h1s", 0, false},
		{"-15m", 0, false},
		{"15", 0, false},
		{"15 phút", 0, false},
		{"", 0, false},
	} {
		got, ok := sharing.ParseEvery(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ParseEvery(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestParseInput(t *testing.T) {
	for _, tc := range []struct {
		body, path, code string
	}{
		{`{"name":"Chia sẻ","campaign_id":"cmp_1","user_ids":["usr_1"],"every":"15m","enabled":true}`, "", ""},
		{`{"name":1}`, "name", "expected_text"},
		{`{"user_ids":"usr_1"}`, "user_ids", "expected_list"},
		{`{"every":15}`, "every", "expected_text"},
		{`{"enabled":"yes"}`, "enabled", "expected_boolean"},
		{`{"next_run_at":"2026-01-01T00:00:00Z"}`, "next_run_at", "read_only"},
		{`{"colour":"red"}`, "colour", "unknown_json_field"},
	} {
		_, err := sharing.ParseInput([]byte(tc.body))
		if tc.code == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.body, err)
			}
			continue
		}
		var de *domain.Error
		if !errors.As(err, &de) || len(de.Fields) != 1 || de.Fields[0].Path != tc.path || de.Fields[0].Code != tc.code {
			t.Errorf("%s: got %v, want %s at %s", tc.body, err, tc.code, tc.path)
		}
	}
}

// FuzzParseInput: no body makes the parser panic; what it refuses, it
// refuses as a user error naming where.
func FuzzParseInput(f *testing.F) {
	for _, seed := range []string{
		`{"name":"Chia sẻ KH chiến dịch","assigned_to":"usr_1","type":"multi_assigned_account","campaign_id":"cmp_1","user_ids":["usr_2","usr_3"],"every":"15m","enabled":true}`,
		`{"every":"1h30m","version":3}`, `{"user_ids":[1]}`, `{"user_ids":null}`, `{"every":null}`,
		`{"id":"x"}`, `[]`, `{"colour":1}`, ``, `{`, `null`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		in, err := sharing.ParseInput(raw)
		if err == nil {
			if in == nil {
				t.Fatal("no input and no error")
			}
			if in.Every != nil {
				if d, ok := sharing.ParseEvery(*in.Every); ok && (d < sharing.MinEvery || d > sharing.MaxEvery) {
					t.Fatalf("interval %v accepted out of bounds", d)
				}
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
