package awspath_test

import (
	"slices"
	"testing"
	"time"

	"tend/internal/campaign"
	"tend/internal/customer"
	"tend/internal/domain"
)

// A share rule on AWS (moto), as deployed: made through the api
// function, run by the scheduler function's tick and the jobs function.
// Each member marked "Account Multi Assigned" is shared with the rule's
// user and marked done; the next run shares nothing more.
func TestShareRuleOnTheAWSPath(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 10, 0, 0, 0, hanoi)
	s := deploy(t, t0, nil)
	spa := openSpa(t, s)
	ctx := t.Context()
	svc := spa.svc
	camp, err := svc.Campaigns.Create(ctx, spa.admin, campaign.Input{Name: ptr("Khách hàng thân thiết")})
	must(t, err)
	var members []string
	for _, name := range []string{"Chị Ngọc", "Anh Khoa"} {
		in, err := customer.ParseInput([]byte(`{"name":"` + name + `"}`))
		must(t, err)
		cu, err := svc.Customers.CreateCustomer(ctx, spa.admin, in)
		must(t, err)
		_, err = svc.Campaigns.AddMembers(ctx, spa.admin, camp.ID, campaign.AddInput{CustomerID: &cu.ID, CareStatus: ptr("multi_assigned")})
		must(t, err)
		members = append(members, cu.ID)
	}

	var rule struct {
		ID        string     `json:"id"`
		NextRunAt *time.Time `json:"next_run_at"`
	}
	body := `{"name":"Chia sẻ khách thân thiết","campaign_id":"` + camp.ID + `","user_ids":["` + spa.staff.ID + `"],"every":"15m"}`
	if code := s.apiCall("POST", "/v1/share-rules", body, &rule); code != 201 || rule.NextRunAt == nil {
		t.Fatalf("POST /v1/share-rules answered %d %+v", code, rule)
	}
	for run := range 2 {
		s.clock.Set(t0.Add(time.Duration(run+1) * 16 * time.Minute))
		s.tick()
		s.settle()
		for _, id := range members {
			cu, err := svc.Customers.GetCustomer(ctx, spa.admin, id)
			must(t, err)
			if !slices.Equal(cu.SharedWith, []string{spa.staff.ID}) {
				t.Fatalf("run %d: %s shared with %v, want the rule's user", run+1, cu.Name, cu.SharedWith)
			}
			shared := 0
			hist, err := svc.Timeline.History(ctx, spa.admin, id, 100, "")
			must(t, err)
			for _, e := range hist.Items {
				if e.Action == "shared" && e.Actor.Kind == domain.ActorShareRule && e.Actor.ID == rule.ID {
					shared++
				}
			}
			if shared != 1 {
				t.Fatalf("run %d: %s has %d shares by the rule in its history, want 1", run+1, cu.Name, shared)
			}
		}
		page, err := svc.Campaigns.Members(ctx, spa.admin, camp.ID, "", 100, "")
		must(t, err)
		for _, m := range page.Items {
			if m.CareStatus != "multi_assigned_done" {
				t.Fatalf("run %d: %s has care status %q, want multi_assigned_done", run+1, m.Name, m.CareStatus)
			}
		}
	}
}
