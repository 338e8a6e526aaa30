package reports

import (
	"context"
)

// UseGeneration makes reports of a workspace read generation gen, and the
// stream write there: counters start again from nothing.
func UseGeneration(ctx context.Context, s *Service, tenant string, gen int64) error {
	g, v, err := s.generations(ctx, tenant)
	if err != nil {
		return err
	}
	g.Current, g.Last = gen, max(g.Last, gen)
	return s.Store.Transact(ctx, putGenerations(tenant, g, v))
}
