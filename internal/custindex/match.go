package custindex

import "tend/internal/domain"

// Matcher returns the test Search applies to the customers it finds, on a
// customer read some other way: lists that read a user's own customers
// (their owner, warehouse and share keys) or the trash filter by it, so
// that a query finds the same customers whichever path serves it. A query
// with nothing to look up matches no one, as Search finds no one.
func Matcher(q string) func(*domain.Customer) bool {
	terms := parseQuery(q)
	return func(c *domain.Customer) bool {
		if len(terms) == 0 {
			return false
		}
		live := *c
		live.DeletedAt = nil // the trash is searched as the customers were
		d := docOf(c.ID, Entries(&live))
		for _, t := range terms {
			if !t.matches(&d) {
				return false
			}
		}
		return true
	}
}
