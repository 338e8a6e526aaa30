package workspace

import (
	"context"
	"slices"
	"strings"
	"time"

	"tend/internal/check"
	"tend/internal/domain"
	"tend/internal/store"
)

// UserInput creates or changes a user; on a change, absent fields are kept.
type UserInput struct {
	Name        *string      `json:"name"`
	Email       *string      `json:"email"`
	Phone       *string      `json:"phone"`
	Role        *domain.Role `json:"role"`
	TeamIDs     *[]string    `json:"team_ids"`
	Active      *bool        `json:"active"`
	Away        *bool        `json:"away"`
	Birthday    *domain.Date `json:"birthday"`
	AuthSubject *string      `json:"auth_subject"`
	Version     *int64       `json:"version"`
}

// userOps writes u and moves its unique email claim from old (nil for a
// new user). Its sign-in subject has ops of its own (subjects.go).
func userOps(u, old *domain.User) []store.TxOp {
	cond := store.NotExist
	if old != nil {
		cond = store.IfVersion(old.Version)
	}
	it := store.Item{Key: userKey(u.TenantID, u.ID), Type: typeUser, Version: u.Version, Doc: store.Doc(u)}
	it.Index[birthdaySlot] = birthdayIndexOf(u)
	ops := []store.TxOp{store.TxPut(it, cond)}
	if old == nil || old.Email != u.Email {
		if old != nil && old.Email != "" {
			ops = append(ops, store.TxDelete(userEmailKey(u.TenantID, old.Email), store.None))
		}
		if u.Email != "" {
			ops = append(ops, store.TxPut(store.Item{Key: userEmailKey(u.TenantID, u.Email), Type: typeClaim, Version: 1,
				Doc: store.Doc(map[string]string{"user_id": u.ID})}, store.NotExist))
		}
	}
	return ops
}

// ListUsers returns the workspace's users. Everyone may list them (to pick
// an owner); only admins see sign-in subjects.
func (s *Service) ListUsers(c *Caller) []*domain.User {
	out := make([]*domain.User, 0, len(c.Org.Users))
	for _, u := range c.Org.Users {
		out = append(out, redactUser(c, u))
	}
	return out
}

// GetUser returns one user.
func (s *Service) GetUser(c *Caller, id string) (*domain.User, error) {
	u, ok := c.Org.User(id)
	if !ok {
		return nil, domain.NotFound("user")
	}
	return redactUser(c, u), nil
}

func redactUser(c *Caller, u *domain.User) *domain.User {
	if c.IsAdmin() || c.User.ID == u.ID {
		return u
	}
	cp := *u
	cp.AuthSubject = ""
	return &cp
}

// CreateUser adds a user to the workspace (admins only).
func (s *Service) CreateUser(ctx context.Context, c *Caller, in UserInput) (*domain.User, error) {
	if err := c.RequireAdmin(); err != nil {
		return nil, err
	}
	now := s.now()
	u := &domain.User{ID: domain.NewID("usr"), TenantID: c.Tenant(), Role: domain.RoleStaff, Active: true,
		TeamIDs: []string{}, CreatedAt: now, UpdatedAt: now, Version: 1}
	var p domain.Problems
	if in.Name == nil {
		p.Add("name", "required")
	}
	if in.Email == nil {
		p.Add("email", "required")
	}
	applyUser(c.Org, u, in, now, &p)
	if u.AuthSubject == "" {
		u.AuthSubject = u.ID
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	ops := append(userOps(u, nil), inviteSubjectOps(u, now)...)
	ops = append(ops, s.membershipOps(c.Org, u.ID, nil, u.TeamIDs)...)
	ops = append(ops, SetupChanged(c.Tenant()))
	if err := s.store.Transact(ctx, ops); err != nil {
		return nil, userConflict(err, ops)
	}
	return u, nil
}

// UpdateUser changes a user. Admins change anything; users may change their
// own name, phone, birthday and away flag.
func (s *Service) UpdateUser(ctx context.Context, c *Caller, id string, in UserInput) (*domain.User, error) {
	old, ok := c.Org.User(id)
	if !ok {
		return nil, domain.NotFound("user")
	}
	if !c.IsAdmin() {
		if c.User.ID != id || in.Email != nil || in.Role != nil || in.TeamIDs != nil || in.Active != nil || in.AuthSubject != nil {
			return nil, domain.Errorf(domain.ErrForbidden, "admin_only")
		}
	}
	if in.Version != nil && *in.Version != old.Version {
		return nil, domain.VersionConflict("user")
	}
	u := *old
	u.TeamIDs = slices.Clone(old.TeamIDs)
	var p domain.Problems
	applyUser(c.Org, &u, in, s.now(), &p)
	if err := p.Err(); err != nil {
		return nil, err
	}
	if old.Role == domain.RoleAdmin && old.Active && (u.Role != domain.RoleAdmin || !u.Active) && activeAdmins(c.Org) <= 1 {
		return nil, domain.Errorf(domain.ErrConflict, "last_admin")
	}
	u.Version, u.UpdatedAt = old.Version+1, s.now()
	ops := userOps(&u, old)
	if u.AuthSubject != old.AuthSubject {
		release, err := s.releaseSubjectOps(ctx, old)
		if err != nil {
			return nil, err
		}
		ops = append(append(ops, release...), inviteSubjectOps(&u, u.UpdatedAt)...)
	}
	ops = append(ops, s.membershipOps(c.Org, u.ID, old.TeamIDs, u.TeamIDs)...)
	ops = append(ops, SetupChanged(c.Tenant()))
	if err := s.store.Transact(ctx, ops); err != nil {
		return nil, userConflict(err, ops)
	}
	return &u, nil
}

// DeactivateUser stops a user from signing in and receiving customers; the
// record and its customers stay (admins only).
func (s *Service) DeactivateUser(ctx context.Context, c *Caller, id string) (*domain.User, error) {
	if err := c.RequireAdmin(); err != nil {
		return nil, err
	}
	inactive := false
	return s.UpdateUser(ctx, c, id, UserInput{Active: &inactive})
}

func activeAdmins(o *Org) int {
	n := 0
	for _, u := range o.Users {
		if u.Role == domain.RoleAdmin && u.Active {
			n++
		}
	}
	return n
}

func applyUser(o *Org, u *domain.User, in UserInput, now time.Time, p *domain.Problems) {
	if in.Name != nil {
		u.Name = check.Text(p, "name", *in.Name, 200, true)
	}
	if in.Email != nil {
		u.Email = check.Email(p, "email", *in.Email, true)
	}
	if in.Phone != nil {
		u.Phone = check.Phone(p, "phone", *in.Phone)
	}
	if in.Role != nil {
		if !domain.ValidRole(*in.Role) {
			p.Add("role", "invalid_role")
		}
		u.Role = *in.Role
	}
	if in.TeamIDs != nil {
		ids := check.Dedupe(*in.TeamIDs)
		for i, id := range ids {
			if _, ok := o.Team(id); !ok {
				p.Add(check.Index("team_ids", i), "unknown_team", "value", id)
			}
		}
		u.TeamIDs = ids
	}
	if in.Active != nil {
		u.Active = *in.Active
	}
	if in.Away != nil {
		u.Away = *in.Away
	}
	if in.Birthday != nil {
		u.Birthday = *in.Birthday
		checkBirthday(p, u.Birthday, domain.DateOf(now, o.Workspace.Location()))
	}
	if in.AuthSubject != nil {
		sub := strings.TrimSpace(*in.AuthSubject)
		if sub == "" || len(sub) > 200 {
			p.Add("auth_subject", "invalid_value")
		}
		u.AuthSubject = sub
	}
}

// membershipOps adds or removes user from teams so that the teams, which
// hold membership, match the user's team_ids.
func (s *Service) membershipOps(o *Org, user string, before, after []string) []store.TxOp {
	var ops []store.TxOp
	for _, t := range o.Teams {
		was, is := slices.Contains(before, t.ID), slices.Contains(after, t.ID)
		if was == is {
			continue
		}
		next := *t
		if is {
			next.MemberIDs = append(slices.Clone(t.MemberIDs), user)
		} else {
			next.MemberIDs = slices.DeleteFunc(slices.Clone(t.MemberIDs), func(id string) bool { return id == user })
		}
		next.Version, next.UpdatedAt = t.Version+1, s.now()
		ops = append(ops, store.TxPut(store.Item{Key: teamKey(o.Workspace.ID, t.ID), Type: typeTeam, Version: next.Version, Doc: store.Doc(next)}, store.IfVersion(t.Version)))
	}
	return ops
}

// userConflict explains a failed user transaction: an email or a subject
// taken in the workspace, or a concurrent change (of the user, or of the
// binding of the subject it gives up).
func userConflict(err error, ops []store.TxOp) error {
	i := store.FailedOp(err)
	if i < 0 {
		return err
	}
	switch sk := ops[i].Key.SK; {
	case strings.HasPrefix(sk, "UEMAIL#"):
		return &domain.Error{Kind: domain.ErrConflict, Code: "email_taken", Fields: []domain.FieldError{{Path: "email", Code: "email_taken"}}}
	case strings.HasPrefix(sk, "USUB#"):
		return &domain.Error{Kind: domain.ErrConflict, Code: "subject_taken", Fields: []domain.FieldError{{Path: "auth_subject", Code: "subject_taken"}}}
	}
	return domain.VersionConflict("user")
}
