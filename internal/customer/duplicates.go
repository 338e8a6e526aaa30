package customer

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"tend/internal/check"
	"tend/internal/domain"
	"tend/internal/store"
	"tend/internal/workspace"
)

// DuplicateOf returns the customer a write collided with, when err is the
// duplicate check's refusal.
func DuplicateOf(err error) (string, bool) {
	var de *domain.Error
	if errors.As(err, &de) && de.Code == codeDuplicate && de.Params["customer_id"] != "" {
		return de.Params["customer_id"], true
	}
	return "", false
}

// codeDuplicate is the code of the duplicate check's refusal.
const codeDuplicate = "duplicate_customer"

// criterionValue is the normalised value a customer claims for a
// criterion; "" claims nothing. Phones are already E.164 and emails lower
// case; texts compare without case, accents or extra spaces.
func criterionValue(c *domain.Customer, criterion string) string {
	switch criterion {
	case workspace.CriterionName:
		return domain.Fold(c.Name)
	case workspace.CriterionCode:
		return strings.ToUpper(c.Code)
	case workspace.CriterionEmail:
		return strings.ToLower(c.Email)
	case workspace.CriterionPhone:
		return c.Phone
	case workspace.CriterionFax:
		return c.Fax
	case workspace.CriterionTaxCode:
		return strings.ReplaceAll(c.TaxCode, "-", "")
	case workspace.CriterionOfficeAddress:
		return domain.Fold(c.OfficeAddress)
	case workspace.CriterionDescription:
		return domain.Fold(c.Description)
	case workspace.CriterionBirthday:
		return c.Birthday.String()
	}
	return ""
}

type claimDoc struct {
	CustomerID string `json:"customer_id"`
	Criterion  string `json:"criterion"`
}

func claimItem(tenant, criterion, value, customerID string) store.Item {
	return store.Item{
		Key: claimKey(tenant, criterion, value), Type: typeClaim, Version: 1,
		Index: [4]store.IndexKey{{PK: claimIndexPK(tenant, criterion, value), SK: value}},
		Doc:   store.Doc(claimDoc{CustomerID: customerID, Criterion: criterion}),
	}
}

// claimOps moves after's claims to match its values on the enabled
// criteria, starting from the claims before held; it updates after.Claims.
// A deleted customer claims nothing.
func claimOps(settings workspace.DuplicateSettings, before map[string]string, after *customerRecord) []store.TxOp {
	var ops []store.TxOp
	claims := map[string]string{}
	for _, crit := range workspace.Criteria {
		old := before[crit]
		next := ""
		if settings.Enabled(crit) && after.DeletedAt == nil {
			next = criterionValue(&after.Customer, crit)
		}
		if !settings.Enabled(crit) {
			// Claims of a disabled criterion were dropped when it was
			// disabled; forget the record of them.
			continue
		}
		if old == next {
			if next != "" {
				claims[crit] = next
			}
			continue
		}
		if old != "" {
			ops = append(ops, store.TxDelete(claimKey(after.TenantID, crit, old), store.None))
		}
		if next != "" {
			ops = append(ops, store.TxPut(claimItem(after.TenantID, crit, next, after.ID), store.NotExist))
			claims[crit] = next
		}
	}
	after.Claims = claims
	return ops
}

// duplicateError explains a claim that another customer holds: "Email đã
// tồn tại trong khách hàng A thuộc chủ sở hữu X".
func (s *Service) duplicateError(ctx context.Context, o *workspace.Org, key store.Key) error {
	claim, _, err := store.Load[claimDoc](ctx, s.store, key, "claim")
	if err != nil {
		return err
	}
	params := []string{"criterion", claim.Criterion, "customer_id", claim.CustomerID}
	if holder, err := s.loadCustomer(ctx, o.Workspace.ID, claim.CustomerID); err == nil {
		params = append(params, "name", holder.Name, "owner", o.UserName(holder.OwnerID))
	}
	e := domain.Errorf(domain.ErrConflict, codeDuplicate, params...)
	e.Fields = []domain.FieldError{{Path: claim.Criterion, Code: codeDuplicate, Params: e.Params}}
	return e
}

// DuplicateResult is the answer to a change of criteria: the settings and,
// for each newly enabled criterion, how many existing customers already
// collide (they are left as they are).
type DuplicateResult struct {
	workspace.DuplicateSettings
	ExistingDuplicates map[string]int `json:"existing_duplicates"`
}

// UpdateDuplicateSettings changes the criteria (admins only). Newly enabled
// criteria are claimed for existing customers, oldest first; disabled ones
// are released; both visit every customer, which suits workspaces of up to
// a few hundred thousand customers in one request.
func (s *Service) UpdateDuplicateSettings(ctx context.Context, c *workspace.Caller, criteria []string, version *int64) (*DuplicateResult, error) {
	if err := c.RequireAdmin(); err != nil {
		return nil, err
	}
	old := c.Org.Duplicates
	if err := domain.CheckVersion(version, old.Version, "settings"); err != nil {
		return nil, err
	}
	var p domain.Problems
	criteria = check.Dedupe(criteria)
	for i, crit := range criteria {
		if !slices.Contains(workspace.Criteria, crit) {
			p.Add(check.Index("criteria", i), "unknown_criterion", "value", crit)
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	next := workspace.DuplicateSettings{Criteria: criteria, UpdatedAt: s.now(), Version: old.Version + 1}
	if err := workspace.SaveSetup(ctx, s.store, workspace.DuplicatesKey(c.Tenant()), workspace.TypeSetting, "settings", next, next.Version, old.Version); err != nil {
		return nil, err
	}
	c.Org.Duplicates = next
	res := &DuplicateResult{DuplicateSettings: next, ExistingDuplicates: map[string]int{}}
	for _, crit := range workspace.Criteria {
		was, is := old.Enabled(crit), next.Enabled(crit)
		switch {
		case is && !was:
			n, err := s.backfillClaims(ctx, c.Org, crit)
			if err != nil {
				return nil, err
			}
			res.ExistingDuplicates[crit] = n
		case was && !is:
			if err := s.releaseClaims(ctx, c.Tenant(), crit); err != nil {
				return nil, err
			}
		}
	}
	return res, nil
}

// backfillClaims claims crit for every customer, shard by shard, and
// returns how many could not claim because another customer holds the
// value.
func (s *Service) backfillClaims(ctx context.Context, o *workspace.Org, crit string) (int, error) {
	settings := workspace.DuplicateSettings{Criteria: []string{crit}}
	dups := 0
	err := s.eachCustomer(ctx, o.Workspace.ID, func(r *customerRecord) error {
		for attempt := 0; attempt < 5; attempt++ {
			value := criterionValue(&r.Customer, crit)
			held := r.Claims[crit]
			if value == "" || held == value {
				return nil
			}
			next := r.clone()
			ops := claimOps(settings, map[string]string{crit: held}, next)
			for k, v := range r.Claims {
				if k != crit {
					next.Claims[k] = v
				}
			}
			next.Version = r.Version + 1
			ops = append(ops, store.TxPut(next.item(), store.IfVersion(r.Version)))
			err := s.store.Transact(ctx, ops)
			if err == nil {
				return nil
			}
			i := store.FailedOp(err)
			if i < 0 {
				return err
			}
			if ops[i].IsPut() && ops[i].Item.Type == typeClaim {
				dups++
				return nil
			}
			// The customer changed meanwhile: read it again.
			if r, err = s.loadCustomer(ctx, o.Workspace.ID, r.ID); err != nil {
				return err
			}
		}
		return errors.New("customer: customer keeps changing during the duplicate backfill")
	})
	return dups, err
}

// releaseClaims drops every claim of a criterion, and its record on the
// customer holding it, so that a record's claims always match the claim
// items.
func (s *Service) releaseClaims(ctx context.Context, tenant, crit string) error {
	for _, pk := range claimIndexPKs(tenant, crit) {
		items, err := store.QueryAll(ctx, s.store, store.Query{Index: store.GSI1, PK: pk, Limit: 1000})
		if err != nil {
			return err
		}
		for _, it := range items {
			claim, err := store.Decode[claimDoc](it)
			if err != nil {
				return err
			}
			if err := s.releaseClaim(ctx, tenant, it.Key, crit, claim.CustomerID); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Service) releaseClaim(ctx context.Context, tenant string, key store.Key, crit, holderID string) error {
	for attempt := 0; attempt < 5; attempt++ {
		ops := []store.TxOp{store.TxDelete(key, store.None)}
		holder, err := s.loadCustomer(ctx, tenant, holderID)
		switch {
		case errors.Is(err, domain.ErrNotFound):
		case err != nil:
			return err
		case holder.Claims[crit] != "":
			next := holder.clone()
			delete(next.Claims, crit)
			next.Version = holder.Version + 1
			ops = append(ops, store.TxPut(next.item(), store.IfVersion(holder.Version)))
		}
		err = s.store.Transact(ctx, ops)
		if store.FailedOp(err) < 0 {
			return err
		}
	}
	return errors.New("customer: customer keeps changing while its claim is released")
}

// eachCustomer calls fn for every live customer of a tenant, oldest first
// within each shard.
func (s *Service) eachCustomer(ctx context.Context, tenant string, fn func(*customerRecord) error) error {
	return s.eachCustomerOf(ctx, store.GSI1, AllPKs(tenant), fn)
}

// eachCustomerOf calls fn for every customer the partitions of an index
// list, partition by partition.
func (s *Service) eachCustomerOf(ctx context.Context, index string, pks []string, fn func(*customerRecord) error) error {
	for _, pk := range pks {
		q := store.Query{Index: index, PK: pk, Limit: 500, DocsOnly: true}
		for it, err := range store.Items(ctx, s.store, q) {
			if err != nil {
				return fmt.Errorf("customer: read customers: %w", err)
			}
			r, err := decodeCustomer(it)
			if err != nil {
				return err
			}
			if err := fn(r); err != nil {
				return err
			}
		}
	}
	return nil
}

// precheckClaims refuses a new customer whose values another customer has
// already claimed. The transaction still decides races.
func (s *Service) precheckClaims(ctx context.Context, o *workspace.Org, r *customerRecord) error {
	var keys []store.Key
	for _, crit := range o.Duplicates.Criteria {
		if v := criterionValue(&r.Customer, crit); v != "" {
			keys = append(keys, claimKey(o.Workspace.ID, crit, v))
		}
	}
	if len(keys) == 0 {
		return nil
	}
	held, err := s.store.GetMany(ctx, keys)
	if err != nil {
		return err
	}
	for _, k := range keys { // in criteria order, for a stable message
		for _, it := range held {
			if it.Key == k {
				return s.duplicateError(ctx, o, k)
			}
		}
	}
	return nil
}
