package workspace

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"tend/internal/domain"
	"tend/internal/rules"
	"tend/internal/store"
)

// Org is a snapshot of a workspace's set-up: everything under its root
// partition, read with one query.
type Org struct {
	Workspace  domain.Workspace
	Users      []*domain.User // by name
	Teams      []*domain.Team
	Warehouses []*domain.Warehouse
	Pipelines  []*domain.Pipeline
	Fields     []domain.FieldDef // custom fields
	Duplicates DuplicateSettings

	// SetupVersion changes whenever anything of the set-up changes (users,
	// teams, fields, pipelines, settings, rules): what is derived from a
	// snapshot can be kept while it stays the same.
	SetupVersion int64

	users  map[string]*domain.User
	schema *rules.Schema
}

// setupVersionKey counts the changes of a workspace's set-up.
func setupVersionKey(t string) store.Key { return CounterKey(t, "setup") }

// SetupChanged is the op every write of a workspace's set-up includes in
// its transaction: it moves the set-up version, so that cached snapshots
// (of the set-up, of rules) are read again.
func SetupChanged(tenant string) store.TxOp { return store.TxAdd(setupVersionKey(tenant), 1) }

// LoadOrg returns a workspace's set-up: the cached snapshot while it is
// fresh (SetupFreshFor), else the cached one if the set-up version has not
// moved (one small eventually consistent read), else a fresh one.
func (s *Service) LoadOrg(ctx context.Context, tenant string) (*Org, error) {
	now := s.now()
	epoch := s.orgs.epoch.Load()
	cached, ok := s.orgs.get(tenant)
	if ok && s.orgs.fresh(cached.checkedAt, now) {
		return cached.org.copy(), nil
	}
	v, err := s.store.GetEventually(ctx, setupVersionKey(tenant))
	if err != nil && !isNotFound(err) {
		return nil, fmt.Errorf("workspace: read set-up version: %w", err)
	}
	if ok && cached.org.SetupVersion == v.N {
		s.orgs.put(tenant, cachedOrg{org: cached.org, checkedAt: now}, epoch)
		return cached.org.copy(), nil
	}
	o, err := s.readOrg(ctx, tenant)
	if err != nil {
		return nil, err
	}
	o.SetupVersion = v.N
	o.Schema() // built now: the snapshot is shared read-only from here on
	s.orgs.put(tenant, cachedOrg{org: o, checkedAt: now}, epoch)
	return o.copy(), nil
}

// copy is a shallow copy: callers may change their copy's workspace and
// settings, not the shared users, teams and the rest.
func (o *Org) copy() *Org {
	cp := *o
	return &cp
}

// Caller is who is making a request: a user and the workspace they belong
// to. The role always comes from the user record, never from a token.
type Caller struct {
	User *domain.User
	Org  *Org
}

// Tenant is the caller's workspace id.
func (c *Caller) Tenant() string { return c.Org.Workspace.ID }

// Actor is the caller as the author of a change.
func (c *Caller) Actor() domain.Actor {
	return domain.Actor{Kind: domain.ActorUser, ID: c.User.ID, Name: c.User.Name}
}

// IsAdmin reports whether the caller administers the workspace.
func (c *Caller) IsAdmin() bool { return c.User.IsAdmin() }

// RequireAdmin refuses non-admins: only admins change settings.
func (c *Caller) RequireAdmin() error {
	if !c.IsAdmin() {
		return domain.Errorf(domain.ErrForbidden, "admin_only")
	}
	return nil
}

// readOrg reads a workspace's set-up.
func (s *Service) readOrg(ctx context.Context, tenant string) (*Org, error) {
	items, err := store.QueryAll(ctx, s.store, store.Query{PK: tenantPK(tenant), Limit: 1000})
	if err != nil {
		return nil, err
	}
	o := &Org{users: map[string]*domain.User{}}
	found := false
	for _, it := range items {
		switch it.Type {
		case typeWorkspace:
			w, err := store.Decode[domain.Workspace](it)
			if err != nil {
				return nil, err
			}
			w.Version = it.Version
			if w.BirthdayNotices == "" {
				w.BirthdayNotices = domain.BirthdayNoticesTeam // a workspace made before the setting
			}
			o.Workspace, found = *w, true
		case typeUser:
			u, err := store.Decode[domain.User](it)
			if err != nil {
				return nil, err
			}
			u.Version = it.Version
			o.Users = append(o.Users, u)
			o.users[u.ID] = u
		case typeTeam:
			t, err := store.Decode[domain.Team](it)
			if err != nil {
				return nil, err
			}
			t.Version = it.Version
			o.Teams = append(o.Teams, t)
		case typeWarehouse:
			w, err := store.Decode[domain.Warehouse](it)
			if err != nil {
				return nil, err
			}
			w.Version = it.Version
			o.Warehouses = append(o.Warehouses, w)
		case typePipeline:
			p, err := store.Decode[domain.Pipeline](it)
			if err != nil {
				return nil, err
			}
			p.Version = it.Version
			o.Pipelines = append(o.Pipelines, p)
		case typeField:
			f, err := store.Decode[domain.FieldDef](it)
			if err != nil {
				return nil, err
			}
			f.Version = it.Version
			o.Fields = append(o.Fields, *f)
		case typeSetting:
			if it.SK == settingKey(tenant, settingDuplicates).SK {
				d, err := store.Decode[DuplicateSettings](it)
				if err != nil {
					return nil, err
				}
				d.Version = it.Version
				o.Duplicates = *d
			}
		}
	}
	if !found {
		return nil, domain.NotFound("workspace")
	}
	for _, u := range o.Users {
		u.TeamIDs = o.teamsOf(u.ID)
	}
	byName := func(a, b string) int { return strings.Compare(domain.Fold(a), domain.Fold(b)) }
	slices.SortFunc(o.Users, func(a, b *domain.User) int { return byName(a.Name, b.Name) })
	slices.SortFunc(o.Teams, func(a, b *domain.Team) int { return byName(a.Name, b.Name) })
	slices.SortFunc(o.Warehouses, func(a, b *domain.Warehouse) int { return byName(a.Name, b.Name) })
	slices.SortFunc(o.Pipelines, func(a, b *domain.Pipeline) int { return a.CreatedAt.Compare(b.CreatedAt) })
	slices.SortFunc(o.Fields, func(a, b domain.FieldDef) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return o, nil
}

// User returns a user of the workspace by id.
func (o *Org) User(id string) (*domain.User, bool) {
	u, ok := o.users[id]
	return u, ok
}

// UserName returns a user's name, or "" for an unknown id.
func (o *Org) UserName(id string) string {
	if u, ok := o.users[id]; ok {
		return u.Name
	}
	return ""
}

func (o *Org) teamsOf(userID string) []string {
	ids := []string{}
	for _, t := range o.Teams {
		if slices.Contains(t.MemberIDs, userID) {
			ids = append(ids, t.ID)
		}
	}
	return ids
}

// Team returns a team by id.
func (o *Org) Team(id string) (*domain.Team, bool) {
	for _, t := range o.Teams {
		if t.ID == id {
			return t, true
		}
	}
	return nil, false
}

// Warehouse returns a warehouse by id.
func (o *Org) Warehouse(id string) (*domain.Warehouse, bool) {
	for _, w := range o.Warehouses {
		if w.ID == id {
			return w, true
		}
	}
	return nil, false
}

// Pipeline returns a pipeline by id.
func (o *Org) Pipeline(id string) (*domain.Pipeline, bool) {
	for _, p := range o.Pipelines {
		if p.ID == id {
			return p, true
		}
	}
	return nil, false
}

// Field returns a custom field definition by key.
func (o *Org) Field(key string) (domain.FieldDef, bool) {
	for _, f := range o.Fields {
		if f.Key == key {
			return f, true
		}
	}
	return domain.FieldDef{}, false
}

// Schema is what conditions over this workspace's customers compile
// against.
func (o *Org) Schema() *rules.Schema {
	if o.schema == nil {
		pipelines := make([]domain.Pipeline, len(o.Pipelines))
		for i, p := range o.Pipelines {
			pipelines[i] = *p
		}
		users := make([]string, len(o.Users))
		for i, u := range o.Users {
			users[i] = u.ID
		}
		whs := make([]string, len(o.Warehouses))
		for i, w := range o.Warehouses {
			whs[i] = w.ID
		}
		o.schema = rules.NewSchema(o.Fields, pipelines).WithUsers(users).WithWarehouses(whs)
	}
	return o.schema
}

// FieldType returns the type of the field a key names (a writable system
// field, or a custom field), for callers that convert values to it.
func (o *Org) FieldType(key string) (domain.FieldType, bool) {
	if f, ok := domain.SystemField(key); ok {
		return f.Type, true
	}
	if f, ok := o.Field(key); ok {
		return f.Type, true
	}
	return "", false
}

// CheckStep checks that a pipeline and one of its steps exist, reporting
// at pipeline_id and step_id.
func (o *Org) CheckStep(p *domain.Problems, pipelineID, stepID string) {
	pl, ok := o.Pipeline(pipelineID)
	switch {
	case pipelineID == "":
		p.Add("pipeline_id", "required")
	case !ok:
		p.Add("pipeline_id", "unknown_pipeline", "pipeline", pipelineID)
	case stepID == "":
		p.Add("step_id", "required")
	default:
		if _, ok := pl.Step(stepID); !ok {
			p.Add("step_id", "unknown_step", "value", stepID)
		}
	}
}
