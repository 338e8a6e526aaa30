// Package templates keeps a workspace's email and SMS templates [mẫu
// email, mẫu SMS] and renders their merge fields [trường trộn] for a
// customer: the syntax ({{field_key}}, and #field_key in task texts), what
// each key means, and how its value is shown to people.
package templates

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"tend/internal/domain"
	"tend/internal/store"
	"tend/internal/workspace"
)

// Service manages templates.
type Service struct {
	st    store.Store
	clock domain.Clock
}

// New returns the templates service over a store.
func New(st store.Store, clock domain.Clock) *Service {
	return &Service{st: st, clock: clock}
}

func (s *Service) now() time.Time { return s.clock.Now().UTC() }

// retries bounds how often a write that lost a race is tried again when
// the caller did not name a version.
const retries = 4

// List returns the templates of a kind whose name contains q, ignoring
// case and diacritics ("sinh nhat" finds "Chúc mừng sinh nhật"), sorted by
// name; an empty q lists them all. Every user may read templates.
func (s *Service) List(ctx context.Context, c *workspace.Caller, kind Kind, q string) ([]*Template, error) {
	if !kind.Valid() {
		return nil, domain.NotFound("template")
	}
	all, err := s.loadAll(ctx, c.Tenant(), kind)
	if err != nil {
		return nil, err
	}
	needle := domain.Fold(q)
	out := make([]*Template, 0, len(all))
	for _, t := range all {
		if domain.FoldedContains(t.Name, needle) {
			out = append(out, t)
		}
	}
	slices.SortFunc(out, func(a, b *Template) int {
		if n := strings.Compare(domain.Fold(a.Name), domain.Fold(b.Name)); n != 0 {
			return n
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

// Get returns a template.
func (s *Service) Get(ctx context.Context, c *workspace.Caller, kind Kind, id string) (*Template, error) {
	return s.load(ctx, c.Tenant(), kind, id)
}

// Load returns a template for background work (sending), with no caller.
func (s *Service) Load(ctx context.Context, tenant string, kind Kind, id string) (*Template, error) {
	return s.load(ctx, tenant, kind, id)
}

// Create saves a new template. Every user may create templates; the
// name must not be used by another template of the kind.
func (s *Service) Create(ctx context.Context, c *workspace.Caller, kind Kind, in *Input) (*Template, error) {
	if !kind.Valid() {
		return nil, domain.NotFound("template")
	}
	now := s.now()
	t := &Template{ID: domain.NewID("tpl"), Kind: kind, Tenant: c.Tenant(), CreatedBy: c.User.ID,
		CreatedAt: now, UpdatedAt: now, Version: 1}
	if err := apply(c.Org, t, in, true); err != nil {
		return nil, err
	}
	if err := s.st.Transact(ctx, saveOps(t, nil)); err != nil {
		if store.FailedOp(err) == 1 {
			return nil, nameTaken(t.Name)
		}
		return nil, fmt.Errorf("templates: save %s template: %w", kind, err)
	}
	return t, nil
}

// Update changes a template: its author or an admin may. Absent parts are
// kept; a given version must be the current one.
func (s *Service) Update(ctx context.Context, c *workspace.Caller, kind Kind, id string, in *Input) (*Template, error) {
	for attempt := 0; ; attempt++ {
		old, err := s.editable(ctx, c, kind, id)
		if err != nil {
			return nil, err
		}
		if in.Version != nil && *in.Version != old.Version {
			return nil, domain.VersionConflict("template")
		}
		t := *old
		if err := apply(c.Org, &t, in, false); err != nil {
			return nil, err
		}
		t.Version, t.UpdatedAt = old.Version+1, s.now()
		ops := saveOps(&t, old)
		err = s.st.Transact(ctx, ops)
		switch i := store.FailedOp(err); {
		case err == nil:
			return &t, nil
		case i == 0 && in.Version == nil && attempt < retries:
			continue // changed meanwhile: apply the input to the new version
		case i == 0:
			return nil, domain.VersionConflict("template")
		case i > 0 && ops[i].IsPut():
			return nil, nameTaken(t.Name)
		}
		return nil, fmt.Errorf("templates: save %s template %s: %w", kind, id, err)
	}
}

// Delete removes a template (its author or an admin). Rules and campaigns
// that name it find it gone when they send.
func (s *Service) Delete(ctx context.Context, c *workspace.Caller, kind Kind, id string) error {
	for attempt := 0; ; attempt++ {
		t, err := s.editable(ctx, c, kind, id)
		if err != nil {
			return err
		}
		err = s.st.Transact(ctx, []store.TxOp{
			store.TxDelete(templateKey(t.Tenant, t.Kind, t.ID), store.IfVersion(t.Version)),
			store.TxDelete(nameKey(t.Tenant, t.Kind, t.Name), store.None),
		})
		switch {
		case err == nil:
			return nil
		case store.FailedOp(err) == 0 && attempt < retries:
			continue // changed (renamed) meanwhile: its claim may have moved
		case store.FailedOp(err) == 0:
			return domain.VersionConflict("template")
		}
		return fmt.Errorf("templates: delete %s template %s: %w", kind, id, err)
	}
}

// editable loads a template the caller may change: their own, or any for
// an admin.
func (s *Service) editable(ctx context.Context, c *workspace.Caller, kind Kind, id string) (*Template, error) {
	t, err := s.load(ctx, c.Tenant(), kind, id)
	if err != nil {
		return nil, err
	}
	if !c.IsAdmin() && t.CreatedBy != c.User.ID {
		return nil, domain.Forbidden()
	}
	return t, nil
}

// nameTaken says another template of the kind has the name.
func nameTaken(name string) error {
	e := domain.Errorf(domain.ErrConflict, "template_name_taken", "name", name)
	e.Fields = []domain.FieldError{{Path: "name", Code: "template_name_taken", Params: map[string]string{"name": name}}}
	return e
}
