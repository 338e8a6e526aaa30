package workspace

import (
	"slices"
	"sort"

	"tend/internal/domain"
)

// Scope is the set of customers a user may see and change (SPEC §0):
// staff their own; team leaders also their team members'; warehouse
// managers also those of the warehouses they manage; admins all. Customers
// shared with a user are visible to them, read-only.
type Scope struct {
	all        bool
	self       string
	owners     map[string]bool
	warehouses map[string]bool
}

// ScopeOf returns what u may see.
func (o *Org) ScopeOf(u *domain.User) Scope {
	sc := Scope{self: u.ID, owners: map[string]bool{u.ID: true}, warehouses: map[string]bool{}}
	switch u.Role {
	case domain.RoleAdmin:
		sc.all = true
	case domain.RoleTeamLeader:
		for _, t := range o.Teams {
			if t.LeaderID == u.ID {
				for _, m := range t.MemberIDs {
					sc.owners[m] = true
				}
			}
		}
	case domain.RoleWarehouseManager:
		for _, w := range o.Warehouses {
			if slices.Contains(w.ManagerIDs, u.ID) {
				sc.warehouses[w.ID] = true
			}
		}
	}
	return sc
}

// WholeWorkspace is the scope of every customer of a workspace, for
// lookups and system actors.
func WholeWorkspace() Scope { return Scope{all: true} }

// All reports whether the scope is the whole workspace.
func (s Scope) All() bool { return s.all }

// CanWrite reports whether the customer may be changed.
func (s Scope) CanWrite(c *domain.Customer) bool {
	return s.all || (c.OwnerID != "" && s.owners[c.OwnerID]) || (c.WarehouseID != "" && s.warehouses[c.WarehouseID])
}

// CanRead reports whether the customer may be seen.
func (s Scope) CanRead(c *domain.Customer) bool {
	return s.CanWrite(c) || c.SharedWithUser(s.self)
}

// CanAssign reports whether a customer may be given to owner (in the
// given warehouse) by this caller.
func (s Scope) CanAssign(owner, warehouse string) bool {
	if s.all {
		return true
	}
	if owner == "" {
		return warehouse != "" && s.warehouses[warehouse]
	}
	return s.owners[owner] || (warehouse != "" && s.warehouses[warehouse])
}

// Owners lists the owners whose customers are in scope (not for admins).
func (s Scope) Owners() []string { return sortedKeys(s.owners) }

// Warehouses lists the warehouses whose customers are in scope.
func (s Scope) Warehouses() []string { return sortedKeys(s.warehouses) }

// Self is the user the scope belongs to.
func (s Scope) Self() string { return s.self }

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
