package customerlist

import (
	"slices"
	"strings"

	"tend/internal/custindex"
	"tend/internal/domain"
	"tend/internal/store"
)

// sortValue is what a customer is sorted by for field, "" for none: the
// sort index's own value for its fields (custindex.Entries), so that a
// list sorted in memory orders exactly as one read from the index.
func sortValue(c *domain.Customer, field string) string {
	if field == "created_at" {
		return store.SortTime(c.CreatedAt)
	}
	live := *c
	live.DeletedAt = nil // the trash sorts as the customers were
	for _, e := range custindex.Entries(&live) {
		if e.Kind == field {
			return e.Value
		}
	}
	return ""
}

// sort orders customers as the list does: by the field's value, those
// without one last in both directions, ties by id in the list's direction.
func (p *listPlan) sort(all []*domain.Customer) {
	type keyed struct {
		c     *domain.Customer
		value string
	}
	ks := make([]keyed, len(all))
	for i, c := range all {
		ks[i] = keyed{c, sortValue(c, p.field)}
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		if (a.value == "") != (b.value == "") {
			if a.value == "" {
				return 1
			}
			return -1
		}
		c := strings.Compare(a.value, b.value)
		if c == 0 {
			c = strings.Compare(a.c.ID, b.c.ID)
		}
		if !p.ascending {
			c = -c
		}
		return c
	})
	for i := range ks {
		all[i] = ks[i].c
	}
}
