package distribution

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/queuegroup"
	"tend/internal/store"
)

// Message kinds of the distribution queue.
const (
	KindAssign  = "assign"
	KindReclaim = "reclaim"
)

// Message asks the distributor to give one customer out.
type Message struct {
	Kind     string `json:"kind"`
	Tenant   string `json:"tenant"`
	Rule     string `json:"rule"`
	Customer string `json:"customer"`
	// Episode names this distribution of the customer: its entry into the
	// rule's scope ("v<version>"), or the ownership taken back ("r<time>").
	Episode string `json:"episode"`
	// Owner is the owner a reclaim takes the customer from.
	Owner string `json:"owner,omitempty"`
	// Messages sent before issue 12 also carry "arrival", the customer's
	// place in the order of arrival, no longer read (rotation.go).
}

// HandleChange schedules the distribution of a customer that enters a
// distributed warehouse and step without an owner (created by hand, by an
// import, a webhook or a rule, or moved there), after the rule's delay. A
// change handled twice schedules once.
func (s *Service) HandleChange(ctx context.Context, old, new *customer.Image) error {
	if new == nil || new.Customer.Deleted() || new.Customer.OwnerID != "" {
		return nil
	}
	o, err := s.orgs.LoadOrg(ctx, new.Tenant)
	if errors.Is(err, domain.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	rs, err := s.rulesOf(ctx, o)
	if err != nil || len(rs) == 0 {
		return err
	}
	cu := &new.Customer
	var rule *Rule
	for _, r := range rs {
		if r.Enabled && r.Type != Reclaim && r.inScope(cu) {
			rule = r
			break
		}
	}
	if rule == nil {
		return nil
	}
	if old != nil && rule.inScope(&old.Customer) && old.Customer.OwnerID == "" {
		return nil // it was already waiting: scheduled when it entered
	}
	due := cu.UpdatedAt.Add(time.Duration(rule.Delay))
	ep := fmt.Sprintf("v%d", cu.Version)
	m := Message{Kind: KindAssign, Tenant: new.Tenant, Rule: rule.ID, Customer: cu.ID, Episode: ep}
	return s.schedule(ctx, m, due)
}

// schedule sends m to be handled at due: on the queue with a delay when it
// can, else as a due item the tick sends when its time comes. A message
// sent twice is harmless (its slot is claimed once and the assignment is
// conditional); reclaims, which every tick finds again until they are
// done, are sent once per episode, by a marker.
func (s *Service) schedule(ctx context.Context, m Message, due time.Time) error {
	marker := schedKey(m.Tenant, m.Rule, m.Customer, m.Episode)
	if m.Kind == KindReclaim {
		if _, err := s.st.Get(ctx, marker); err == nil {
			return nil
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	delay := due.Sub(s.now())
	switch {
	case delay <= MaxQueueDelay:
		// In the workspace's group (queuegroup): the tick's reclaims too.
		if err := s.queue.Send(queuegroup.With(ctx, m.Tenant), store.Doc(m), max(delay, 0)); err != nil {
			return fmt.Errorf("distribution: send %s: %w", m.Customer, err)
		}
	default:
		it := store.Item{Key: dueKey(m.Tenant, m.Rule, m.Customer, m.Episode), Type: "dist_due", Version: 1, Doc: store.Doc(m),
			Index: [4]store.IndexKey{{PK: dueIndexPK(shardOf(dueKey(m.Tenant, m.Rule, m.Customer, m.Episode).String(), dueShards)), SK: store.SortTime(due) + "#" + m.Tenant + "#" + m.Customer}}}
		if err := s.st.Put(ctx, it, store.None); err != nil {
			return fmt.Errorf("distribution: keep due %s: %w", m.Customer, err)
		}
	}
	if m.Kind != KindReclaim {
		return nil
	}
	return s.st.Put(ctx, store.Item{Key: marker, Type: "dist_marker", Version: 1, ExpiresAt: due.Add(90 * 24 * time.Hour)}, store.None)
}

// Tick is the scheduler's share of distribution: it sends the
// distributions that have come due, and looks for customers to take back.
// It returns how many messages it sent.
func (s *Service) Tick(ctx context.Context) (int, error) {
	sent, dueErr := s.sendDue(ctx)
	n, scanErr := s.scanReclaims(ctx)
	return sent + n, errors.Join(dueErr, scanErr)
}

// sendDue sends the due items of every shard, and of the index partition
// of the layout before (service.go).
func (s *Service) sendDue(ctx context.Context) (int, error) {
	now := s.now()
	sent := 0
	for sh := range dueShards + 1 {
		pk := oldDueIndexPK
		if sh < dueShards {
			pk = dueIndexPK(sh)
		}
		n, err := s.sendDueOf(ctx, pk, now)
		sent += n
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}

// sendDueOf sends the items of one due partition that have come due.
func (s *Service) sendDueOf(ctx context.Context, pk string, now time.Time) (int, error) {
	sent := 0
	for {
		page, err := s.st.Query(ctx, store.Query{Index: store.GSI1, PK: pk, SK: store.SKLe, A: store.SortTime(now) + "#~", Limit: 100})
		if err != nil {
			return sent, fmt.Errorf("distribution: read due: %w", err)
		}
		for _, it := range page.Items {
			// In its workspace's group (queuegroup). A doc that does not
			// decode goes as before, in none: the distributor reports it.
			var m Message
			_ = json.Unmarshal(it.Doc, &m)
			if err := s.queue.Send(queuegroup.With(ctx, m.Tenant), it.Doc, 0); err != nil {
				return sent, err
			}
			if err := s.st.Delete(ctx, it.Key, store.None); err != nil {
				return sent, err
			}
			sent++
		}
		if len(page.Items) == 0 || page.Cursor == "" {
			return sent, nil
		}
	}
}

// ReclaimScanPeriod is how often a reclaim rule's warehouse is looked
// through: once per period however many ticks come (the scheduler's
// every five minutes in AWS, every drain locally, a tick delivered twice).
const ReclaimScanPeriod = 5 * time.Minute

// scanReclaims finds, for every enabled reclaim rule, the customers in its
// scope whose owner has not cared for them within reclaim_after (counted
// from when they got the customer), and schedules taking each back. A
// rule's warehouse is read once per scan period.
func (s *Service) scanReclaims(ctx context.Context) (int, error) {
	page, err := s.st.Query(ctx, store.Query{Index: store.GSI1, PK: reclaimIndexPK, Limit: 1000})
	if err != nil {
		return 0, fmt.Errorf("distribution: read reclaim rules: %w", err)
	}
	now := s.now()
	sent := 0
	var errs []error
	for _, it := range page.Items {
		r, err := decodeRule(it)
		if err == nil {
			err = s.scanReclaim(ctx, r, now, &sent)
		}
		if err != nil {
			// One rule's trouble (its workspace's) does not stop the others.
			s.log.ErrorContext(ctx, "reclaim scan failed", "rule", it.Key.String(), "err", err)
			errs = append(errs, err)
		}
	}
	return sent, errors.Join(errs...)
}

// scanReclaim schedules taking back the stale customers of one reclaim
// rule, once per scan period, counting them into sent.
func (s *Service) scanReclaim(ctx context.Context, r *Rule, now time.Time, sent *int) error {
	err := s.st.Put(ctx, store.Item{Key: scanKey(r.Tenant, r.ID, now.Truncate(ReclaimScanPeriod)), Type: "dist_marker", Version: 1,
		ExpiresAt: now.Add(24 * time.Hour)}, store.NotExist)
	if errors.Is(err, store.ErrConditionFailed) {
		return nil // scanned in this period already
	}
	if err != nil {
		return fmt.Errorf("distribution: mark reclaim scan: %w", err)
	}
	return s.customers.EachCustomerOfWarehouse(ctx, r.Tenant, r.WarehouseID, func(c *domain.Customer) error {
		if !r.inScope(c) || c.OwnerID == "" || !stale(c, now, time.Duration(r.ReclaimAfter)) {
			return nil
		}
		*sent++
		m := Message{Kind: KindReclaim, Tenant: r.Tenant, Rule: r.ID, Customer: c.ID, Episode: reclaimEpisode(c), Owner: c.OwnerID}
		return s.schedule(ctx, m, now)
	})
}

// stale reports whether the owner has not cared for c for after: no note,
// activity, call or step change of theirs since they got it.
func stale(c *domain.Customer, now time.Time, after time.Duration) bool {
	since := c.CreatedAt
	if c.AssignedAt != nil {
		since = *c.AssignedAt
	}
	if c.OwnerCaredAt != nil && c.OwnerCaredAt.After(since) {
		since = *c.OwnerCaredAt
	}
	return now.Sub(since) >= after
}

// reclaimEpisode names an ownership: taking back the same ownership twice
// is one reclaim.
func reclaimEpisode(c *domain.Customer) string {
	if c.AssignedAt == nil {
		return "r0"
	}
	return fmt.Sprintf("r%d", c.AssignedAt.UnixNano())
}

// HandleMessage handles one message of the distribution queue.
func (s *Service) HandleMessage(ctx context.Context, body []byte) error {
	m, err := decodeMessage(body)
	if err != nil {
		return err
	}
	return s.give(ctx, m)
}

func episodeMatches(c *domain.Customer, m Message) bool {
	if m.Kind == KindHandOver {
		return c.OwnerID == m.Owner
	}
	if m.Kind == KindReclaim {
		return c.OwnerID == m.Owner && reclaimEpisode(c) == m.Episode
	}
	return strings.HasPrefix(m.Episode, "v") && c.OwnerID == ""
}
