package campaign_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"tend/internal/campaign"
	"tend/internal/customer"
	"tend/internal/customerlist"
	"tend/internal/domain"
	"tend/internal/tendtest"
	"tend/internal/workspace"
)

type fixture struct {
	t   *testing.T
	w   *tendtest.World
	svc *campaign.Service
}

func newFixture(t *testing.T) *fixture {
	w := tendtest.MustOpen(t, tendtest.Options{Name: "Chiến dịch"})
	return &fixture{t: t, w: w, svc: campaign.New(w.DB, w.Clock, nil, w.Customers, customerlist.New(w.DB, w.Clock, w.Customers))}
}

func ptr[T any](v T) *T { return &v }

func (f *fixture) customers(n int) []string {
	f.t.Helper()
	ids := make([]string, n)
	for i := range ids {
		in, err := customer.ParseInput(fmt.Appendf(nil, `{"name":"Khách %d","phone":"09%08d"}`, i, i))
		if err != nil {
			f.t.Fatal(err)
		}
		cu, err := f.w.Customers.CreateCustomer(f.t.Context(), f.w.Admin(), in)
		if err != nil {
			f.t.Fatal(err)
		}
		ids[i] = cu.ID
	}
	return ids
}

func (f *fixture) campaign(c *workspace.Caller) *campaign.WithSecret {
	f.t.Helper()
	camp, err := f.svc.Create(f.t.Context(), c, campaign.Input{Name: ptr("Hội thảo"), Cost: ptr(int64(1_000_000)), Revenue: ptr(int64(2_500_000))})
	if err != nil {
		f.t.Fatal(err)
	}
	return camp
}

// recount counts the members per cumulative total by reading every member.
func (f *fixture) recount(id string) campaign.Totals {
	f.t.Helper()
	n := map[string]int64{}
	err := f.svc.EachMember(f.t.Context(), f.w.Admin().Tenant(), id, campaign.MemberFilter{}, func(m *campaign.Member) error {
		n[m.Status]++
		return nil
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return campaign.Totals{Registered: n["registered"] + n["confirmed"] + n["joined"] + n["cancelled"],
		Confirmed: n["confirmed"] + n["joined"], Joined: n["joined"], Cancelled: n["cancelled"]}
}

// 1,000 concurrent status changes over 50 members, each a random target
// (some refused as the seed forbids, many racing on one member), leave the
// counters equal to a recount of the members.
func TestConcurrentChangesKeepCounters(t *testing.T) {
	f := newFixture(t)
	admin := f.w.Admin()
	camp := f.campaign(admin)
	ids := f.customers(50)
	res, err := f.svc.AddMembers(t.Context(), admin, camp.ID, campaign.AddInput{CustomerIDs: ids})
	if err != nil || len(res.Added) != 50 {
		t.Fatalf("add: %v %+v", err, res)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	moved, refused := 0, 0
	for i := range 1000 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			to := campaign.Statuses[rand.IntN(3)+1]
			_, err := f.svc.UpdateMember(t.Context(), admin, camp.ID, ids[i%len(ids)], campaign.MemberInput{Status: &to})
			mu.Lock()
			defer mu.Unlock()
			var de *domain.Error
			switch {
			case err == nil:
				moved++
			case errors.As(err, &de) && de.Code == "invalid_transition":
				refused++
			default:
				t.Errorf("change: %v", err)
			}
		}()
	}
	wg.Wait()
	got, err := f.svc.Campaign(t.Context(), admin.Tenant(), camp.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := f.recount(camp.ID); got.Totals != want || want.Registered != 50 {
		t.Fatalf("counters %+v, recount %+v", got.Totals, want)
	}
	if moved == 0 || refused == 0 {
		t.Fatalf("moved %d, refused %d: the run should exercise both", moved, refused)
	}
}

// Transitions are exactly the seed's; anything else is refused naming both
// statuses, and changes nothing.
func TestTransitions(t *testing.T) {
	allowed := map[[2]string]bool{
		{"registered", "confirmed"}: true, {"registered", "joined"}: true, {"registered", "cancelled"}: true,
		{"confirmed", "joined"}: true, {"confirmed", "cancelled"}: true, {"joined", "cancelled"}: true,
	}
	for _, from := range campaign.Statuses {
		for _, to := range campaign.Statuses {
			if from == to {
				continue
			}
			t.Run(from+"->"+to, func(t *testing.T) {
				f := newFixture(t)
				admin := f.w.Admin()
				camp := f.campaign(admin)
				id := f.customers(1)[0]
				if _, err := f.svc.AddMembers(t.Context(), admin, camp.ID, campaign.AddInput{CustomerID: &id, Status: &from}); err != nil {
					t.Fatal(err)
				}
				m, err := f.svc.UpdateMember(t.Context(), admin, camp.ID, id, campaign.MemberInput{Status: ptr(to)})
				if allowed[[2]string{from, to}] {
					if err != nil || m.Status != to || (to == "joined" || from == "joined") != (m.JoinedAt != nil) {
						t.Fatalf("allowed move: %v %+v", err, m)
					}
					return
				}
				var de *domain.Error
				if !errors.As(err, &de) || de.Code != "invalid_transition" || de.Params["from"] != from || de.Params["to"] != to {
					t.Fatalf("want invalid_transition from %s to %s, got %v", from, to, err)
				}
				if got := f.recount(camp.ID); got != f.totals(camp.ID) {
					t.Fatalf("counters moved on a refused change")
				}
			})
		}
	}
}

func (f *fixture) totals(id string) campaign.Totals {
	c, err := f.svc.Campaign(f.t.Context(), f.w.Admin().Tenant(), id)
	if err != nil {
		f.t.Fatal(err)
	}
	return c.Totals
}

// SetCareStatus flips a care status only from the expected one, once.
func TestSetCareStatus(t *testing.T) {
	f := newFixture(t)
	admin := f.w.Admin()
	camp := f.campaign(admin)
	id := f.customers(1)[0]
	if _, err := f.svc.AddMembers(t.Context(), admin, camp.ID, campaign.AddInput{CustomerID: &id, CareStatus: ptr(campaign.CareMultiAssigned)}); err != nil {
		t.Fatal(err)
	}
	actor := domain.Actor{Kind: domain.ActorSystem, ID: "rule_1", Name: "Chia sẻ"}
	for i, want := range []bool{true, false} {
		ok, err := f.svc.SetCareStatus(t.Context(), admin.Org, camp.ID, id, campaign.CareMultiAssigned, campaign.CareMultiAssignedDone, actor)
		if err != nil || ok != want {
			t.Fatalf("run %d: %v %v", i, ok, err)
		}
	}
	var got []string
	err := f.svc.EachMember(t.Context(), admin.Tenant(), camp.ID, campaign.MemberFilter{CareStatus: campaign.CareMultiAssignedDone}, func(m *campaign.Member) error {
		got = append(got, m.CustomerID)
		return nil
	})
	if err != nil || len(got) != 1 || got[0] != id {
		t.Fatalf("members done: %v %v", got, err)
	}
}
