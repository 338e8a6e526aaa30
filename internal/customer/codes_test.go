package customer_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/store/heatmeter"
	"tend/internal/tendtest"
)

// Two containers creating customers at once into one workspace give every
// customer its own code, and take the codes a block at a time: a few
// writes of the counter, not one per customer. The clock stands still, so
// each container's blocks grow 1, 2, 4, … 64 (127 codes), then 100.
func TestCodesUniqueAcrossContainers(t *testing.T) {
	w := tendtest.MustOpen(t, tendtest.Options{})
	m := heatmeter.New(w.DB)
	containers := []*customer.Service{customer.New(m, w.Clock, nil), customer.New(m, w.Clock, nil)}
	o := w.Org()
	const each = 151 // 127 in the growing blocks, 24 of a full one
	codes := make(chan string, 2*each)
	var wg sync.WaitGroup
	for i, svc := range containers {
		for j := range each {
			wg.Go(func() {
				in := customer.NewInput()
				name, _ := json.Marshal(fmt.Sprintf("Khách %d-%d", i, j))
				in.SetSystem(domain.FieldName, name)
				c, err := svc.CreateCustomerAs(t.Context(), o, in, domain.Actor{Kind: domain.ActorSystem}, nil)
				if err != nil {
					t.Errorf("create: %v", err)
					return
				}
				codes <- c.Code
			})
		}
	}
	wg.Wait()
	close(codes)
	seen := map[string]bool{}
	for code := range codes {
		if seen[code] {
			t.Errorf("code %s given twice", code)
		}
		seen[code] = true
	}
	if len(seen) != 2*each {
		t.Errorf("%d codes for %d customers", len(seen), 2*each)
	}
	counter := m.Charges()[heatmeter.Part{PK: "T#" + o.Workspace.ID + "#CTR"}]
	if counter.Write != 16 {
		t.Errorf("the counter was written %v times for %d customers, want 16 (eight blocks per container)", counter.Write, 2*each)
	}
}

// A workspace that makes a customer now and then gets its codes one by
// one: in order and without gaps, whichever container makes them. A
// burst ramps a container's blocks up; once the pace is slow again, its
// blocks are one number again.
func TestCodesFollowThePace(t *testing.T) {
	clock := tendtest.NewClock(tendtest.DefaultTime)
	w := tendtest.MustOpen(t, tendtest.Options{Clock: clock})
	// Two containers, as Lambda keeps warm.
	a, b := customer.New(w.DB, clock, nil), customer.New(w.DB, clock, nil)
	o := w.Org()
	var got []string
	create := func(svc *customer.Service) {
		in := customer.NewInput()
		in.SetSystem(domain.FieldName, json.RawMessage(`"Khách"`))
		c, err := svc.CreateCustomerAs(t.Context(), o, in, domain.Actor{Kind: domain.ActorSystem}, nil)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, c.Code)
	}
	for _, svc := range []*customer.Service{a, b, a, b, a} { // a customer every 2 seconds
		create(svc)
		clock.Add(2 * time.Second)
	}
	for range 7 { // a burst at one instant: blocks of 1, 2 and 4 (codes 6 to 12)
		create(a)
	}
	for _, svc := range []*customer.Service{b, a, b} { // slow again
		clock.Add(time.Minute)
		create(svc)
	}
	want := []string{"KH000001", "KH000002", "KH000003", "KH000004", "KH000005", "KH000006", "KH000007", "KH000008",
		"KH000009", "KH000010", "KH000011", "KH000012", "KH000013", "KH000014", "KH000015"}
	if !slices.Equal(got, want) {
		t.Errorf("codes %v, want %v", got, want)
	}
}
