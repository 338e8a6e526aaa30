package orders

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/store"
)

// actor is the author of revenue updates in a customer's history.
var actor = domain.Actor{Kind: domain.ActorSystem, ID: "orders", Name: "Đơn hàng"}

// tenantOf reads the tenant of an order item.
func tenantOf(it *store.Item) (string, string, error) {
	var o struct {
		Tenant     string `json:"tenant_id"`
		CustomerID string `json:"customer_id"`
	}
	if err := json.Unmarshal(it.Doc, &o); err != nil {
		return "", "", fmt.Errorf("orders: decode %s: %w", it.Key, err)
	}
	return o.Tenant, o.CustomerID, nil
}

// HandleChange keeps revenue and last order time of the customers an order
// change concerns (its customer before and after). It recomputes from the
// customer's order summaries, so a change handled twice changes nothing.
func (s *Service) HandleChange(ctx context.Context, old, new *store.Item) error {
	seen := map[string]bool{}
	for _, it := range []*store.Item{old, new} {
		if it == nil || it.Type != ItemType {
			continue
		}
		tenant, customer, err := tenantOf(it)
		if err != nil {
			return err
		}
		if customer == "" || seen[tenant+"/"+customer] {
			continue
		}
		seen[tenant+"/"+customer] = true
		if err := s.Recompute(ctx, tenant, customer); err != nil {
			return err
		}
	}
	return nil
}

// Recompute sets a customer's revenue (the sum of completed orders) and
// last_order_at (the latest completed order) from its order summaries.
func (s *Service) Recompute(ctx context.Context, tenant, customerID string) error {
	var revenue int64
	var last *time.Time
	q := store.Query{PK: customer.Partition(tenant, customerID), SK: store.SKBeginsWith, A: "ORDER#", Limit: 1000}
	for it, err := range store.Items(ctx, s.st, q) {
		if err != nil {
			return fmt.Errorf("orders: read summaries: %w", err)
		}
		var sum summary
		if err := json.Unmarshal(it.Doc, &sum); err != nil {
			return fmt.Errorf("orders: decode %s: %w", it.Key, err)
		}
		if sum.Status != StatusCompleted {
			continue
		}
		revenue += sum.Amount
		if at := sum.OrderedAt.UTC(); last == nil || at.After(*last) {
			last = &at
		}
	}
	o, err := s.orgs.LoadOrg(ctx, tenant)
	if err != nil {
		return err
	}
	_, err = s.customers.EditAs(ctx, o, customerID, nil, []customer.Edit{{Actor: actor, Action: "revenue_updated",
		Apply: func(c *domain.Customer) error {
			c.Revenue, c.LastOrderAt = revenue, last
			return nil
		}}}, nil)
	if errors.Is(err, domain.ErrNotFound) {
		return nil // the customer is gone or in the trash
	}
	return err
}
