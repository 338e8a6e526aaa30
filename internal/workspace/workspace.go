package workspace

import (
	"context"
	"errors"
	"slices"
	"strings"

	"tend/internal/check"
	"tend/internal/domain"
	"tend/internal/store"
)

// NewWorkspace is what it takes to open a workspace: its name and settings,
// and its first admin.
type NewWorkspace struct {
	Name         string `json:"name"`
	Timezone     string `json:"timezone"`
	Language     string `json:"language"`
	AdminName    string `json:"admin_name"`
	AdminEmail   string `json:"admin_email"`
	AdminSubject string `json:"-"`
}

// CreateWorkspace opens a workspace with its first admin and the default
// settings (duplicate check on email and phone).
func (s *Service) CreateWorkspace(ctx context.Context, in NewWorkspace) (*domain.Workspace, *domain.User, error) {
	now := s.now()
	ws := &domain.Workspace{
		ID: domain.NewID("ws"), Name: strings.TrimSpace(in.Name), Timezone: in.Timezone, Language: in.Language,
		QuietHours: domain.DefaultQuietHours, BirthdayNotices: domain.BirthdayNoticesTeam, CreatedAt: now, UpdatedAt: now, Version: 1,
	}
	if ws.Timezone == "" {
		ws.Timezone = domain.DefaultTimezone
	}
	if ws.Language == "" {
		ws.Language = domain.DefaultLanguage
	}
	var p domain.Problems
	validateWorkspace(ws, &p)
	admin := &domain.User{
		ID: domain.NewID("usr"), TenantID: ws.ID, Name: strings.TrimSpace(in.AdminName), Email: in.AdminEmail,
		Role: domain.RoleAdmin, Active: true, AuthSubject: in.AdminSubject, TeamIDs: []string{},
		CreatedAt: now, UpdatedAt: now, Version: 1,
	}
	if admin.Name == "" {
		admin.Name = "Admin"
	}
	if admin.AuthSubject == "" {
		admin.AuthSubject = admin.ID
	}
	admin.Email = check.Email(&p, "admin_email", admin.Email, true)
	if err := p.Err(); err != nil {
		return nil, nil, err
	}
	dup := DuplicateSettings{Criteria: []string{CriterionEmail, CriterionPhone}, UpdatedAt: now, Version: 1}
	ops := []store.TxOp{
		store.TxPut(store.Item{Key: workspaceKey(ws.ID), Type: typeWorkspace, Version: 1, Doc: store.Doc(ws)}, store.NotExist),
		store.TxPut(store.Item{Key: settingKey(ws.ID, settingDuplicates), Type: typeSetting, Version: 1, Doc: store.Doc(dup)}, store.NotExist),
	}
	ops = append(ops, userOps(admin, nil)...)
	// The caller has just signed in as the subject: bound at once.
	ops = append(ops, bindSubjectOps(admin)...)
	ops = append(ops, SetupChanged(ws.ID))
	if err := s.store.Transact(ctx, ops); err != nil {
		if i := store.FailedOp(err); i >= 0 {
			return nil, nil, domain.Errorf(domain.ErrConflict, "subject_taken")
		}
		return nil, nil, err
	}
	s.log.InfoContext(ctx, "workspace created", "tenant", ws.ID, "admin", admin.ID)
	return ws, admin, nil
}

func validateWorkspace(ws *domain.Workspace, p *domain.Problems) {
	if ws.Name == "" {
		p.Add("name", "required")
	} else if len(ws.Name) > 200 {
		p.Add("name", "too_long", "max", "200")
	}
	if _, err := domain.LoadLocation(ws.Timezone); err != nil || ws.Timezone == "" || ws.Timezone == "Local" {
		p.Add("timezone", "invalid_timezone")
	}
	if !slices.Contains(domain.Languages, ws.Language) {
		p.Add("language", "invalid_language")
	}
	if _, ok := domain.ParseClock(ws.QuietHours.From); !ok {
		p.Add("quiet_hours.from", "invalid_clock")
	}
	if _, ok := domain.ParseClock(ws.QuietHours.To); !ok {
		p.Add("quiet_hours.to", "invalid_clock")
	}
	if !slices.Contains(domain.BirthdayAudiences, ws.BirthdayNotices) {
		p.Add("birthday_notices", "invalid_birthday_notices", "value", ws.BirthdayNotices)
	}
}

// WorkspaceInput changes workspace settings; absent fields are kept.
type WorkspaceInput struct {
	Name       *string            `json:"name"`
	Timezone   *string            `json:"timezone"`
	Language   *string            `json:"language"`
	QuietHours *domain.QuietHours `json:"quiet_hours"`
	// BirthdayNotices: "team" or "workspace" (domain.BirthdayAudiences).
	BirthdayNotices *string `json:"birthday_notices"`
	Version         *int64  `json:"version"`
}

// UpdateWorkspace changes the caller's workspace settings (admins only).
func (s *Service) UpdateWorkspace(ctx context.Context, c *Caller, in WorkspaceInput) (*domain.Workspace, error) {
	if err := c.RequireAdmin(); err != nil {
		return nil, err
	}
	ws := c.Org.Workspace
	prev := ws.Version
	if err := domain.CheckVersion(in.Version, prev, "workspace"); err != nil {
		return nil, err
	}
	if in.Name != nil {
		ws.Name = strings.TrimSpace(*in.Name)
	}
	if in.Timezone != nil {
		ws.Timezone = *in.Timezone
	}
	if in.Language != nil {
		ws.Language = *in.Language
	}
	if in.QuietHours != nil {
		ws.QuietHours = *in.QuietHours
	}
	if in.BirthdayNotices != nil {
		ws.BirthdayNotices = *in.BirthdayNotices
	}
	var p domain.Problems
	validateWorkspace(&ws, &p)
	if err := p.Err(); err != nil {
		return nil, err
	}
	ws.Version, ws.UpdatedAt = prev+1, s.now()
	err := s.store.Transact(ctx, []store.TxOp{
		store.TxPut(store.Item{Key: workspaceKey(ws.ID), Type: typeWorkspace, Version: ws.Version, Doc: store.Doc(ws)}, store.IfVersion(prev)),
		SetupChanged(ws.ID),
	})
	if errors.Is(err, store.ErrConditionFailed) {
		return nil, domain.VersionConflict("workspace")
	}
	if err != nil {
		return nil, err
	}
	c.Org.Workspace = ws
	return &ws, nil
}

// Authenticate maps a sign-in subject (a Cognito sub, or locally a user id)
// to the caller; the first sign-in of an invited subject binds it (see
// subjects.go). A deactivated user is refused. The subject's binding is
// kept for SetupFreshFor, and used only while the set-up still gives the
// subject to its user: a user deactivated, or whose subject is changed,
// through another container is refused within SetupFreshFor.
func (s *Service) Authenticate(ctx context.Context, subject string) (*Caller, error) {
	if subject == "" {
		return nil, domain.Errorf(domain.ErrUnauthorized, "unauthorized")
	}
	now := s.now()
	if e, ok := s.subs.get(subject); ok && s.orgs.fresh(e.checkedAt, now) {
		c, err := s.callerOf(ctx, subject, &e.ref)
		if err == nil || !errors.Is(err, domain.ErrUnauthorized) {
			return c, err
		}
		s.subs.drop(subject) // the set-up no longer gives the subject to that user: read the binding again
	}
	ref, err := s.subjectUser(ctx, subject)
	if err != nil {
		return nil, err
	}
	c, err := s.callerOf(ctx, subject, ref)
	if err == nil {
		s.subs.put(subject, cachedSubject{ref: *ref, checkedAt: now})
	}
	return c, err
}

// callerOf is the caller a subject's binding names, as the set-up has it:
// the user must still carry the subject, and be active.
func (s *Service) callerOf(ctx context.Context, subject string, ref *subjectRef) (*Caller, error) {
	org, err := s.LoadOrg(ctx, ref.TenantID)
	if err != nil {
		return nil, err
	}
	u, ok := org.User(ref.UserID)
	if !ok || u.AuthSubject != subject {
		return nil, domain.Errorf(domain.ErrUnauthorized, "unknown_subject")
	}
	if !u.Active {
		return nil, domain.Errorf(domain.ErrForbidden, "user_inactive")
	}
	return &Caller{User: u, Org: org}, nil
}
