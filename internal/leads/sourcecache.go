package leads

import (
	"context"
	"sync"
	"time"
)

// The signed webhook and the intake consumer read a lead's source for
// every lead: at a burst's rate, one partition's reads. So they read it
// from a cache kept per process (per Lambda container) for sourceTTL: a
// source changed through the API is seen by the other containers within
// sourceTTL. Within it, they may still take leads of a source just
// disabled or deleted, or with its mapping before a change (the intake
// consumer maps a lead with the source as cached). A changed secret is
// seen at once: a signature the cached source refuses is checked again
// against the source as stored. The process that changes a source (the
// local runner's single process, the API function's container) forgets
// it at once. The admin API and the other kinds' hooks read sources as
// stored.
const sourceTTL = 5 * time.Second

type sourceCache struct {
	mu sync.Mutex
	m  map[string]cachedSource
}

type cachedSource struct {
	r  *record
	at time.Time
}

// cached reads a source through the cache: as cached within sourceTTL,
// else as stored (and cached from then on).
func (s *Service) cached(ctx context.Context, id string) (*record, error) {
	now := s.Clock.Now()
	s.cache.mu.Lock()
	e, ok := s.cache.m[id]
	s.cache.mu.Unlock()
	if ok && !now.Before(e.at) && now.Sub(e.at) < sourceTTL {
		cp := *e.r
		return &cp, nil
	}
	return s.fresh(ctx, id)
}

// fresh reads a source as stored, and caches it.
func (s *Service) fresh(ctx context.Context, id string) (*record, error) {
	now := s.Clock.Now()
	r, err := s.load(ctx, id)
	if err != nil {
		s.forget(id)
		return nil, err
	}
	cp := *r
	s.cache.mu.Lock()
	if s.cache.m == nil {
		s.cache.m = map[string]cachedSource{}
	}
	s.cache.m[id] = cachedSource{r: &cp, at: now}
	s.cache.mu.Unlock()
	return r, nil
}

// forget drops a source from the cache (it was changed or deleted here).
func (s *Service) forget(id string) {
	s.cache.mu.Lock()
	delete(s.cache.m, id)
	s.cache.mu.Unlock()
}
