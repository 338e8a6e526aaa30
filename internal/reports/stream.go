package reports

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/orders"
	"tend/internal/store"
)

// HandleChange moves the counters for one change of a customer or an order
// (old nil for a new item, new nil for a removed one). A change may come
// twice, late or out of order: its adds are written once, with a "must not
// exist" mark of the change (record and version) in the same transaction,
// and adds commute, so the order they land in does not matter.
func (s *Service) HandleChange(ctx context.Context, typ string, old, new *store.Item) error {
	ch, adds, ok, err := s.count(ctx, typ, old, new)
	if err != nil || !ok {
		return err
	}
	return s.apply(ctx, ch, adds)
}

// count says what a change is of and the counters it moves; ok is false
// when it moves none (not a customer or an order, a workspace gone).
func (s *Service) count(ctx context.Context, typ string, old, new *store.Item) (change, Adds, bool, error) {
	switch typ {
	case customer.ItemType:
		return s.customerChange(ctx, old, new)
	case orders.ItemType:
		return s.orderChange(ctx, old, new)
	}
	return change{}, nil, false, nil
}

// change is what a change is of: a customer ("C") or an order ("O") at
// the version the change made.
type change struct {
	tenant, kind, id string
	version          int64
	// isNew: the change created the record.
	isNew bool
}

func (c change) record() string { return c.kind + ":" + c.id }

func (s *Service) customerChange(ctx context.Context, old, new *store.Item) (change, Adds, bool, error) {
	if new == nil {
		return change{}, nil, false, nil // customers go to the trash, which is a change; nothing removes them
	}
	after, err := customer.DecodeImage(*new)
	if err != nil {
		return change{}, nil, false, fmt.Errorf("reports: %w", err)
	}
	var before *state
	if old != nil {
		im, err := customer.DecodeImage(*old)
		if err != nil {
			return change{}, nil, false, fmt.Errorf("reports: %w", err)
		}
		before = stateOf(&im.Customer)
	}
	o, err := s.Orgs.LoadOrg(ctx, after.Tenant)
	if errors.Is(err, domain.ErrNotFound) {
		return change{}, nil, false, nil
	}
	if err != nil {
		return change{}, nil, false, err
	}
	entries, err := s.writeEntries(ctx, after.Tenant, after.Customer.ID, new.Version, after.Customer.UpdatedAt)
	if err != nil {
		return change{}, nil, false, err
	}
	adds := customerAdds(before, stateOf(&after.Customer), entries, o.Workspace.Location())
	return change{tenant: after.Tenant, kind: "C", id: after.Customer.ID, version: new.Version, isNew: old == nil}, adds, true, nil
}

func (s *Service) orderChange(ctx context.Context, old, new *store.Item) (change, Adds, bool, error) {
	before, err := decodeOrder(old)
	if err != nil {
		return change{}, nil, false, err
	}
	after, err := decodeOrder(new)
	if err != nil {
		return change{}, nil, false, err
	}
	ch := change{kind: "O", isNew: old == nil}
	if after != nil {
		ch.tenant, ch.id, ch.version = after.Tenant, after.ID, new.Version
	} else if before != nil {
		// A removal is the version after the last one.
		ch.tenant, ch.id, ch.version = before.Tenant, before.ID, old.Version+1
	} else {
		return change{}, nil, false, nil
	}
	o, err := s.Orgs.LoadOrg(ctx, ch.tenant)
	if errors.Is(err, domain.ErrNotFound) {
		return change{}, nil, false, nil
	}
	if err != nil {
		return change{}, nil, false, err
	}
	loc := o.Workspace.Location()
	adds := Adds{}
	orderAdds(adds, before, loc, -1)
	orderAdds(adds, after, loc, +1)
	return ch, adds, true, nil
}

func decodeOrder(it *store.Item) (*orders.Order, error) {
	if it == nil {
		return nil, nil
	}
	var o orders.Order
	if err := json.Unmarshal(it.Doc, &o); err != nil {
		return nil, fmt.Errorf("reports: decode order %s: %w", it.Key, err)
	}
	o.Version = it.Version
	return &o, nil
}

// apply writes a change's adds into the generation readers read and, while
// a rebuild runs, into the one it fills.
//
// A rebuild counts each record as it is at some version, and marks the
// record "seen" at that version in the generation it fills. A change is
// then applied to a generation unless the generation already holds it: the
// record was seen at this version or a later one, or it is not seen yet in
// a generation being filled (the rebuild will count it as it is by then,
// this change included). A record created while a rebuild runs may have
// been missed by it: its creation claims the record in the rebuild's
// generation, and the stream counts it there from the start. (That claim
// relies on a record's own changes coming in order, as the DynamoDB
// stream and the local feed hand them; changes of different records may
// come in any order.)
func (s *Service) apply(ctx context.Context, ch change, adds Adds) error {
	if len(adds) == 0 && !ch.isNew {
		return nil
	}
	gens, err := s.generationsOf(ctx, ch.tenant, ch.record())
	if err != nil {
		return err
	}
	// The current generation's marks are only read while a rebuild's may
	// still be there.
	if err := s.applyTo(ctx, ch, adds, gens.Current, false, s.now().Before(gens.SeenUntil)); err != nil {
		return err
	}
	if gens.Building > 0 {
		return s.applyTo(ctx, ch, adds, gens.Building, true, true)
	}
	return nil
}

// seenMark is a rebuild's (or a claiming creation's) record of the version
// a record was counted at in a generation; the item's version is that
// version.
type seenMark struct {
	By string `json:"by"` // "rebuild" or "stream"
}

func seenPK(tenant string, gen int64, record string) string {
	return fmt.Sprintf("T#%s#RPTS#%d#%s", tenant, gen, record)
}

func seenKey(tenant string, gen int64, record string) store.Key {
	return store.Key{PK: seenPK(tenant, gen, record), SK: "S"}
}

// seen reads a record's seen mark in a generation.
func (s *Service) seen(ctx context.Context, tenant string, gen int64, record string) (*seenMark, int64, bool, error) {
	it, err := s.Store.Get(ctx, seenKey(tenant, gen, record))
	if errors.Is(err, store.ErrNotFound) {
		return nil, 0, false, nil
	}
	if err != nil {
		return nil, 0, false, fmt.Errorf("reports: read seen mark: %w", err)
	}
	m, err := store.Decode[seenMark](it)
	if err != nil {
		return nil, 0, false, err
	}
	return m, it.Version, true, nil
}

func (s *Service) seenItem(tenant string, gen int64, record string, version int64, by string) store.Item {
	return store.Item{Key: seenKey(tenant, gen, record), Type: typeSeen, Version: version, ExpiresAt: s.now().Add(seenTTL),
		Doc: store.Doc(seenMark{By: by})}
}

func appliedKey(ch change, gen int64, chunk int) store.Key {
	return store.Key{PK: "T#" + ch.tenant + "#RPTA#" + ch.record(), SK: fmt.Sprintf("%d#%019d#%d", gen, ch.version, chunk)}
}

func (s *Service) applyTo(ctx context.Context, ch change, adds Adds, gen int64, building, checkSeen bool) error {
	claim := false
	if checkSeen {
		m, at, ok, err := s.seen(ctx, ch.tenant, gen, ch.record())
		if err != nil {
			return err
		}
		switch {
		case ok && m.By == "stream" && at == ch.version:
			// This change claimed the record: go on with what it has not
			// written yet.
		case ok && at >= ch.version:
			return nil // counted as it was at this version or later
		case !ok && building && !ch.isNew:
			return nil // the rebuild will count it as it is
		case !ok && building:
			claim = true
		}
	}
	ops := adds.ops(ch.tenant, gen, ch.record())
	var first []store.TxOp
	if claim {
		first = []store.TxOp{store.TxPut(s.seenItem(ch.tenant, gen, ch.record(), ch.version, "stream"), store.NotExist)}
	}
	expires := s.now().Add(appliedTTL)
	return writeChunks(ctx, s.Store, ops, first, func(k int) store.Item {
		return store.Item{Key: appliedKey(ch, gen, k), Type: typeApplied, Version: 1, ExpiresAt: expires}
	})
}

// chunkAdds is how many adds one transaction carries, under DynamoDB's
// 100 items with the marks beside them.
const chunkAdds = 90

// writeChunks writes ops in transactions of at most chunkAdds, each with
// its mark (mark(k), "must not exist"): a chunk whose mark is there was
// written before and is passed over, so that each is written once however
// often this runs. The first chunk also carries first (a claim); when the
// claim fails, nothing is written.
func writeChunks(ctx context.Context, st store.Store, ops, first []store.TxOp, mark func(k int) store.Item) error {
	if len(ops) == 0 && len(first) == 0 {
		return nil
	}
	for k := 0; k == 0 || k*chunkAdds < len(ops); k++ {
		chunk := ops[k*chunkAdds : min((k+1)*chunkAdds, len(ops))]
		tx := append([]store.TxOp{store.TxPut(mark(k), store.NotExist)}, chunk...)
		if k == 0 {
			tx = append(tx, first...)
		}
		err := st.Transact(ctx, tx)
		switch i := store.FailedOp(err); {
		case err == nil:
		case i == 0:
			// Written before.
		case i >= len(chunk)+1:
			return nil // the claim: a rebuild counted the record
		default:
			return fmt.Errorf("reports: write counters: %w", err)
		}
	}
	return nil
}
