package distribution

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"tend/internal/domain"
	"tend/internal/store"
	"tend/internal/workspace"
)

// StaffStats is one listed staff member's figures.
type StaffStats struct {
	UserID      string  `json:"user_id"`
	Name        string  `json:"name"`
	Assigned    int64   `json:"assigned"`
	TargetShare float64 `json:"target_share"`
	Available   bool    `json:"available"`
}

// Stats are a rule's results: assignments per staff member against their
// target share, and customers waiting for available staff.
type Stats struct {
	RuleID   string       `json:"rule_id"`
	Assigned int64        `json:"assigned"`
	Waiting  int          `json:"waiting"`
	Staff    []StaffStats `json:"staff"`
}

// Stats returns a rule's figures: the counts summed over the rule's
// shards and the layout before them (service.go).
func (s *Service) Stats(ctx context.Context, c *workspace.Caller, id string) (*Stats, error) {
	r, err := s.rule(ctx, c.Tenant(), id)
	if err != nil {
		return nil, err
	}
	counts := map[string]int64{}
	for _, pk := range withOld(oldStatsPK(c.Tenant(), id), func(sh int) string { return statsPK(c.Tenant(), id, sh) }) {
		items, err := store.QueryAll(ctx, s.st, store.Query{PK: pk, Limit: 1000, DocsOnly: true})
		if err != nil {
			return nil, fmt.Errorf("distribution: read stats: %w", err)
		}
		for _, it := range items {
			counts[it.SK] += it.N
		}
	}
	waiting, err := s.waiting(ctx, c.Tenant(), id)
	if err != nil {
		return nil, err
	}
	out := &Stats{RuleID: id, Waiting: waiting, Staff: []StaffStats{}}
	for _, st := range r.Staff {
		u, _ := c.Org.User(st.UserID)
		ss := StaffStats{UserID: st.UserID, Assigned: counts[st.UserID], TargetShare: r.TargetShare(st.UserID)}
		if u != nil {
			ss.Name, ss.Available = u.Name, u.Active && !u.Away
		}
		out.Assigned += ss.Assigned
		out.Staff = append(out.Staff, ss)
	}
	return out, nil
}

// waiting counts a rule's customers waiting for available staff. A waiting
// item of the layout before is left behind when its customer is given out
// by this code (which crosses off the sharded one): it counts only while
// its customer still has no owner.
func (s *Service) waiting(ctx context.Context, tenant, rule string) (int, error) {
	n := 0
	for sh := range ruleShards {
		items, err := store.QueryAll(ctx, s.st, store.Query{PK: waitPK(tenant, rule, sh), Limit: 1000, DocsOnly: true})
		if err != nil {
			return 0, fmt.Errorf("distribution: read waiting: %w", err)
		}
		n += len(items)
	}
	old, err := store.QueryAll(ctx, s.st, store.Query{PK: oldWaitPK(tenant, rule), Limit: 1000, DocsOnly: true})
	if err != nil {
		return 0, fmt.Errorf("distribution: read waiting: %w", err)
	}
	for _, it := range old {
		cu, err := s.customers.CustomerImage(ctx, tenant, it.SK)
		if errors.Is(err, domain.ErrNotFound) {
			continue
		}
		if err != nil {
			return 0, err
		}
		if cu.OwnerID == "" && !cu.Deleted() {
			n++
		}
	}
	return n, nil
}

// withOld lists the partitions of a sharded list: its shards, then its
// partition of the layout before.
func withOld(old string, shard func(int) string) []string {
	pks := make([]string, 0, ruleShards+1)
	for sh := range ruleShards {
		pks = append(pks, shard(sh))
	}
	return append(pks, old)
}

// Assignment is one customer given out by a rule, at a position of its
// rotation.
type Assignment struct {
	N          int64     `json:"n"`
	CustomerID string    `json:"customer_id"`
	UserID     string    `json:"user_id"`
	Kind       string    `json:"kind"`
	From       string    `json:"from,omitempty"`
	At         time.Time `json:"at"`
}

// Assignments lists a rule's assignments in the order of its rotation: a
// page of each shard (and of the layout before) after the cursor, merged by
// position. The cursor is the last position listed.
func (s *Service) Assignments(ctx context.Context, c *workspace.Caller, id string, limit int, cursor string) (*domain.Page[Assignment], error) {
	if _, err := s.rule(ctx, c.Tenant(), id); err != nil {
		return nil, err
	}
	var after int64
	if cursor != "" {
		n, err := strconv.ParseInt(cursor, 10, 64)
		if err != nil || n < 0 {
			return nil, domain.InvalidCursor()
		}
		after = n
	}
	lim := domain.ListLimit(limit)
	var all []Assignment
	more, bound := false, int64(math.MaxInt64)
	for _, pk := range withOld(oldLogPK(c.Tenant(), id), func(sh int) string { return logPK(c.Tenant(), id, sh) }) {
		page, err := s.st.Query(ctx, store.Query{PK: pk, SK: store.SKGt, A: positionSK(after), Limit: lim, DocsOnly: true})
		if err != nil {
			return nil, err
		}
		for _, it := range page.Items {
			var a Assignment
			if err := json.Unmarshal(it.Doc, &a); err != nil {
				return nil, fmt.Errorf("distribution: decode assignment: %w", err)
			}
			all = append(all, a)
		}
		if page.Cursor != "" {
			// This shard has more: nothing past its last position is
			// certain to come next.
			more = true
			if len(page.Items) > 0 {
				bound = min(bound, all[len(all)-1].N)
			}
		}
	}
	slices.SortStableFunc(all, func(a, b Assignment) int { return cmp.Compare(a.N, b.N) })
	if i := slices.IndexFunc(all, func(a Assignment) bool { return a.N > bound }); i >= 0 {
		all = all[:i]
	}
	if len(all) > lim {
		all, more = all[:lim], true
	}
	out := &domain.Page[Assignment]{Items: []Assignment{}}
	out.Items = append(out.Items, all...)
	if more && len(all) > 0 {
		out.NextCursor = strconv.FormatInt(all[len(all)-1].N, 10)
	}
	return out, nil
}
