// Package workspace is a workspace's set-up: the workspace and its
// settings, users and their sign-in, teams, warehouses, pipelines and
// custom fields, read as one snapshot (Org) that every other capability
// works against, and the caller (a user of a workspace) every request
// acts as.
package workspace

import (
	"errors"
	"log/slog"
	"time"

	"tend/internal/domain"
	"tend/internal/store"
)

// Service keeps workspaces' set-ups.
type Service struct {
	store store.Store
	clock domain.Clock
	log   *slog.Logger
	orgs  *orgCache
	subs  *subjectCache
}

// New returns the set-up service over a store.
func New(st store.Store, clock domain.Clock, log *slog.Logger) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	orgs := newOrgCache(SetupFreshFor)
	return &Service{store: watchedStore{Store: st, orgs: orgs}, clock: clock, log: log, orgs: orgs, subs: newSubjectCache()}
}

func (s *Service) now() time.Time { return s.clock.Now().UTC() }

func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }
