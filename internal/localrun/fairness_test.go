package localrun_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"sync"
	"testing"
	"time"

	"tend/internal/localqueue"
)

// One workspace's burst does not make another wait behind it: workspace A
// posts 10,000 signed leads, then workspace B posts 10; stepping through
// the background work (the stream, then one message of each queue per
// step), B's 10 customers all have an owner before half of A's do.
//
// It holds whether a signed lead is made a customer by the webhook or
// queued for the intake consumer: it counts owned customers through the
// API, not the webhook's answers.
func TestBusyWorkspaceDoesNotDelayAnother(t *testing.T) {
	const burst, few = 10000, 10
	s := start(t, false)
	s.setClock(time.Date(2026, 5, 1, 2, 0, 0, 0, time.UTC))
	a, b := newFunnelOn(t, s), newFunnelOn(t, s)
	for _, f := range []*funnel{a, b} {
		var staff []map[string]any
		for _, st := range f.staff {
			staff = append(staff, map[string]any{"user_id": st.userID, "weight": 1})
		}
		f.rule(map[string]any{"name": "Chia lead", "type": "weighted", "delay": "0s", "staff": staff})
	}

	postLeads(t, a, burst)
	postLeads(t, b, few)

	for step := 0; ; step++ {
		if step > 2*burst {
			t.Fatalf("B's leads not all owned after %d steps", step)
		}
		did, err := s.app.Step(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if did == 0 {
			t.Fatalf("the work ran out after %d steps with B's leads not all owned", step)
		}
		if ownedB, total := owned(b.admin); total == few && ownedB == few {
			ownedA, totalA := owned(a.admin)
			t.Logf("B's %d leads owned after %d steps; then %d of A's %d customers were owned", few, step+1, ownedA, totalA)
			if ownedA >= burst/2 {
				t.Fatalf("when B's last lead got an owner, %d of A's %d leads had one: B waited behind A", ownedA, burst)
			}
			return
		}
	}
}

// postLeads posts n signed leads to the funnel's source, 16 at a time.
func postLeads(t *testing.T, f *funnel, n int) {
	t.Helper()
	work := make(chan int, n)
	for i := range n {
		work <- i
	}
	close(work)
	var wg sync.WaitGroup
	var failures sync.Map
	for range 16 {
		wg.Go(func() {
			for i := range work {
				r := f.post("/hooks/leads/"+f.source, map[string]any{"full_name": fmt.Sprintf("Lead %05d", i),
					"contact": map[string]any{"phone": fmt.Sprintf("0913%06d", i)}}, "")
				if r.Status != 202 {
					failures.Store(i, fmt.Sprintf("%d %s", r.Status, r.Body))
				}
			}
		})
	}
	wg.Wait()
	failures.Range(func(k, v any) bool {
		t.Fatalf("lead %v: %v", k, v)
		return false
	})
}

// owned counts the workspace's customers that have an owner, and all its
// customers, as its admin lists them.
func owned(admin *client) (owned, total int) {
	cursor := ""
	for {
		q := "?limit=500"
		if cursor != "" {
			q += "&cursor=" + url.QueryEscape(cursor)
		}
		page := admin.list(q)
		for _, c := range page.Items {
			total++
			if c.OwnerID != "" {
				owned++
			}
		}
		if page.NextCursor == "" {
			return owned, total
		}
		cursor = page.NextCursor
	}
}

// Every message a workspace's work queues is in that workspace's group,
// whoever sends it: the API for its caller (a campaign send), a webhook
// once its source is found (a form's lead), the stream, and each queue's
// consumer for what its handling sends. Checked on every queue at every
// step of the background work, for two workspaces side by side.
func TestQueuedMessagesAreInTheirWorkspacesGroup(t *testing.T) {
	s := start(t, false)
	runs := []*campaignRun{newCampaignRunOn(t, s), newCampaignRunOn(t, s)}
	for i, r := range runs {
		tpl := r.admin.create("/v1/templates/email", map[string]any{"name": "Mời hội thảo", "subject": "Thư mời", "body": "Chào {{name}}."})
		cu := r.admin.createCustomer(map[string]any{"name": "Chị Mai", "email": fmt.Sprintf("mai%d@khach.vn", i)})
		r.admin.do("POST", "/v1/campaigns/"+r.id+"/members", map[string]any{"customer_id": cu.ID, "status": "registered"}).ok(201)
		r.admin.do("POST", "/v1/campaigns/"+r.id+"/send", map[string]any{"channel": "email", "template_id": tpl, "statuses": []string{"registered"}}).ok(202)
		var src struct {
			FormPath string `json:"form_path"`
		}
		r.admin.do("POST", "/v1/lead-sources", map[string]any{"name": "Trang đăng kí", "kind": "form_url", "campaign_id": r.id}).ok(201).into(&src)
		s.anon().with("Content-Type", "application/x-www-form-urlencoded").do("POST", src.FormPath, "ho_ten=L%C3%AA+Th%E1%BB%8B+Hoa&so_dien_thoai=0903123456").ok(202)
	}
	tenants := map[string]bool{runs[0].tenant: true, runs[1].tenant: true}
	queues := map[string]*localqueue.Queue{"jobs": s.app.Jobs, "intake": s.app.IntakeQueue, "distribution": s.app.DistQueue,
		"notifications": s.app.NotifyQueue}
	// seen counts the messages each queue held in each workspace's group.
	seen := map[string]map[string]int{}
	check := func(step int) {
		t.Helper()
		for name, q := range queues {
			byGroup, err := q.WaitingByGroup(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			for group, bodies := range byGroup {
				for _, body := range bodies {
					var named struct {
						Tenant *string `json:"tenant"`
					}
					_ = json.Unmarshal(body, &named)
					// A message names its workspace, or (the intake's)
					// names a source of one.
					if (named.Tenant != nil && *named.Tenant != group) || (named.Tenant == nil && !tenants[group]) {
						t.Fatalf("step %d: %s queue holds %s in group %q", step, name, body, group)
					}
					if seen[name] == nil {
						seen[name] = map[string]int{}
					}
					seen[name][group]++
				}
			}
		}
	}
	for step := 0; ; step++ {
		check(step)
		did, err := s.app.Step(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if did == 0 {
			break
		}
	}
	// (A step hands a notification to the notifier as soon as the job
	// queues it: none is seen waiting.)
	for _, name := range []string{"jobs", "intake"} {
		for tenant := range tenants {
			if seen[name][tenant] == 0 {
				t.Errorf("the %s queue never held a message of %s (held: %v)", name, tenant, seen[name])
			}
		}
	}
}
