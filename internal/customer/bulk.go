package customer

import (
	"tend/internal/domain"
	"tend/internal/store"
)

// Item is a live customer of workspace tenant as the store holds it, with
// its list index keys: what a bulk loader writes (a benchmark's data set),
// sparing the services' checks, claims and history.
func Item(tenant string, c domain.Customer) store.Item {
	r := &customerRecord{Customer: c, TenantID: tenant}
	return r.item()
}

// ItemKey is the store key of customer id's item (lists fetch the
// customers an index names with it).
func ItemKey(tenant, id string) store.Key { return customerKey(tenant, id) }
