package customerlist

import (
	"context"
	"unicode/utf8"

	"tend/internal/custindex"
	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/store"
	"tend/internal/workspace"
)

// UserRef names a user.
type UserRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// LookupResult says that a customer exists and who owns it [tra cứu]. The
// full record is only for those who may see it (Visible).
type LookupResult struct {
	ID      string   `json:"id"`
	Code    string   `json:"code"`
	Name    string   `json:"name"`
	Owner   *UserRef `json:"owner"`
	Visible bool     `json:"visible"`
}

// Lookup searches every customer of the workspace, whoever the caller is,
// and tells who owns each match, so that a call-center agent learns
// whether a caller is already someone's customer. It answers first the
// customers the search index finds (by name word, code, phone, email:
// custindex.Search), then, in creation order, the customers of the users
// whose names hold q that the search did not find.
func (s *Service) Lookup(ctx context.Context, c *workspace.Caller, q string, limit int, cursor string) (*domain.Page[LookupResult], error) {
	folded := domain.Fold(q)
	if utf8.RuneCountInString(folded) < 2 {
		return nil, domain.Invalid("q", "query_too_short")
	}
	cur, err := decodeListCursor(cursor)
	if err != nil {
		return nil, err
	}
	lk := &lookup{s: s, c: c, sc: c.Org.ScopeOf(c.User), limit: min(domain.ListLimit(limit), 100), spent: s.startBudget(),
		out: &domain.Page[LookupResult]{Items: []LookupResult{}}}
	if cur.Phase != "own" {
		done, err := lk.searched(ctx, q, cur.Key)
		if err != nil || done {
			return lk.out, err
		}
		cur = listCursor{Phase: "own"}
		if len(lk.out.Items) == lk.limit {
			lk.out.NextCursor = cur.encode()
			return lk.out, nil
		}
	}
	return lk.out, lk.owned(ctx, q, folded, cur.Key)
}

// lookup is one lookup request under way.
type lookup struct {
	s     *Service
	c     *workspace.Caller
	sc    workspace.Scope
	limit int
	spent func() bool
	out   *domain.Page[LookupResult]
}

func (lk *lookup) add(r *domain.Customer) {
	res := LookupResult{ID: r.ID, Code: r.Code, Name: r.Name, Visible: lk.sc.CanRead(r)}
	if r.OwnerID != "" {
		res.Owner = &UserRef{ID: r.OwnerID, Name: lk.c.Org.UserName(r.OwnerID)}
	}
	lk.out.Items = append(lk.out.Items, res)
}

// full ends the page with a cursor when it is full or the budget has run
// out, and says so.
func (lk *lookup) full(next listCursor) bool {
	if len(lk.out.Items) == lk.limit {
		lk.out.NextCursor = next.encode()
		return true
	}
	if lk.spent() {
		lk.out.NextCursor, lk.out.Partial = next.encode(), true
		return true
	}
	return false
}

// searched lists the search's matches from cursor on; done says the page
// ended there.
func (lk *lookup) searched(ctx context.Context, q, cursor string) (done bool, err error) {
	tenant := lk.c.Tenant()
	for {
		hits, err := custindex.Search(ctx, lk.s.st, tenant, q, cursor, lk.limit-len(lk.out.Items))
		if err != nil {
			return false, err
		}
		found, err := lk.s.fetch(ctx, tenant, hits.IDs)
		if err != nil {
			return false, err
		}
		for _, r := range found {
			lk.add(r)
		}
		if cursor = hits.Cursor; cursor == "" {
			return false, nil
		}
		if lk.full(listCursor{Phase: "rest", Mode: modeIndex, Key: cursor}) {
			return true, nil
		}
	}
}

// owned lists, after list key after, the customers of the users whose
// names hold q, but those the search lists.
func (lk *lookup) owned(ctx context.Context, q, folded, after string) error {
	tenant := lk.c.Tenant()
	var sources []*source
	for _, u := range lk.c.Org.Users {
		if domain.FoldedContains(u.Name, folded) {
			sources = append(sources, indexSources(store.GSI2, customer.OwnerPKs(tenant, u.ID))...)
		}
	}
	if len(sources) == 0 {
		return nil
	}
	for _, src := range sources {
		src.start(after, false, sourcePage(lk.limit, len(sources)))
	}
	searched := custindex.Matcher(q)
	m := &merger{st: lk.s.st, sources: sources}
	for {
		it, _, key, ok, err := m.next(ctx)
		if err != nil {
			return store.CursorError(err)
		}
		if !ok {
			return nil
		}
		r, err := decode(it)
		if err != nil {
			return err
		}
		if !searched(r) {
			lk.add(r)
		}
		if lk.full(listCursor{Phase: "own", Key: key}) {
			return nil
		}
	}
}
