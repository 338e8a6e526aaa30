package workspace

import (
	"context"
	"errors"
	"fmt"
	"time"

	"tend/internal/domain"
	"tend/internal/store"
)

// A sign-in subject (a Cognito sub) maps to one user through a global
// binding item. An admin who gives a user an auth_subject does not bind it:
// anyone can type a subject, and a binding made so would let one workspace
// learn of, or take, another's sign-in. The admin records an invitation
// instead, and the subject's first sign-in binds it to the oldest
// invitation whose user is still active and still carries it. While a
// subject is bound, invitations for it, from any workspace, never take
// effect; once its user gives it up, its next sign-in binds the oldest
// invitation left. Only opening a workspace binds directly: its caller has
// just signed in as the subject.

// subjectRef names the user a subject binds to, or is invited to.
type subjectRef struct {
	TenantID string `json:"tenant_id"`
	UserID   string `json:"user_id"`
}

// bindSubjectOps claims u's subject in its workspace and binds it to u.
func bindSubjectOps(u *domain.User) []store.TxOp {
	return []store.TxOp{subjectClaimOp(u), store.TxPut(store.Item{Key: subjectKey(u.AuthSubject), Type: typeSubject, Version: 1,
		Doc: store.Doc(subjectRef{TenantID: u.TenantID, UserID: u.ID})}, store.NotExist)}
}

// inviteSubjectOps claims u's subject in its workspace and invites it to
// u, as of now. Nothing outside the workspace is read or checked.
func inviteSubjectOps(u *domain.User, now time.Time) []store.TxOp {
	return []store.TxOp{subjectClaimOp(u), store.TxPut(store.Item{Key: subjectInviteKey(u.AuthSubject, now, u.TenantID, u.ID),
		Type: typeInvite, Version: 1, Doc: store.Doc(subjectRef{TenantID: u.TenantID, UserID: u.ID})}, store.None)}
}

// subjectClaimOp claims u's subject in its workspace: two users of one
// workspace can't carry the same subject (409 subject_taken reveals
// nothing outside the workspace).
func subjectClaimOp(u *domain.User) store.TxOp {
	return store.TxPut(store.Item{Key: userSubjectKey(u.TenantID, u.AuthSubject), Type: typeClaim, Version: 1,
		Doc: store.Doc(map[string]string{"user_id": u.ID})}, store.NotExist)
}

// releaseSubjectOps frees old's subject: its claim in the workspace, its
// invitations to old and, when the subject is bound to old, the binding.
// A binding to anyone else is not old's to touch. The ops fail if a first
// sign-in binds the subject meanwhile, so that no binding outlives the
// change.
func (s *Service) releaseSubjectOps(ctx context.Context, old *domain.User) ([]store.TxOp, error) {
	mine := subjectRef{TenantID: old.TenantID, UserID: old.ID}
	ops := []store.TxOp{store.TxDelete(userSubjectKey(old.TenantID, old.AuthSubject), store.None)}
	invites, err := store.QueryAll(ctx, s.store, store.Query{PK: subjectInvitePK(old.AuthSubject), Limit: 1000})
	if err != nil {
		return nil, fmt.Errorf("workspace: read subject invitations: %w", err)
	}
	for _, it := range invites {
		ref, err := store.Decode[subjectRef](it)
		if err != nil {
			return nil, err
		}
		if *ref == mine {
			ops = append(ops, store.TxDelete(it.Key, store.None))
		}
	}
	ref, bound, err := store.Load[subjectRef](ctx, s.store, subjectKey(old.AuthSubject), "user")
	switch {
	case errors.Is(err, domain.ErrNotFound):
		ops = append(ops, store.TxCheck(subjectKey(old.AuthSubject), store.NotExist))
	case err != nil:
		return nil, err
	case *ref == mine:
		ops = append(ops, store.TxDelete(subjectKey(old.AuthSubject), store.IfVersion(bound.Version)))
	}
	return ops, nil
}

// subjectUser returns the user subject is bound to, binding it first to
// its oldest live invitation when it is not bound yet. Concurrent first
// sign-ins bind once: the others find the binding the first one wrote.
func (s *Service) subjectUser(ctx context.Context, subject string) (*subjectRef, error) {
	// Each round either finds a binding or loses a race that changed what
	// it read (a binding written, the invited user changed): a few rounds
	// settle it.
	for range 3 {
		ref, _, err := store.Load[subjectRef](ctx, s.store, subjectKey(subject), "user")
		if !errors.Is(err, domain.ErrNotFound) {
			return ref, err
		}
		inv, version, err := s.oldestInvitation(ctx, subject)
		if err != nil {
			return nil, err
		}
		err = s.store.Transact(ctx, []store.TxOp{
			store.TxPut(store.Item{Key: subjectKey(subject), Type: typeSubject, Version: 1, Doc: store.Doc(inv)}, store.NotExist),
			// The user must still be as read: active and carrying the subject.
			store.TxCheck(userKey(inv.TenantID, inv.UserID), store.IfVersion(version)),
		})
		if err == nil {
			s.log.InfoContext(ctx, "subject bound", "tenant", inv.TenantID, "user", inv.UserID)
			return inv, nil
		}
		if !errors.Is(err, store.ErrConditionFailed) {
			return nil, fmt.Errorf("workspace: bind subject: %w", err)
		}
	}
	return nil, domain.VersionConflict("user")
}

// oldestInvitation returns the oldest invitation of subject whose user is
// still active and still carries it, with that user's version.
func (s *Service) oldestInvitation(ctx context.Context, subject string) (*subjectRef, int64, error) {
	q := store.Query{PK: subjectInvitePK(subject), Limit: 100}
	for it, err := range store.Items(ctx, s.store, q) {
		if err != nil {
			return nil, 0, fmt.Errorf("workspace: read subject invitations: %w", err)
		}
		inv, err := store.Decode[subjectRef](it)
		if err != nil {
			return nil, 0, err
		}
		org, err := s.LoadOrg(ctx, inv.TenantID)
		if errors.Is(err, domain.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, 0, err
		}
		if u, ok := org.User(inv.UserID); ok && u.Active && u.AuthSubject == subject {
			return inv, u.Version, nil
		}
	}
	return nil, 0, domain.Errorf(domain.ErrUnauthorized, "unknown_subject")
}
