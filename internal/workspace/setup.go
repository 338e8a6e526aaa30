package workspace

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"time"

	"tend/internal/check"
	"tend/internal/domain"
	"tend/internal/store"
)

// SaveSetup writes a set-up item: created when prev is 0, else replaced if
// it is still at version prev. It moves the set-up version with it.
func SaveSetup(ctx context.Context, st store.Store, key store.Key, typ, what string, doc any, version, prev int64) error {
	cond := store.NotExist
	if prev > 0 {
		cond = store.IfVersion(prev)
	}
	err := st.Transact(ctx, []store.TxOp{
		store.TxPut(store.Item{Key: key, Type: typ, Version: version, Doc: store.Doc(doc)}, cond),
		SetupChanged(strings.TrimPrefix(key.PK, "T#")), // set-up items live in the tenant's root partition
	})
	if errors.Is(err, store.ErrConditionFailed) {
		return domain.VersionConflict(what)
	}
	return err
}

func (s *Service) deleteSetup(ctx context.Context, c *Caller, key store.Key) error {
	if err := c.RequireAdmin(); err != nil {
		return err
	}
	return s.store.Transact(ctx, []store.TxOp{store.TxDelete(key, store.None), SetupChanged(c.Tenant())})
}

// kind is what saving set-up entities of a type needs to know of it.
type kind[T any] struct {
	what, typ string
	fresh     func(now time.Time) *T
	find      func(o *Org, id string) (*T, bool)
	key       func(tenant string, t *T) store.Key
	// stamps points at the entity's version and update time.
	stamps func(t *T) (*int64, *time.Time)
}

var (
	teams = kind[domain.Team]{what: "team", typ: typeTeam,
		fresh: func(now time.Time) *domain.Team {
			return &domain.Team{ID: domain.NewID("team"), MemberIDs: []string{}, CreatedAt: now}
		},
		find:   (*Org).Team,
		key:    func(tn string, t *domain.Team) store.Key { return teamKey(tn, t.ID) },
		stamps: func(t *domain.Team) (*int64, *time.Time) { return &t.Version, &t.UpdatedAt }}
	warehouses = kind[domain.Warehouse]{what: "warehouse", typ: typeWarehouse,
		fresh: func(now time.Time) *domain.Warehouse {
			return &domain.Warehouse{ID: domain.NewID("wh"), ManagerIDs: []string{}, CreatedAt: now}
		},
		find:   (*Org).Warehouse,
		key:    func(tn string, w *domain.Warehouse) store.Key { return warehouseKey(tn, w.ID) },
		stamps: func(w *domain.Warehouse) (*int64, *time.Time) { return &w.Version, &w.UpdatedAt }}
	pipelines = kind[domain.Pipeline]{what: "pipeline", typ: typePipeline,
		fresh:  func(now time.Time) *domain.Pipeline { return &domain.Pipeline{ID: domain.NewID("pl"), CreatedAt: now} },
		find:   (*Org).Pipeline,
		key:    func(tn string, p *domain.Pipeline) store.Key { return pipelineKey(tn, p.ID) },
		stamps: func(p *domain.Pipeline) (*int64, *time.Time) { return &p.Version, &p.UpdatedAt }}
)

// required names the properties a create must have, each with whether
// the input has it.
type required map[string]bool

// saveEntity is every set-up save (admins only): a fresh entity for a
// create (id ""), else a copy of the current one, which given, when set,
// must name the version of; apply sets and checks the input; the result
// is written over the version read, moving the set-up version.
func saveEntity[T any](ctx context.Context, s *Service, c *Caller, id string, given *int64, k kind[T],
	apply func(t *T, p *domain.Problems), req required) (*T, error) {
	if err := c.RequireAdmin(); err != nil {
		return nil, err
	}
	now := s.now()
	t, prev := k.fresh(now), int64(0)
	if id != "" {
		old, ok := k.find(c.Org, id)
		if !ok {
			return nil, domain.NotFound(k.what)
		}
		v, _ := k.stamps(old)
		if err := domain.CheckVersion(given, *v, k.what); err != nil {
			return nil, err
		}
		cp := *old
		t, prev = &cp, *v
	}
	var p domain.Problems
	if id == "" {
		for _, name := range slices.Sorted(maps.Keys(req)) {
			if !req[name] {
				p.Add(name, "required")
			}
		}
	}
	apply(t, &p)
	if err := p.Err(); err != nil {
		return nil, err
	}
	v, updated := k.stamps(t)
	*v, *updated = prev+1, now
	if err := SaveSetup(ctx, s.store, k.key(c.Tenant(), t), k.typ, k.what, t, *v, prev); err != nil {
		return nil, err
	}
	return t, nil
}

// CheckUsers checks a list of user ids; role, when given, is the role the
// users must have (or be admins) for the list to mean anything.
func CheckUsers(o *Org, p *domain.Problems, path string, ids []string, role domain.Role) []string {
	ids = check.Dedupe(ids)
	for i, id := range ids {
		checkUser(o, p, check.Index(path, i), id, role)
	}
	return ids
}

// checkUser checks one user id, as checkUsers does.
func checkUser(o *Org, p *domain.Problems, path, id string, role domain.Role) {
	u, ok := o.User(id)
	switch {
	case !ok:
		p.Add(path, "unknown_user", "value", id)
	case role != "" && u.Role != role && u.Role != domain.RoleAdmin:
		p.Add(path, "wrong_role", "role", string(role))
	}
}

// TeamInput creates or changes a team; on a change, absent fields are kept.
type TeamInput struct {
	Name      *string   `json:"name"`
	LeaderID  *string   `json:"leader_id"`
	MemberIDs *[]string `json:"member_ids"`
	Version   *int64    `json:"version"`
}

// GetTeam returns a team.
func (s *Service) GetTeam(c *Caller, id string) (*domain.Team, error) {
	t, ok := c.Org.Team(id)
	if !ok {
		return nil, domain.NotFound("team")
	}
	return t, nil
}

// SaveTeam creates (id "") or changes a team (admins only).
func (s *Service) SaveTeam(ctx context.Context, c *Caller, id string, in TeamInput) (*domain.Team, error) {
	return saveEntity(ctx, s, c, id, in.Version, teams, func(t *domain.Team, p *domain.Problems) {
		if in.Name != nil {
			t.Name = check.Text(p, "name", *in.Name, 200, true)
		}
		if in.LeaderID != nil {
			t.LeaderID = *in.LeaderID
			if t.LeaderID != "" {
				checkUser(c.Org, p, "leader_id", t.LeaderID, domain.RoleTeamLeader)
			}
		}
		if in.MemberIDs != nil {
			t.MemberIDs = CheckUsers(c.Org, p, "member_ids", *in.MemberIDs, "")
		}
	}, required{"name": in.Name != nil})
}

// DeleteTeam removes a team; its members stay (admins only).
func (s *Service) DeleteTeam(ctx context.Context, c *Caller, id string) error {
	if _, ok := c.Org.Team(id); !ok {
		return domain.NotFound("team")
	}
	return s.deleteSetup(ctx, c, teamKey(c.Tenant(), id))
}

// WarehouseInput creates or changes a warehouse.
type WarehouseInput struct {
	Name       *string   `json:"name"`
	ManagerIDs *[]string `json:"manager_ids"`
	Version    *int64    `json:"version"`
}

// GetWarehouse returns a warehouse.
func (s *Service) GetWarehouse(c *Caller, id string) (*domain.Warehouse, error) {
	w, ok := c.Org.Warehouse(id)
	if !ok {
		return nil, domain.NotFound("warehouse")
	}
	return w, nil
}

// SaveWarehouse creates (id "") or changes a warehouse (admins only).
func (s *Service) SaveWarehouse(ctx context.Context, c *Caller, id string, in WarehouseInput) (*domain.Warehouse, error) {
	return saveEntity(ctx, s, c, id, in.Version, warehouses, func(w *domain.Warehouse, p *domain.Problems) {
		if in.Name != nil {
			w.Name = check.Text(p, "name", *in.Name, 200, true)
		}
		if in.ManagerIDs != nil {
			w.ManagerIDs = CheckUsers(c.Org, p, "manager_ids", *in.ManagerIDs, domain.RoleWarehouseManager)
		}
	}, required{"name": in.Name != nil})
}

// DeleteWarehouse removes a warehouse; its customers keep their data
// (admins only).
func (s *Service) DeleteWarehouse(ctx context.Context, c *Caller, id string) error {
	if _, ok := c.Org.Warehouse(id); !ok {
		return domain.NotFound("warehouse")
	}
	return s.deleteSetup(ctx, c, warehouseKey(c.Tenant(), id))
}

// PipelineInput creates or changes a pipeline. Steps given with an id keep
// it; steps without one are new.
type PipelineInput struct {
	Name    *string        `json:"name"`
	Steps   *[]domain.Step `json:"steps"`
	Version *int64         `json:"version"`
}

// GetPipeline returns a pipeline.
func (s *Service) GetPipeline(c *Caller, id string) (*domain.Pipeline, error) {
	pl, ok := c.Org.Pipeline(id)
	if !ok {
		return nil, domain.NotFound("pipeline")
	}
	return pl, nil
}

// SavePipeline creates (id "") or changes a pipeline (admins only).
func (s *Service) SavePipeline(ctx context.Context, c *Caller, id string, in PipelineInput) (*domain.Pipeline, error) {
	return saveEntity(ctx, s, c, id, in.Version, pipelines, func(pl *domain.Pipeline, p *domain.Problems) {
		if in.Name != nil {
			pl.Name = check.Text(p, "name", *in.Name, 200, true)
		}
		if in.Steps != nil {
			pl.Steps = checkSteps(p, pl, *in.Steps)
		}
	}, required{"name": in.Name != nil, "steps": in.Steps != nil})
}

func checkSteps(p *domain.Problems, pl *domain.Pipeline, steps []domain.Step) []domain.Step {
	if len(steps) == 0 {
		p.Add("steps", "required")
		return nil
	}
	if len(steps) > 50 {
		p.Add("steps", "too_many", "max", "50")
		return nil
	}
	out := make([]domain.Step, 0, len(steps))
	var names []string
	for i, st := range steps {
		at := check.Index("steps", i)
		st.Name = check.Text(p, at+".name", st.Name, 100, true)
		folded := domain.Fold(st.Name)
		if st.Name != "" && slices.Contains(names, folded) {
			p.Add(at+".name", "duplicate_name")
		}
		names = append(names, folded)
		if st.ID == "" {
			st.ID = domain.NewID("st")
		} else if _, ok := pl.Step(st.ID); !ok {
			p.Add(at+".id", "unknown_step", "value", st.ID)
		}
		out = append(out, st)
	}
	return out
}

// DeletePipeline removes a pipeline (admins only). Customers keep their
// step in it as data until changed.
func (s *Service) DeletePipeline(ctx context.Context, c *Caller, id string) error {
	if _, ok := c.Org.Pipeline(id); !ok {
		return domain.NotFound("pipeline")
	}
	return s.deleteSetup(ctx, c, pipelineKey(c.Tenant(), id))
}
