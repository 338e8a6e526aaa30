package customer

import (
	"context"
	"errors"
	"slices"
	"time"

	"tend/internal/check"
	"tend/internal/domain"
	"tend/internal/store"
	"tend/internal/workspace"
)

// StepInput moves a customer to a step of a pipeline [chuyển bước].
type StepInput struct {
	PipelineID string `json:"pipeline_id"`
	StepID     string `json:"step_id"`
}

func (in StepInput) check(o *workspace.Org) error {
	var p domain.Problems
	o.CheckStep(&p, in.PipelineID, in.StepID)
	return p.Err()
}

// SetStep moves a customer to a step. A step change by a user counts as
// care (last_care_at).
func (s *Service) SetStep(ctx context.Context, c *workspace.Caller, id string, in StepInput) (*domain.Customer, error) {
	if err := in.check(c.Org); err != nil {
		return nil, err
	}
	r, err := s.mutate(ctx, c.Org, id, c.Actor(), "step_changed", func(before, after *customerRecord) ([]store.TxOp, error) {
		if err := CanEdit(c, &before.Customer); err != nil {
			return nil, err
		}
		if before.Pipelines[in.PipelineID] == in.StepID {
			return nil, nil
		}
		after.Pipelines[in.PipelineID] = in.StepID
		now := s.now()
		after.LastCareAt = &now
		if c.User.ID == before.OwnerID {
			after.OwnerCaredAt = &now
		}
		return nil, nil
	})
	if err != nil {
		return nil, err
	}
	return View(c.Org, &r.Customer), nil
}

// BulkStepInput moves many customers to one step.
type BulkStepInput struct {
	IDs []string `json:"ids"`
	StepInput
}

// BulkResult says, customer by customer, what a bulk change did.
type BulkResult struct {
	Updated []string     `json:"updated"`
	Failed  []BulkFailed `json:"failed"`
}

// BulkFailed is a customer a bulk change could not change, and why.
type BulkFailed struct {
	ID    string `json:"id"`
	Error error  `json:"-"`
	Code  string `json:"code"`
}

// MaxBulk is how many customers one bulk request may name.
const MaxBulk = 500

// BulkSetStep moves each customer it can to the step and reports the
// others with the reason.
func (s *Service) BulkSetStep(ctx context.Context, c *workspace.Caller, in BulkStepInput) (*BulkResult, error) {
	var p domain.Problems
	ids := check.Dedupe(in.IDs)
	switch {
	case len(ids) == 0:
		p.Add("ids", "required")
	case len(ids) > MaxBulk:
		p.Add("ids", "too_many", "max", "500")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	if err := in.StepInput.check(c.Org); err != nil {
		return nil, err
	}
	res := &BulkResult{Updated: []string{}, Failed: []BulkFailed{}}
	for _, id := range ids {
		if _, err := s.SetStep(ctx, c, id, in.StepInput); err != nil {
			var de *domain.Error
			if !errors.As(err, &de) {
				return nil, err
			}
			res.Failed = append(res.Failed, BulkFailed{ID: id, Error: err, Code: de.Code})
			continue
		}
		res.Updated = append(res.Updated, id)
	}
	return res, nil
}

// MaxShares is how many users one customer may be shared with.
const MaxShares = 40

// SetShares shares a customer, read-only, with exactly these users
// [chia sẻ]. Its owner, an admin or a manager of it may do so.
func (s *Service) SetShares(ctx context.Context, c *workspace.Caller, id string, userIDs []string) (*domain.Customer, error) {
	var p domain.Problems
	ids := workspace.CheckUsers(c.Org, &p, "user_ids", userIDs, "")
	if len(ids) > MaxShares {
		p.Add("user_ids", "too_many", "max", "40")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	r, err := s.mutate(ctx, c.Org, id, c.Actor(), "shared", func(before, after *customerRecord) ([]store.TxOp, error) {
		if err := CanEdit(c, &before.Customer); err != nil {
			return nil, err
		}
		// Sharing with the owner means nothing.
		after.SharedWith = slices.DeleteFunc(slices.Clone(ids), func(u string) bool { return u == before.OwnerID })
		slices.Sort(after.SharedWith)
		return nil, nil
	})
	if err != nil {
		return nil, err
	}
	return View(c.Org, &r.Customer), nil
}

// PinInput pins a customer to the top of lists [ghim], until a time, for a
// number of days, or (neither) until unpinned.
type PinInput struct {
	Until *time.Time `json:"until"`
	Days  *int       `json:"days"`
}

// Pin pins a customer.
func (s *Service) Pin(ctx context.Context, c *workspace.Caller, id string, in PinInput) (*domain.Customer, error) {
	now := s.now()
	var until *time.Time
	var p domain.Problems
	switch {
	case in.Until != nil && in.Days != nil:
		p.Add("days", "either_until_or_days")
	case in.Until != nil:
		if !in.Until.After(now) {
			p.Add("until", "must_be_future")
		}
		u := in.Until.UTC()
		until = &u
	case in.Days != nil:
		if *in.Days < 1 || *in.Days > 3650 {
			p.Add("days", "out_of_range")
		}
		u := now.AddDate(0, 0, *in.Days)
		until = &u
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	r, err := s.mutate(ctx, c.Org, id, c.Actor(), "pinned", func(before, after *customerRecord) ([]store.TxOp, error) {
		if err := CanEdit(c, &before.Customer); err != nil {
			return nil, err
		}
		if !before.Pinned(now) {
			after.PinnedAt = &now
		}
		after.PinnedUntil = until
		return nil, nil
	})
	if err != nil {
		return nil, err
	}
	return View(c.Org, &r.Customer), nil
}

// Unpin unpins a customer.
func (s *Service) Unpin(ctx context.Context, c *workspace.Caller, id string) (*domain.Customer, error) {
	r, err := s.mutate(ctx, c.Org, id, c.Actor(), "unpinned", func(before, after *customerRecord) ([]store.TxOp, error) {
		if err := CanEdit(c, &before.Customer); err != nil {
			return nil, err
		}
		after.PinnedAt, after.PinnedUntil = nil, nil
		return nil, nil
	})
	if err != nil {
		return nil, err
	}
	return View(c.Org, &r.Customer), nil
}
