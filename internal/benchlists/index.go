package benchlists

import (
	"tend/internal/custindex"
	"tend/internal/domain"
	"tend/internal/store"
)

// indexItems are a customer's search and sort index items: the puts that
// custindex.Ops gives a new customer, as its create writes them.
func indexItems(tenant string, c *domain.Customer) []store.Item {
	var out []store.Item
	for _, op := range custindex.Ops(tenant, c.ID, nil, custindex.Entries(c)) {
		if op.IsPut() {
			out = append(out, op.Item)
		}
	}
	return out
}
