package careflow_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"tend/internal/careflow"
)

// A flow stored before related_users was renamed reads with its related
// users under related_user_ids, and is written back in that spelling
// only; given both spellings, a user is listed once.
func TestStoredFlowReadsTheOldSpelling(t *testing.T) {
	cases := []struct {
		name, stored string
		want         []string
	}{
		{"old spelling", `{"actions": [{"type": "create_task", "related_users": ["u1", "u2"]}]}`, []string{"u1", "u2"}},
		{"new spelling", `{"actions": [{"type": "create_task", "related_user_ids": ["u1"]}]}`, []string{"u1"}},
		{"both", `{"actions": [{"type": "create_task", "related_user_ids": ["u2"], "related_users": ["u1", "u2"]}]}`, []string{"u2", "u1"}},
	}
	for _, c := range cases {
		var f careflow.Flow
		if err := json.Unmarshal([]byte(c.stored), &f); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := f.Actions[0].RelatedUserIDs; !slices.Equal(got, c.want) || f.Actions[0].RelatedUsers != nil {
			t.Errorf("%s: related_user_ids %v, related_users %v; want %v and none", c.name, got, f.Actions[0].RelatedUsers, c.want)
		}
		b, _ := json.Marshal(f)
		if strings.Contains(string(b), `"related_users"`) {
			t.Errorf("%s: written back as %s, want no related_users", c.name, b)
		}
	}
}
