package customer_test

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/store/heatmeter"
	"tend/internal/tendtest"
	"tend/internal/workspace"
)

// Two containers creating customers at once into one workspace give every
// customer its own code, and take the codes a block at a time: a few
// writes of the counter, not one per customer.
func TestCodesUniqueAcrossContainers(t *testing.T) {
	w := tendtest.MustOpen(t, tendtest.Options{})
	m := heatmeter.New(w.DB)
	containers := []*customer.Service{customer.New(m, w.Clock, nil), customer.New(m, w.Clock, nil)}
	o := w.Org()
	const each = 3*workspace.CodeBlock/2 + 1 // each container takes two blocks
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
	if counter.Write != 4 {
		t.Errorf("the counter was written %v times for %d customers, want 4 (two blocks per container)", counter.Write, 2*each)
	}
}
