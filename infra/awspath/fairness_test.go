package awspath_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// Every message a workspace's work queues on AWS carries the workspace as
// its MessageGroupId, which makes the shared standard queues fair between
// workspaces: the distribution the stream function queues for a lead the
// hooks function took, the care-flow job the tick starts, and the email
// that job queues for the notifier. Work that spans workspaces (the
// backfill's jobs) is in no group.
func TestQueuedMessagesCarryTheirWorkspace(t *testing.T) {
	// Monday 23 November 2026, 07:00 in Hanoi.
	s := deploy(t, time.Date(2026, 11, 23, 7, 0, 0, 0, hanoi), nil)
	spa := openSpa(t, s)
	tenant := spa.admin.Tenant()

	body := `{"full_name":"Trần Văn Bảo","contact":{"phone":"0987 123 456"},"email":"bao.tran@example.vn","birthday":"1990-11-23"}`
	var reply events.APIGatewayV2HTTPResponse
	s.invoke("HooksFunction", spa.signedLead(t, body, s.clock.Now()), &reply)
	if reply.StatusCode != 202 {
		t.Fatalf("webhook: %d %s, want 202", reply.StatusCode, reply.Body)
	}
	s.settle()
	// 09:00: the birthday flow is due.
	s.clock.Set(time.Date(2026, 11, 23, 9, 0, 0, 0, hanoi))
	if got := s.tick(); got["runs_started"] != 1 {
		t.Fatalf("tick: %v, want 1 run started", got)
	}
	s.settle()

	inGroup := map[string]int{}
	for _, m := range s.handed {
		// A message naming a workspace is in its group; the backfill's
		// jobs, which span workspaces, name none and are in none.
		want := tenant
		var named struct {
			Tenant *string `json:"tenant"`
		}
		if json.Unmarshal([]byte(m.body), &named) == nil && named.Tenant != nil {
			want = *named.Tenant
		}
		if m.group != want {
			t.Errorf("%s got %s in group %q, want %q", m.function, m.body, m.group, want)
		}
		if m.group == tenant {
			inGroup[m.function]++
		}
	}
	for _, fn := range []string{"DistributorFunction", "JobsFunction", "NotifierFunction"} {
		if inGroup[fn] == 0 {
			t.Errorf("%s got no message in the workspace's group (got: %v)", fn, inGroup)
		}
	}
}
