package customerlist

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"tend/internal/custindex"
	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/rules"
	"tend/internal/store"
	"tend/internal/workspace"
)

// ListQuery asks for a page of customers.
type ListQuery struct {
	// Q is free text, looked up in the search index (custindex.Search):
	// each word, without case or accents, a prefix of a word of the name,
	// or the code, or the email; a phone in any form or its last digits.
	// Without Sort, matches come in the index's order.
	Q string
	// Filter is condition groups in JSON, as automation conditions.
	Filter string
	// Sort is a field, "-" first for descending; default "-created_at".
	Sort   string
	Limit  int
	Cursor string
	// Deleted lists the trash instead (admins only).
	Deleted bool
}

// listCursor is where a page ended: in the pinned phase or the rest; after
// a list key (creation order) or after a customer id (other orders).
type listCursor struct {
	Phase string `json:"p"`
	// Mode is how the rest phase is read: "" in list-key order, modeIndex
	// from a search or sort index (Key is its cursor), modeMemory sorted in
	// memory (After, Offset).
	Mode   string `json:"m,omitempty"`
	Key    string `json:"k,omitempty"`
	After  string `json:"a,omitempty"`
	Offset int    `json:"o,omitempty"`
}

func (c listCursor) encode() string {
	b, _ := json.Marshal(c) // strings and ints: cannot fail
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeListCursor(s string) (listCursor, error) {
	c := listCursor{Phase: "pin"}
	if s == "" {
		return c, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || (c.Phase != "pin" && c.Phase != "rest" && c.Phase != "own") || c.Offset < 0 {
		return c, domain.Invalid("cursor", "invalid_cursor")
	}
	return c, nil
}

// listPlan is a list request made ready to run.
type listPlan struct {
	org    *workspace.Org
	scope  workspace.Scope
	filter *rules.Set
	match  func(*domain.Customer) bool
	// spent reports that the request's time budget has run out.
	spent     func() bool
	sorted    bool // by another field than creation time
	ascending bool
	q         string
	field     string // the sort field
	explicit  bool   // the sort was asked for (with q, else search order)
	limit     int
	now       time.Time
	// keepIndex is what reads through the indexes keep (indexKeep), once
	// keepRead.
	keepIndex custindex.Keep
	keepRead  bool
}

// ListCustomers returns a page of the customers the caller may see,
// pinned ones first, then by the requested order.
func (s *Service) ListCustomers(ctx context.Context, c *workspace.Caller, q ListQuery) (*domain.Page[*domain.Customer], error) {
	if q.Deleted {
		if err := c.RequireAdmin(); err != nil {
			return nil, err
		}
	}
	plan, err := s.plan(c, q)
	if err != nil {
		return nil, err
	}
	cur, err := decodeListCursor(q.Cursor)
	if err != nil {
		return nil, err
	}
	out := &domain.Page[*domain.Customer]{Items: []*domain.Customer{}}
	if q.Deleted {
		cur.Phase = "rest"
		rest, err := s.listRest(ctx, plan, []*source{indexSource(store.GSI1, customer.TrashPK(c.Tenant()))}, cur, true)
		if err != nil {
			return nil, err
		}
		out.Items, out.NextCursor, out.Partial = rest.items, rest.next, rest.partial
		return out, nil
	}
	if cur.Phase == "pin" {
		pinned, next, err := s.listPinned(ctx, plan, cur)
		if err != nil {
			return nil, err
		}
		out.Items = pinned
		if next != "" {
			out.NextCursor = next
			return out, nil
		}
		cur = listCursor{Phase: "rest"}
	}
	plan.limit -= len(out.Items)
	if plan.limit == 0 {
		out.NextCursor = cur.encode()
		return out, nil
	}
	rest, err := s.listLive(ctx, plan, cur)
	if err != nil {
		return nil, err
	}
	out.Items = append(out.Items, rest.items...)
	out.NextCursor, out.Partial = rest.next, rest.partial
	return out, nil
}

func (s *Service) plan(c *workspace.Caller, q ListQuery) (*listPlan, error) {
	now := s.now()
	p := &listPlan{org: c.Org, scope: c.Org.ScopeOf(c.User), limit: domain.ListLimit(q.Limit), now: now, spent: s.startBudget()}
	groups, err := rules.ParseGroups([]byte(q.Filter), "filter")
	if err != nil {
		return nil, err
	}
	set, err := rules.Compile(groups, c.Org.Schema(), "filter")
	if err != nil {
		return nil, err
	}
	p.filter = set
	env := rules.NewEnv(now, c.Org.Workspace.Location())
	text := func(*domain.Customer) bool { return true }
	if p.q = strings.TrimSpace(q.Q); p.q != "" {
		text = custindex.Matcher(p.q)
	}
	p.match = func(cu *domain.Customer) bool {
		return p.scope.CanRead(cu) && text(cu) && set.Match(cu, env)
	}
	sortKey := q.Sort
	p.explicit = sortKey != ""
	if sortKey == "" {
		sortKey = "-created_at"
	}
	field, desc := strings.CutPrefix(sortKey, "-")
	if field != "created_at" && !slices.Contains(custindex.SortFields, field) {
		return nil, domain.Invalid("sort", "invalid_sort")
	}
	p.ascending, p.field, p.sorted = !desc, field, field != "created_at"
	return p, nil
}

// Check validates a list query's filter and sort exactly as ListCustomers
// does, without listing: saved filters and list settings are held to it,
// so that what is saved is always what the list takes.
func (s *Service) Check(c *workspace.Caller, q ListQuery) error {
	_, err := s.plan(c, q)
	return err
}
