package automation_test

import (
	"errors"
	"testing"
	"time"

	"tend/internal/automation"
	"tend/internal/domain"
	"tend/internal/tendtest"
	"tend/internal/workspace"
)

var now = time.Date(2026, 6, 15, 2, 0, 0, 0, time.UTC)

// admin returns an admin of a workspace with a select field, a number
// field and a pipeline, over a fresh SQLite store.
func admin(tb testing.TB) (*automation.Service, *workspace.Caller, *domain.Pipeline) {
	tb.Helper()
	w := tendtest.MustOpen(tb, tendtest.Options{Name: "Rules", Clock: tendtest.NewClock(now)})
	w.Field("customer_type", "Loại", domain.TypeSelect, "Thường", "VIP")
	pl := w.Pipeline("Bán hàng", "Mới", "Chốt")
	return automation.New(automation.Deps{Store: w.DB, Clock: w.Clock, Orgs: w.Workspaces, Customers: w.Customers}), w.Admin(), pl
}

func TestSaveRuleRefusesWhatDoesNotFit(t *testing.T) {
	svc, c, pl := admin(t)
	tests := []struct {
		name, body, path, code string
	}{
		{"bad operator value", `{"name":"x","trigger":{"type":"created"},"conditions":[[{"field":"revenue","op":"gt","value":1}],[{"field":"revenue","op":"gt","value":"lots"}]],"actions":[{"type":"unpin"}]}`, "conditions[1][0].value", "expected_number"},
		{"unknown field in a condition", `{"name":"x","trigger":{"type":"created"},"conditions":[[{"field":"shoe","op":"eq","value":1}]],"actions":[{"type":"unpin"}]}`, "conditions[0][0].field", "unknown_field"},
		{"daily without a time", `{"name":"x","trigger":{"type":"daily"},"actions":[{"type":"unpin"}]}`, "trigger.at", "invalid_clock"},
		{"time on an event rule", `{"name":"x","trigger":{"type":"created","at":"08:00"},"actions":[{"type":"unpin"}]}`, "trigger.at", "only_for_daily"},
		{"unknown trigger", `{"name":"x","trigger":{"type":"weekly"},"actions":[{"type":"unpin"}]}`, "trigger.type", "invalid_trigger"},
		{"no actions", `{"name":"x","trigger":{"type":"created"},"actions":[]}`, "actions", "required"},
		{"value not an option", `{"name":"x","trigger":{"type":"created"},"actions":[{"type":"unpin"},{"type":"set_field","field":"customer_type","value":"Gold"}]}`, "actions[1].value", "not_an_option"},
		{"read-only field", `{"name":"x","trigger":{"type":"created"},"actions":[{"type":"set_field","field":"revenue","value":1}]}`, "actions[0].field", "read_only"},
		{"unknown step", `{"name":"x","trigger":{"type":"created"},"actions":[{"type":"set_step","pipeline_id":"` + pl.ID + `","step_id":"st_x"}]}`, "actions[0].step_id", "unknown_step"},
		{"pin too long", `{"name":"x","trigger":{"type":"created"},"actions":[{"type":"pin","days":400}]}`, "actions[0].days", "out_of_range"},
		{"care-flow action before care flows", `{"name":"x","trigger":{"type":"created"},"actions":[{"type":"send_email"}]}`, "actions[0].type", "action_not_available"},
		{"unknown property of an action", `{"name":"x","trigger":{"type":"created"},"actions":[{"type":"pin","colour":"red"}]}`, "actions[0].colour", "unknown_json_field"},
		{"unknown property", `{"name":"x","trigger":{"type":"created"},"actions":[{"type":"unpin"}],"when":1}`, "when", "unknown_json_field"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in, err := automation.ParseRule([]byte(tc.body))
			if err == nil {
				_, err = svc.Create(t.Context(), c, in)
			}
			var de *domain.Error
			if !errors.As(err, &de) || !errors.Is(err, domain.ErrInvalid) {
				t.Fatalf("err = %v, want a validation error", err)
			}
			for _, f := range de.Fields {
				if f.Path == tc.path && f.Code == tc.code {
					return
				}
			}
			t.Fatalf("errors %+v, want %s at %s", de.Fields, tc.code, tc.path)
		})
	}
	in, _ := automation.ParseRule([]byte(`{"name":"VIP","trigger":{"type":"created_or_updated"},"conditions":[[{"field":"revenue","op":"gt","value":3000000}]],"actions":[{"type":"set_field","field":"customer_type","value":"VIP"}]}`))
	r, err := svc.Create(t.Context(), c, in)
	if err != nil || !r.Enabled || r.Version != 1 {
		t.Fatalf("Create = %+v, %v", r, err)
	}
}

// FuzzParseRule: no body makes the rule parser or its checks panic, and
// every refusal names its path.
func FuzzParseRule(f *testing.F) {
	for _, seed := range []string{
		`{"name":"VIP","trigger":{"type":"created_or_updated"},"conditions":[[{"field":"revenue","op":"gt","value":3000000}]],"actions":[{"type":"set_field","field":"customer_type","value":"VIP"}]}`,
		`{"name":"Chăm sóc lại","trigger":{"type":"daily","at":"08:00"},"conditions":[[{"field":"last_care_at","op":"older_than_days","value":30}]],"actions":[{"type":"pin","days":2},{"type":"unpin"}]}`,
		`{"actions":[{"type":"add_to_pipeline","pipeline_id":"x"}]}`, `{"conditions":{}}`, `[]`, `{"name":1}`, `{"enabled":"yes"}`,
	} {
		f.Add([]byte(seed))
	}
	svc, c, _ := admin(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		in, err := automation.ParseRule(raw)
		if err == nil {
			_, err = svc.Preview(t.Context(), c, in)
		}
		if err == nil {
			return
		}
		var de *domain.Error
		if !errors.As(err, &de) {
			t.Fatalf("not a user error: %v", err)
		}
		if errors.Is(err, domain.ErrInvalid) {
			if len(de.Fields) == 0 {
				t.Fatalf("validation error without a path: %v", err)
			}
			for _, fe := range de.Fields {
				if fe.Path == "" || fe.Code == "" {
					t.Fatalf("field error without path or code: %+v (%s)", fe, raw)
				}
			}
		}
	})
}
