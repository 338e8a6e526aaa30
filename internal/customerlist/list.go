package customerlist

import (
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/phone"
	"tend/internal/rules"
	"tend/internal/store"
	"tend/internal/workspace"
)

// ListQuery asks for a page of customers.
type ListQuery struct {
	// Q is free text, matched without case or accents against name, code,
	// phone, email, addresses and tax code.
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

// scanBudget bounds the customers one list request reads; a page that
// hits it comes back short, with a cursor to go on from.
const scanBudget = 20000

// sortBudget bounds the customers a request sorts in memory (any sort but
// creation time).
const sortBudget = 100000

// sortKeys are the fields a list can be sorted by.
var sortKeys = map[string]func(a, b *domain.Customer) int{
	"created_at": func(a, b *domain.Customer) int { return a.CreatedAt.Compare(b.CreatedAt) },
	"updated_at": func(a, b *domain.Customer) int { return a.UpdatedAt.Compare(b.UpdatedAt) },
	"name":       func(a, b *domain.Customer) int { return strings.Compare(domain.Fold(a.Name), domain.Fold(b.Name)) },
	"code":       func(a, b *domain.Customer) int { return strings.Compare(a.Code, b.Code) },
	"revenue":    func(a, b *domain.Customer) int { return cmp.Compare(a.Revenue, b.Revenue) },
	"last_care_at": func(a, b *domain.Customer) int {
		return compareTimes(a.LastCareAt, b.LastCareAt)
	},
	"next_appointment_at": func(a, b *domain.Customer) int {
		return compareTimes(a.NextAppointmentAt, b.NextAppointmentAt)
	},
}

// compareTimes orders absent times first.
func compareTimes(a, b *time.Time) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	return a.Compare(*b)
}

// listCursor is where a page ended: in the pinned phase or the rest; after
// a list key (creation order) or after a customer id (other orders).
type listCursor struct {
	Phase  string `json:"p"`
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
	if err != nil || (c.Phase != "pin" && c.Phase != "rest") || c.Offset < 0 {
		return c, domain.Invalid("cursor", "invalid_cursor")
	}
	return c, nil
}

// listPlan is a list request made ready to run.
type listPlan struct {
	org       *workspace.Org
	scope     workspace.Scope
	match     func(*domain.Customer) bool
	compare   func(a, b *domain.Customer) int // nil: creation order
	ascending bool
	limit     int
	now       time.Time
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
		items, next, err := s.listRest(ctx, plan, []*source{indexSource(store.GSI1, customer.TrashPK(c.Tenant()))}, cur, true)
		if err != nil {
			return nil, err
		}
		out.Items, out.NextCursor = items, next
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
	rest, next, err := s.listRest(ctx, plan, s.sourcesFor(c.Tenant(), plan.scope), cur, false)
	if err != nil {
		return nil, err
	}
	out.Items = append(out.Items, rest...)
	out.NextCursor = next
	return out, nil
}

func (s *Service) plan(c *workspace.Caller, q ListQuery) (*listPlan, error) {
	now := s.now()
	p := &listPlan{org: c.Org, scope: c.Org.ScopeOf(c.User), limit: domain.ListLimit(q.Limit), now: now}
	groups, err := rules.ParseGroups([]byte(q.Filter), "filter")
	if err != nil {
		return nil, err
	}
	set, err := rules.Compile(groups, c.Org.Schema(), "filter")
	if err != nil {
		return nil, err
	}
	env := rules.NewEnv(now, c.Org.Workspace.Location())
	text := textMatcher(q.Q)
	p.match = func(cu *domain.Customer) bool {
		return p.scope.CanRead(cu) && text(cu) && set.Match(cu, env)
	}
	sortKey := q.Sort
	if sortKey == "" {
		sortKey = "-created_at"
	}
	field, desc := strings.CutPrefix(sortKey, "-")
	compare, ok := sortKeys[field]
	if !ok {
		return nil, domain.Invalid("sort", "invalid_sort")
	}
	p.ascending = !desc
	if field != "created_at" {
		p.compare = compare
		if desc {
			p.compare = func(a, b *domain.Customer) int { return compare(b, a) }
		}
	}
	return p, nil
}

// textMatcher matches free text the way users search: without case or
// accents, and phone numbers by their digits however they are typed.
func textMatcher(q string) func(*domain.Customer) bool {
	folded := domain.Fold(q)
	if folded == "" {
		return func(*domain.Customer) bool { return true }
	}
	digits := phone.Digits(q)
	intl := digits
	if strings.HasPrefix(digits, "0") && len(digits) > 1 {
		intl = "84" + digits[1:]
	}
	useDigits := len(digits) >= 3 && len(digits)*2 >= len(strings.ReplaceAll(q, " ", ""))
	return func(c *domain.Customer) bool {
		for _, s := range [...]string{c.Name, c.Code, c.Email, c.OfficeAddress, c.BusinessAddress, c.TaxCode} {
			if domain.FoldedContains(s, folded) {
				return true
			}
		}
		return useDigits && c.Phone != "" && (strings.Contains(c.Phone, digits) || strings.Contains(c.Phone, intl))
	}
}

// sourcesFor returns the index streams holding every customer in scope.
func (s *Service) sourcesFor(tenant string, sc workspace.Scope) []*source {
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

// listPinned returns the visible, currently pinned customers that match,
// sorted, from the cursor on. The pinned set is small (a sparse index), so
// it is read whole.
func (s *Service) listPinned(ctx context.Context, p *listPlan, cur listCursor) ([]*domain.Customer, string, error) {
	src := indexSource(store.GSI4, customer.PinnedPK(p.org.Workspace.ID))
	src.start("", p.ascending, 500)
	m := &merger{st: s.st, sources: []*source{src}, ascending: p.ascending}
	var all []*domain.Customer
	for {
		it, _, _, ok, err := m.next(ctx)
		if err != nil {
			return nil, "", err
		}
		if !ok {
			break
		}
		r, err := decode(it)
		if err != nil {
			return nil, "", err
		}
		if r.DeletedAt == nil && r.Pinned(p.now) && p.match(r) {
			all = append(all, customer.View(p.org, r))
		}
	}
	if p.compare != nil {
		slices.SortStableFunc(all, p.compare)
	}
	return pageOf(all, cur, p.limit, "pin")
}

// pageOf cuts a page out of a fully sorted list, after the customer the
// cursor names (or at its offset if that customer has gone).
func pageOf(all []*domain.Customer, cur listCursor, limit int, phase string) ([]*domain.Customer, string, error) {
	start := 0
	if cur.Phase == phase && (cur.After != "" || cur.Offset > 0) {
		start = min(cur.Offset, len(all))
		if i := slices.IndexFunc(all, func(c *domain.Customer) bool { return c.ID == cur.After }); i >= 0 {
			start = i + 1
		}
	}
	end := min(start+limit, len(all))
	page := all[start:end]
	if end < len(all) {
		return page, listCursor{Phase: phase, After: page[len(page)-1].ID, Offset: end}.encode(), nil
	}
	return page, "", nil
}

// listRest returns customers that are not pinned (all, in the trash).
func (s *Service) listRest(ctx context.Context, p *listPlan, sources []*source, cur listCursor, trash bool) ([]*domain.Customer, string, error) {
	if p.compare != nil {
		return s.listSorted(ctx, p, sources, cur, trash)
	}
	after := ""
	if cur.Phase == "rest" {
		after = cur.Key
	}
	for _, src := range sources {
		src.start(after, p.ascending, sourcePage(p.limit, len(sources)))
	}
	m := &merger{st: s.st, sources: sources, ascending: p.ascending}
	out := []*domain.Customer{}
	for read := 0; ; read++ {
		it, src, key, ok, err := m.next(ctx)
		if err != nil {
			return nil, "", store.CursorError(err)
		}
		if !ok {
			return out, "", nil
		}
		if read >= scanBudget {
			// Bounded work per request: hand back what we have and where
			// to go on from.
			return out, listCursor{Phase: "rest", Key: key}.encode(), nil
		}
		r, err := s.resolve(ctx, p.org.Workspace.ID, src, it)
		if err != nil {
			return nil, "", err
		}
		if r == nil || !s.keep(p, r, trash) {
			continue
		}
		out = append(out, customer.View(p.org, r))
		if len(out) == p.limit {
			return out, listCursor{Phase: "rest", Key: key}.encode(), nil
		}
	}
}

// sourcePage is how many items each source reads at a time: about its
// share of a page (customers spread evenly over the shards), with room for
// some that the filter drops. A source that runs short reads on.
func sourcePage(limit, sources int) int {
	return min(max(2*limit/sources+5, 10), 500)
}

func (s *Service) keep(p *listPlan, r *domain.Customer, trash bool) bool {
	if (r.DeletedAt != nil) != trash {
		return false
	}
	if !trash && r.Pinned(p.now) {
		return false // listed in the pinned phase
	}
	return p.match(r)
}

// listSorted reads every customer in scope, sorts them and cuts a page.
func (s *Service) listSorted(ctx context.Context, p *listPlan, sources []*source, cur listCursor, trash bool) ([]*domain.Customer, string, error) {
	for _, src := range sources {
		src.start("", false, 500)
	}
	m := &merger{st: s.st, sources: sources}
	var all []*domain.Customer
	for read := 0; ; read++ {
		it, src, _, ok, err := m.next(ctx)
		if err != nil {
			return nil, "", err
		}
		if !ok {
			break
		}
		if read >= sortBudget {
			return nil, "", domain.Invalid("sort", "too_many_to_sort")
		}
		r, err := s.resolve(ctx, p.org.Workspace.ID, src, it)
		if err != nil {
			return nil, "", err
		}
		if r != nil && s.keep(p, r, trash) {
			all = append(all, customer.View(p.org, r))
		}
	}
	slices.SortStableFunc(all, p.compare)
	return pageOf(all, cur, p.limit, "rest")
}

// Check validates a list query's filter and sort exactly as ListCustomers
// does, without listing: saved filters and list settings are held to it,
// so that what is saved is always what the list takes.
func (s *Service) Check(c *workspace.Caller, q ListQuery) error {
	_, err := s.plan(c, q)
	return err
}
