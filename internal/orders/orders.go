// Package orders keeps a minimal order book [đơn hàng] standing in for the
// Salework inventory sync: completed orders make a customer's revenue and
// last order time, kept up to date from the stream of order changes.
package orders

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"strings"
	"time"

	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/store"
	"tend/internal/workspace"
)

// Status is where an order stands.
type Status string

const (
	StatusNew       Status = "new"
	StatusCompleted Status = "completed"
	StatusCancelled Status = "cancelled"
)

// ItemType is the store type of orders, which the stream carries.
const ItemType = "order"

const typeSummary = "order_summary"

// Line is one product of an order.
type Line struct {
	Product  string  `json:"product"`
	Category string  `json:"category"`
	Quantity float64 `json:"quantity"`
	Price    int64   `json:"price"`
}

// Order is a customer's order.
type Order struct {
	ID          string    `json:"id"`
	CustomerID  string    `json:"customer_id"`
	Code        string    `json:"code"`
	Amount      int64     `json:"amount"`
	Status      Status    `json:"status"`
	Items       []Line    `json:"items"`
	PerformerID string    `json:"performer_id"`
	OrderedAt   time.Time `json:"ordered_at"`
	// OwnerID, WarehouseID and Source are the customer's when the order
	// was last saved: reports count the order's sale for them, as it was
	// made, whatever becomes of the customer later.
	OwnerID     string    `json:"owner_id"`
	WarehouseID string    `json:"warehouse_id"`
	Source      string    `json:"source"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	Version     int64     `json:"version"`
	Tenant      string    `json:"tenant_id"`
}

// Input creates or changes an order; on a change, absent fields are kept.
type Input struct {
	CustomerID  *string    `json:"customer_id"`
	Code        *string    `json:"code"`
	Amount      *int64     `json:"amount"`
	Status      *Status    `json:"status"`
	Items       *[]Line    `json:"items"`
	PerformerID *string    `json:"performer_id"`
	OrderedAt   *time.Time `json:"ordered_at"`
	Version     *int64     `json:"version"`
}

// Key layout: the order in its own partition, listed by workspace (GSI1)
// and by customer (GSI2); a summary in the customer's partition, written
// with it, from which revenue is summed with a consistent read.
func orderKey(t, id string) store.Key { return store.Key{PK: "T#" + t + "#ORDER#" + id, SK: "A"} }

// Key is where an order is stored (reports check it is unchanged while
// they count it).
func Key(tenant, id string) store.Key { return orderKey(tenant, id) }
func allPK(t string) string           { return "T#" + t + "#ORDERS" }
func byCustomerPK(t, c string) string { return "T#" + t + "#CORD#" + c }
func summaryKey(t, customerID, id string) store.Key {
	return store.Key{PK: customer.Partition(t, customerID), SK: "ORDER#" + id}
}

func (o *Order) item() store.Item {
	lk := store.SortTime(o.OrderedAt) + "#" + o.ID
	return store.Item{Key: orderKey(o.Tenant, o.ID), Type: ItemType, Version: o.Version, Doc: store.Doc(o),
		Index: [4]store.IndexKey{{PK: allPK(o.Tenant), SK: lk}, {PK: byCustomerPK(o.Tenant, o.CustomerID), SK: lk}}}
}

type summary struct {
	Amount    int64     `json:"amount"`
	Status    Status    `json:"status"`
	OrderedAt time.Time `json:"ordered_at"`
}

func (o *Order) summaryItem() store.Item {
	return store.Item{Key: summaryKey(o.Tenant, o.CustomerID, o.ID), Type: typeSummary, Version: 1,
		Doc: store.Doc(summary{Amount: o.Amount, Status: o.Status, OrderedAt: o.OrderedAt})}
}

// Orgs reads workspaces' set-ups.
type Orgs interface {
	LoadOrg(ctx context.Context, tenant string) (*workspace.Org, error)
}

// Customers are the customer operations orders need: whether the caller
// may see or change the customer an order is for, and the revenue edit.
type Customers interface {
	GetCustomer(ctx context.Context, c *workspace.Caller, id string) (*domain.Customer, error)
	CanChangeCustomer(ctx context.Context, c *workspace.Caller, id string) (*domain.Customer, error)
	Visible(ctx context.Context, c *workspace.Caller, ids []string) (map[string]bool, error)
	EditAs(ctx context.Context, o *workspace.Org, customerID string, cause *customer.Cause, edits []customer.Edit, logs customer.Logs) ([]customer.EditOutcome, error)
}

// Service keeps orders.
type Service struct {
	orgs      Orgs
	customers Customers
	st        store.Store
	clock     domain.Clock
	log       *slog.Logger
	// codes hands out order codes, in blocks as a busy workspace needs (see
	// workspace.CodeBlock: unique; a busy workspace's are not gap-free nor in creation order).
	codes *workspace.Codes
}

// New returns the order book over a store.
func New(st store.Store, clock domain.Clock, log *slog.Logger, orgs Orgs, customers Customers) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{orgs: orgs, customers: customers, st: st, clock: clock, log: log, codes: workspace.NewCodes(st, clock, "order")}
}

func (s *Service) load(ctx context.Context, c *workspace.Caller, id string) (*Order, int64, error) {
	it, err := s.st.Get(ctx, orderKey(c.Tenant(), id))
	if errors.Is(err, store.ErrNotFound) {
		return nil, 0, domain.NotFound("order")
	}
	if err != nil {
		return nil, 0, fmt.Errorf("orders: read %s: %w", id, err)
	}
	var o Order
	if err := json.Unmarshal(it.Doc, &o); err != nil {
		return nil, 0, fmt.Errorf("orders: decode %s: %w", id, err)
	}
	o.Version = it.Version
	if _, err := s.customers.GetCustomer(ctx, c, o.CustomerID); err != nil {
		return nil, 0, domain.NotFound("order")
	}
	return &o, it.Version, nil
}

// Get returns an order of a customer the caller may see.
func (s *Service) Get(ctx context.Context, c *workspace.Caller, id string) (*Order, error) {
	o, _, err := s.load(ctx, c, id)
	return o, err
}

// Save creates (id "") or changes an order of a customer the caller may
// change. The order and the customer's summary of it are written together.
func (s *Service) Save(ctx context.Context, c *workspace.Caller, id string, in Input) (*Order, error) {
	now := s.clock.Now().UTC()
	o := &Order{ID: domain.NewID("ord"), Tenant: c.Tenant(), Status: StatusNew, Items: []Line{}, OrderedAt: now, CreatedAt: now}
	var prev int64
	var old *Order
	if id != "" {
		cur, v, err := s.load(ctx, c, id)
		if err != nil {
			return nil, err
		}
		if in.Version != nil && *in.Version != v {
			return nil, domain.VersionConflict("order")
		}
		cp := *cur
		o, old, prev = &cp, cur, v
	}
	if err := s.apply(ctx, c, o, in, id == ""); err != nil {
		return nil, err
	}
	if o.Code == "" {
		n, err := s.codes.Next(ctx, c.Tenant())
		if err != nil {
			return nil, err
		}
		o.Code = fmt.Sprintf("DH%06d", n)
	}
	o.Version, o.UpdatedAt = prev+1, now
	cond := store.NotExist
	if prev > 0 {
		cond = store.IfVersion(prev)
	}
	ops := []store.TxOp{store.TxPut(o.item(), cond), store.TxPut(o.summaryItem(), store.None)}
	if old != nil && old.CustomerID != o.CustomerID {
		ops = append(ops, store.TxDelete(summaryKey(o.Tenant, old.CustomerID, o.ID), store.None))
	}
	err := s.st.Transact(ctx, ops)
	if errors.Is(err, store.ErrConditionFailed) {
		return nil, domain.VersionConflict("order")
	}
	if err != nil {
		return nil, fmt.Errorf("orders: save: %w", err)
	}
	return o, nil
}

func (s *Service) apply(ctx context.Context, c *workspace.Caller, o *Order, in Input, creating bool) error {
	var p domain.Problems
	var cu *domain.Customer
	var err error
	if in.CustomerID != nil {
		if cu, err = s.customers.CanChangeCustomer(ctx, c, *in.CustomerID); err != nil {
			p.Add("customer_id", "unknown_customer", "value", *in.CustomerID)
		}
		o.CustomerID = *in.CustomerID
	} else if creating {
		p.Add("customer_id", "required")
	} else if cu, err = s.customers.CanChangeCustomer(ctx, c, o.CustomerID); err != nil {
		return err
	}
	if cu != nil {
		o.OwnerID, o.WarehouseID, o.Source = cu.OwnerID, cu.WarehouseID, cu.Source
	}
	if in.Code != nil {
		o.Code = strings.TrimSpace(*in.Code)
		if fault := domain.TextFault(o.Code, false); fault != "" {
			p.Add("code", fault)
		} else if len(o.Code) > 50 {
			p.Add("code", "too_long", "max", "50")
		}
	}
	if in.Status != nil {
		switch *in.Status {
		case StatusNew, StatusCompleted, StatusCancelled:
			o.Status = *in.Status
		default:
			p.Add("status", "invalid_status")
		}
	}
	if in.Items != nil {
		o.Items = *in.Items
		for i, l := range o.Items {
			at := fmt.Sprintf("items[%d]", i)
			if strings.TrimSpace(l.Product) == "" {
				p.Add(at+".product", "required")
			} else if fault := domain.TextFault(l.Product, false); fault != "" {
				p.Add(at+".product", fault)
			}
			if l.Quantity <= 0 || math.IsInf(l.Quantity, 0) {
				p.Add(at+".quantity", "out_of_range")
			}
			if l.Price < 0 {
				p.Add(at+".price", "out_of_range")
			}
		}
	}
	switch {
	case in.Amount != nil:
		o.Amount = *in.Amount
	case in.Items != nil:
		var sum float64
		for _, l := range o.Items {
			sum += l.Quantity * float64(l.Price)
		}
		o.Amount = int64(math.Round(sum))
	}
	if o.Amount < 0 || o.Amount > 1e15 {
		p.Add("amount", "out_of_range")
	}
	if in.PerformerID != nil {
		if _, ok := c.Org.User(*in.PerformerID); *in.PerformerID != "" && !ok {
			p.Add("performer_id", "unknown_user", "value", *in.PerformerID)
		}
		o.PerformerID = *in.PerformerID
	}
	if in.OrderedAt != nil {
		o.OrderedAt = in.OrderedAt.UTC()
	}
	return p.Err()
}

// Delete removes an order and its summary.
func (s *Service) Delete(ctx context.Context, c *workspace.Caller, id string) error {
	o, v, err := s.load(ctx, c, id)
	if err != nil {
		return err
	}
	if _, err := s.customers.CanChangeCustomer(ctx, c, o.CustomerID); err != nil {
		return err
	}
	return s.st.Transact(ctx, []store.TxOp{
		store.TxDelete(orderKey(o.Tenant, id), store.IfVersion(v)),
		store.TxDelete(summaryKey(o.Tenant, o.CustomerID, id), store.None),
	})
}

// List returns a page of orders, newest first: a customer's (customerID
// set) or every order of the customers the caller may see.
func (s *Service) List(ctx context.Context, c *workspace.Caller, customerID string, limit int, cursor string) (*domain.Page[*Order], error) {
	q := store.Query{Index: store.GSI1, PK: allPK(c.Tenant()), Reverse: true, Limit: domain.ListLimit(limit), Cursor: cursor}
	if customerID != "" {
		if _, err := s.customers.GetCustomer(ctx, c, customerID); err != nil {
			return nil, err
		}
		q.Index, q.PK = store.GSI2, byCustomerPK(c.Tenant(), customerID)
	}
	page, err := s.st.Query(ctx, q)
	if errors.Is(err, store.ErrInvalid) {
		return nil, &domain.Error{Kind: domain.ErrInvalid, Code: "validation_failed", Fields: []domain.FieldError{{Path: "cursor", Code: "invalid_cursor"}}}
	}
	if err != nil {
		return nil, err
	}
	out := &domain.Page[*Order]{Items: []*Order{}, NextCursor: page.Cursor}
	var orders []*Order
	var ids []string
	for _, it := range page.Items {
		var o Order
		if err := json.Unmarshal(it.Doc, &o); err != nil {
			return nil, err
		}
		o.Version = it.Version
		orders = append(orders, &o)
		ids = append(ids, o.CustomerID)
	}
	visible, err := s.customers.Visible(ctx, c, slices.Clone(ids))
	if err != nil {
		return nil, err
	}
	for _, o := range orders {
		if visible[o.CustomerID] {
			out.Items = append(out.Items, o)
		}
	}
	return out, nil
}

// Page reads one page of a workspace's orders, oldest first, for runs over
// every order (care flows of the orders module).
func (s *Service) Page(ctx context.Context, tenant string, limit int, cursor string) ([]*Order, string, error) {
	page, err := s.st.Query(ctx, store.Query{Index: store.GSI1, PK: allPK(tenant), Limit: limit, Cursor: cursor})
	if err != nil {
		return nil, "", fmt.Errorf("orders: read page: %w", err)
	}
	out := make([]*Order, 0, len(page.Items))
	for _, it := range page.Items {
		var o Order
		if err := json.Unmarshal(it.Doc, &o); err != nil {
			return nil, "", fmt.Errorf("orders: decode %s: %w", it.Key, err)
		}
		o.Version = it.Version
		out = append(out, &o)
	}
	return out, page.Cursor, nil
}
