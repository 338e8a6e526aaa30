package benchlists

import (
	"tend/internal/domain"
	"tend/internal/store"
)

// indexItems are a customer's search and sort index items.
func indexItems(tenant string, c *domain.Customer) []store.Item {
	return nil
}
