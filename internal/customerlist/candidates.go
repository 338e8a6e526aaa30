package customerlist

import (
	"context"
	"encoding/json"

	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/rules"
	"tend/internal/store"
	"tend/internal/workspace"
)

// sourcesFor returns the index streams that hold every customer a list
// may answer: those of the caller's scope, or, when the filter names the
// owners or the warehouses every match must have, those owners' or
// warehouses' keys if they are fewer streams. The filter and the scope are
// still checked on every customer read (keep), so a narrower source only
// spares reading customers that could not match.
func (s *Service) sourcesFor(tenant string, sc workspace.Scope, filter *rules.Set) []*source {
	out := s.scopeSources(tenant, sc)
	if owners, ok := filter.OneOf(domain.FieldOwner); ok {
		var byOwner []*source
		for _, u := range owners {
			byOwner = append(byOwner, indexSources(store.GSI2, customer.OwnerPKs(tenant, u))...)
		}
		if len(byOwner) <= len(out) {
			out = byOwner
		}
	}
	if warehouses, ok := filter.OneOf(domain.FieldWarehouse); ok {
		var byWarehouse []*source
		for _, w := range warehouses {
			byWarehouse = append(byWarehouse, indexSources(store.GSI3, customer.WarehousePKs(tenant, w))...)
		}
		if len(byWarehouse) <= len(out) {
			out = byWarehouse
		}
	}
	return out
}

// scopeSources are the index streams holding every customer in scope.
func (s *Service) scopeSources(tenant string, sc workspace.Scope) []*source {
	if sc.All() {
		return indexSources(store.GSI1, customer.AllPKs(tenant))
	}
	var out []*source
	for _, u := range sc.Owners() {
		out = append(out, indexSources(store.GSI2, customer.OwnerPKs(tenant, u))...)
	}
	for _, w := range sc.Warehouses() {
		out = append(out, indexSources(store.GSI3, customer.WarehousePKs(tenant, w))...)
	}
	return append(out, shareSource(customer.SharePK(tenant, sc.Self())))
}

// resolve turns a source item into a customer (share items point to one).
func (s *Service) resolve(ctx context.Context, tenant string, src *source, it store.Item) (*domain.Customer, error) {
	if !src.refs {
		return decode(it)
	}
	var ref struct {
		CustomerID string `json:"customer_id"`
	}
	if err := json.Unmarshal(it.Doc, &ref); err != nil {
		return nil, err
	}
	r, err := s.customers.CustomerImage(ctx, tenant, ref.CustomerID)
	if domain.CodeOf(err) == "not_found" {
		return nil, nil
	}
	return r, err
}
