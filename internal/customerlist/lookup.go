package customerlist

import (
	"context"
	"unicode/utf8"

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

// Lookup searches every customer of the workspace by code, name, owner,
// addresses, phone and email, whoever the caller is, and tells who owns
// each match, so that a call-center agent learns whether a caller is
// already someone's customer.
func (s *Service) Lookup(ctx context.Context, c *workspace.Caller, q string, limit int, cursor string) (*domain.Page[LookupResult], error) {
	folded := domain.Fold(q)
	if utf8.RuneCountInString(folded) < 2 {
		return nil, domain.Invalid("q", "query_too_short")
	}
	cur, err := decodeListCursor(cursor)
	if err != nil {
		return nil, err
	}
	text := textMatcher(q)
	owners := map[string]bool{}
	for _, u := range c.Org.Users {
		if domain.FoldedContains(u.Name, folded) {
			owners[u.ID] = true
		}
	}
	sc := c.Org.ScopeOf(c.User)
	sources := s.scopeSources(c.Tenant(), workspace.WholeWorkspace())
	spent := s.startBudget()
	after := ""
	if cur.Phase == "rest" {
		after = cur.Key
	}
	limit = min(domain.ListLimit(limit), 100)
	for _, src := range sources {
		src.start(after, false, 200)
	}
	m := &merger{st: s.st, sources: sources}
	out := &domain.Page[LookupResult]{Items: []LookupResult{}}
	for {
		it, _, key, ok, err := m.next(ctx)
		if err != nil {
			return nil, store.CursorError(err)
		}
		if !ok {
			return out, nil
		}
		r, err := decode(it)
		if err != nil {
			return nil, err
		}
		if !text(r) && !owners[r.OwnerID] {
			if spent() { // after a read: every request moves the cursor on
				out.NextCursor, out.Partial = listCursor{Phase: "rest", Key: key}.encode(), true
				return out, nil
			}
			continue
		}
		res := LookupResult{ID: r.ID, Code: r.Code, Name: r.Name, Visible: sc.CanRead(r)}
		if r.OwnerID != "" {
			res.Owner = &UserRef{ID: r.OwnerID, Name: c.Org.UserName(r.OwnerID)}
		}
		out.Items = append(out.Items, res)
		if len(out.Items) == limit {
			out.NextCursor = listCursor{Phase: "rest", Key: key}.encode()
			return out, nil
		}
	}
}
