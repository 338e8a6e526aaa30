// Package listprefs keeps what each user sets about the customer list:
// the list settings [thiết lập hiển thị tại màn hình danh sách] — the
// columns shown and their order, the default sort and page size — and
// saved filters [bộ lọc của nhân viên], a user's own or shared by an admin
// with the whole workspace.
//
// A saved filter's filter, text and sort, and the settings' sort, are held
// to exactly what the customer list accepts: the checks are the list's own
// (customerlist.Service.Check), given to New.
package listprefs

import (
	"time"

	"tend/internal/customerlist"
	"tend/internal/domain"
	"tend/internal/store"
	"tend/internal/workspace"
)

// Checker checks a list query's filter, text and sort as the customer list
// does (customerlist.Service.Check), naming the bad element by the query
// parameter's name ("filter[0][1].value", "sort").
type Checker interface {
	Check(c *workspace.Caller, q customerlist.ListQuery) error
}

// Service keeps list settings and saved filters.
type Service struct {
	st    store.Store
	clock domain.Clock
	list  Checker
}

// New returns the service over a store.
func New(st store.Store, clock domain.Clock, list Checker) *Service {
	return &Service{st: st, clock: clock, list: list}
}

func (s *Service) now() time.Time { return s.clock.Now().UTC() }

// retries bounds how often a write that lost a race is tried again.
const retries = 4
