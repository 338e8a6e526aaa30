package listprefs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"tend/internal/check"
	"tend/internal/customerlist"
	"tend/internal/domain"
	"tend/internal/store"
	"tend/internal/workspace"
)

// Limits of saved filters.
const (
	MaxName           = 100 // characters, after trimming
	MaxQ              = 200 // characters of the free text
	MaxFiltersPerUser = 50
)

// Filter is a saved filter [bộ lọc]: what a customer list is asked for,
// kept under a name. Its owner uses it; when an admin shares it, everyone
// in the workspace sees it, and only admins change it.
type Filter struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Filter is condition groups, as the list's filter parameter takes
	// them ([] for none).
	Filter    json.RawMessage `json:"filter"`
	Q         string          `json:"q"`
	Sort      string          `json:"sort"`
	Shared    bool            `json:"shared"`
	OwnerID   string          `json:"owner_id"`
	CreatedAt time.Time       `json:"created_at"`
	UpdatedAt time.Time       `json:"updated_at"`
	Version   int64           `json:"version"`
}

// Query is the list query the filter stands for.
func (f *Filter) Query() customerlist.ListQuery {
	q := customerlist.ListQuery{Q: f.Q, Sort: f.Sort}
	if !bytes.Equal(f.Filter, []byte("[]")) {
		q.Filter = string(f.Filter)
	}
	return q
}

func (f *Filter) item(tenant string) store.Item {
	return store.Item{Key: filterKey(tenant, f.ID), Type: typeFilter, Version: f.Version, Doc: store.Doc(f)}
}

type nameClaim struct {
	FilterID string `json:"filter_id"`
}

func claimItem(tenant string, f *Filter) store.Item {
	return store.Item{Key: filterNameKey(tenant, f.OwnerID, f.Name), Type: typeFilterName, Version: 1,
		Doc: store.Doc(nameClaim{FilterID: f.ID})}
}

// visible reports whether the caller sees f: their own, or shared.
func visible(c *workspace.Caller, f *Filter) bool { return f.OwnerID == c.User.ID || f.Shared }

// editable says whether the caller may change f: a shared filter only an
// admin, a private one only its owner.
func editable(c *workspace.Caller, f *Filter) error {
	if f.Shared && !c.IsAdmin() {
		return domain.Errorf(domain.ErrForbidden, "shared_filter_read_only")
	}
	return nil
}

// ListFilters returns the filters the caller sees, their own and the
// shared ones, by name.
func (s *Service) ListFilters(ctx context.Context, c *workspace.Caller) ([]*Filter, error) {
	all, err := s.loadAll(ctx, c.Tenant())
	if err != nil {
		return nil, err
	}
	out := make([]*Filter, 0, len(all))
	for _, f := range all {
		if visible(c, f) {
			out = append(out, f)
		}
	}
	slices.SortFunc(out, func(a, b *Filter) int {
		if n := strings.Compare(domain.Fold(a.Name), domain.Fold(b.Name)); n != 0 {
			return n
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

// GetFilter returns a filter the caller sees.
func (s *Service) GetFilter(ctx context.Context, c *workspace.Caller, id string) (*Filter, error) {
	f, err := s.load(ctx, c.Tenant(), id)
	if err != nil {
		return nil, err
	}
	if !visible(c, f) {
		return nil, domain.NotFound("saved_filter")
	}
	return f, nil
}

// CreateFilter saves a new filter of the caller's; only an admin may
// share it.
func (s *Service) CreateFilter(ctx context.Context, c *workspace.Caller, in *FilterInput) (*Filter, error) {
	now := s.now()
	f := &Filter{ID: domain.NewID("sf"), OwnerID: c.User.ID, Filter: json.RawMessage("[]"), CreatedAt: now, UpdatedAt: now, Version: 1}
	if err := s.apply(c, f, in, true); err != nil {
		return nil, err
	}
	all, err := s.loadAll(ctx, c.Tenant())
	if err != nil {
		return nil, err
	}
	if n := countOwned(all, c.User.ID); n >= MaxFiltersPerUser {
		return nil, domain.Errorf(domain.ErrConflict, "too_many_saved_filters", "max", fmt.Sprint(MaxFiltersPerUser))
	}
	err = s.st.Transact(ctx, []store.TxOp{store.TxPut(f.item(c.Tenant()), store.NotExist), store.TxPut(claimItem(c.Tenant(), f), store.NotExist)})
	if store.FailedOp(err) == 1 {
		return nil, nameTaken(f.Name)
	}
	if err != nil {
		return nil, fmt.Errorf("listprefs: save filter: %w", err)
	}
	return f, nil
}

func countOwned(all []*Filter, owner string) int {
	n := 0
	for _, f := range all {
		if f.OwnerID == owner {
			n++
		}
	}
	return n
}

// UpdateFilter changes a filter the caller may change; absent parts are
// kept, a given version must be the current one.
func (s *Service) UpdateFilter(ctx context.Context, c *workspace.Caller, id string, in *FilterInput) (*Filter, error) {
	for attempt := 0; ; attempt++ {
		old, err := s.GetFilter(ctx, c, id)
		if err != nil {
			return nil, err
		}
		if err := editable(c, old); err != nil {
			return nil, err
		}
		if err := domain.CheckVersion(in.Version, old.Version, "saved_filter"); err != nil {
			return nil, err
		}
		f := *old
		if err := s.apply(c, &f, in, false); err != nil {
			return nil, err
		}
		f.Version, f.UpdatedAt = old.Version+1, s.now()
		ops := []store.TxOp{store.TxPut(f.item(c.Tenant()), store.IfVersion(old.Version))}
		if from, to := filterNameKey(c.Tenant(), old.OwnerID, old.Name), filterNameKey(c.Tenant(), f.OwnerID, f.Name); from != to {
			ops = append(ops, store.TxDelete(from, store.None), store.TxPut(claimItem(c.Tenant(), &f), store.NotExist))
		}
		err = s.st.Transact(ctx, ops)
		switch i := store.FailedOp(err); {
		case err == nil:
			return &f, nil
		case i == 0 && in.Version == nil && attempt < retries:
			continue // changed meanwhile: apply the input to the new version
		case i == 0:
			return nil, domain.VersionConflict("saved_filter")
		case i == 2:
			return nil, nameTaken(f.Name)
		}
		return nil, fmt.Errorf("listprefs: save filter %s: %w", id, err)
	}
}

// DeleteFilter removes a filter the caller may change.
func (s *Service) DeleteFilter(ctx context.Context, c *workspace.Caller, id string) error {
	for attempt := 0; ; attempt++ {
		f, err := s.GetFilter(ctx, c, id)
		if err != nil {
			return err
		}
		if err := editable(c, f); err != nil {
			return err
		}
		err = s.st.Transact(ctx, []store.TxOp{
			store.TxDelete(filterKey(c.Tenant(), f.ID), store.IfVersion(f.Version)),
			store.TxDelete(filterNameKey(c.Tenant(), f.OwnerID, f.Name), store.None),
		})
		switch {
		case err == nil:
			return nil
		case store.FailedOp(err) == 0 && attempt < retries:
			continue // renamed meanwhile: its claim may have moved
		case store.FailedOp(err) == 0:
			return domain.VersionConflict("saved_filter")
		}
		return fmt.Errorf("listprefs: delete filter %s: %w", id, err)
	}
}

// apply validates the input and writes it into f, reporting every problem
// at once; creating requires a name. The filter, text and sort are checked
// by the list's own checks, so a saved filter is always one the list takes.
func (s *Service) apply(c *workspace.Caller, f *Filter, in *FilterInput, creating bool) error {
	if in.Shared != nil && *in.Shared && !f.Shared && !c.IsAdmin() {
		return domain.Errorf(domain.ErrForbidden, "admin_only")
	}
	var p domain.Problems
	if in.Name != nil || creating {
		f.Name = check.Text(&p, "name", deref(in.Name), MaxName, true)
	}
	if in.Q != nil {
		f.Q = check.Text(&p, "q", *in.Q, MaxQ, false)
	}
	if in.Sort != nil {
		f.Sort = strings.TrimSpace(*in.Sort)
	}
	if in.Shared != nil {
		f.Shared = *in.Shared
	}
	if in.Filter != nil {
		f.Filter = compact(in.Filter)
	}
	if err := s.list.Check(c, f.Query()); err != nil {
		p.Merge("", domain.FieldErrors(err, "filter", "not_condition_groups"))
	}
	return p.Err()
}

// compact stores condition groups without insignificant space; null and
// an empty filter are stored as [].
func compact(raw json.RawMessage) json.RawMessage {
	var b bytes.Buffer
	if isNull(raw) || json.Compact(&b, raw) != nil || b.Len() == 0 {
		return json.RawMessage("[]")
	}
	return b.Bytes()
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func nameTaken(name string) error {
	return domain.Errorf(domain.ErrConflict, "saved_filter_name_taken", "name", name)
}

// load reads one filter.
func (s *Service) load(ctx context.Context, tenant, id string) (*Filter, error) {
	if id == "" {
		return nil, domain.NotFound("saved_filter")
	}
	it, err := s.st.Get(ctx, filterKey(tenant, id))
	if errors.Is(err, store.ErrNotFound) {
		return nil, domain.NotFound("saved_filter")
	}
	if err != nil {
		return nil, fmt.Errorf("listprefs: read filter %s: %w", id, err)
	}
	return decodeFilter(it)
}

// loadAll reads every filter of a workspace.
func (s *Service) loadAll(ctx context.Context, tenant string) ([]*Filter, error) {
	var out []*Filter
	q := store.Query{PK: filtersPK(tenant), SK: store.SKBeginsWith, A: "ID#", Limit: 500, DocsOnly: true}
	for it, err := range store.Items(ctx, s.st, q) {
		if err != nil {
			return nil, fmt.Errorf("listprefs: list filters: %w", err)
		}
		f, err := decodeFilter(it)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

func decodeFilter(it store.Item) (*Filter, error) {
	f, err := store.Decode[Filter](it)
	if err != nil {
		return nil, err
	}
	f.Version = it.Version
	return f, nil
}
