package listprefs

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"tend/internal/customerlist"
	"tend/internal/domain"
	"tend/internal/store"
	"tend/internal/workspace"
)

// Defaults of a user who has saved no list settings: every field as a
// column (system fields in their display order, then custom fields in
// the order they were made), newest first, 50 a page (the list's own
// default page size).
const (
	DefaultSort  = "-created_at"
	DefaultLimit = 50
	// MaxLimit is the largest page the list serves.
	MaxLimit = 500
)

// Settings are a user's list settings.
type Settings struct {
	// Columns are field keys, in the order shown.
	Columns []string `json:"columns"`
	// Sort is as the list's sort parameter: a field, "-" first for
	// descending.
	Sort  string `json:"sort"`
	Limit int    `json:"limit"`
	// Default says the user has saved none: these are the defaults.
	Default   bool       `json:"default"`
	UpdatedAt *time.Time `json:"updated_at"`
}

// stored is what a user's settings item holds.
type stored struct {
	Columns   []string  `json:"columns"`
	Sort      string    `json:"sort"`
	Limit     int       `json:"limit"`
	UpdatedAt time.Time `json:"updated_at"`
}

// AllColumns are every field of the workspace, system fields first in
// their display order, then custom fields in the order they were made.
func AllColumns(o *workspace.Org) []string {
	out := make([]string, 0, len(domain.SystemFields)+len(o.Fields))
	for _, f := range domain.SystemFields {
		out = append(out, f.Key)
	}
	for _, f := range o.Fields {
		out = append(out, f.Key)
	}
	return out
}

// knownField reports whether key names a field of the workspace.
func knownField(o *workspace.Org, key string) bool {
	return domain.IsSystemField(key) || slices.ContainsFunc(o.Fields, func(f domain.FieldDef) bool { return f.Key == key })
}

// Defaults are the settings of a user who has saved none.
func Defaults(o *workspace.Org) *Settings {
	return &Settings{Columns: AllColumns(o), Sort: DefaultSort, Limit: DefaultLimit, Default: true}
}

// Get returns the caller's list settings, or the defaults. A saved column
// whose field has since been removed is left out.
func (s *Service) Get(ctx context.Context, c *workspace.Caller) (*Settings, error) {
	it, err := s.st.Get(ctx, settingsKey(c.Tenant(), c.User.ID))
	if errors.Is(err, store.ErrNotFound) {
		return Defaults(c.Org), nil
	}
	if err != nil {
		return nil, fmt.Errorf("listprefs: read settings: %w", err)
	}
	st, err := store.Decode[stored](it)
	if err != nil {
		return nil, err
	}
	out := &Settings{Columns: []string{}, Sort: st.Sort, Limit: st.Limit, UpdatedAt: &st.UpdatedAt}
	for _, k := range st.Columns {
		if knownField(c.Org, k) {
			out.Columns = append(out.Columns, k)
		}
	}
	return out, nil
}

// Put saves the caller's list settings whole; an absent sort or limit is
// the default.
func (s *Service) Put(ctx context.Context, c *workspace.Caller, in *SettingsInput) (*Settings, error) {
	var p domain.Problems
	st := stored{Columns: in.Columns, Sort: in.Sort, Limit: in.Limit, UpdatedAt: s.now()}
	if len(in.Columns) == 0 {
		p.Add("columns", "required")
	}
	for i, k := range in.Columns {
		at := fmt.Sprintf("columns[%d]", i)
		switch {
		case !knownField(c.Org, k):
			p.Add(at, "unknown_field", "field", k)
		case slices.Contains(in.Columns[:i], k):
			p.Add(at, "duplicate")
		}
	}
	if st.Sort == "" {
		st.Sort = DefaultSort
	}
	if err := s.list.Check(c, customerlist.ListQuery{Sort: st.Sort}); err != nil {
		p.Merge("", domain.FieldErrors(err, "sort", "invalid_sort"))
	}
	switch {
	case st.Limit == 0 && !in.LimitGiven:
		st.Limit = DefaultLimit
	case st.Limit < 1 || st.Limit > MaxLimit:
		p.Add("limit", "invalid_limit")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	key := settingsKey(c.Tenant(), c.User.ID)
	for attempt := 0; ; attempt++ {
		old, err := s.st.Get(ctx, key)
		cond, version := store.NotExist, int64(1)
		switch {
		case err == nil:
			cond, version = store.IfVersion(old.Version), old.Version+1
		case !errors.Is(err, store.ErrNotFound):
			return nil, fmt.Errorf("listprefs: read settings: %w", err)
		}
		err = s.st.Put(ctx, store.Item{Key: key, Type: typeSettings, Version: version, Doc: store.Doc(st)}, cond)
		switch {
		case err == nil:
			return &Settings{Columns: st.Columns, Sort: st.Sort, Limit: st.Limit, UpdatedAt: &st.UpdatedAt}, nil
		case errors.Is(err, store.ErrConditionFailed) && attempt < retries:
			continue // saved meanwhile (another tab): the last write wins
		}
		return nil, fmt.Errorf("listprefs: save settings: %w", err)
	}
}
