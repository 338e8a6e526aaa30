package action

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/notify"
	"tend/internal/store"
	"tend/internal/task"
	"tend/internal/templates"
	"tend/internal/workspace"
)

// Customers edits customers as a flow or rule.
type Customers interface {
	EditAs(ctx context.Context, o *workspace.Org, customerID string, cause *customer.Cause, edits []customer.Edit, logs customer.Logs) ([]customer.EditOutcome, error)
}

// Templates reads the email and SMS templates actions send.
type Templates interface {
	Load(ctx context.Context, tenant string, kind templates.Kind, id string) (*templates.Template, error)
}

// Tasks creates the tasks and care cards actions assign.
type Tasks interface {
	CreateAs(ctx context.Context, o *workspace.Org, actor domain.Actor, id string, in *task.Input, source task.Source) (*task.Task, bool, error)
}

// Outbox writes the emails and SMS actions send and hands them to the
// notifier.
type Outbox interface {
	Prepare(o *workspace.Org, d notify.Draft) (*notify.Message, store.TxOp)
	Dispatch(ctx context.Context, msgs []*notify.Message) error
}

// Distribution hands customers over through distribution rules.
type Distribution interface {
	RuleExists(ctx context.Context, tenant, id string) (bool, error)
	HandOver(ctx context.Context, tenant, ruleID, customerID, owner, episode string) error
}

// Deps are what actions go through.
type Deps struct {
	Store        store.Store
	Clock        domain.Clock
	Log          *slog.Logger
	Customers    Customers
	Templates    Templates
	Tasks        Tasks
	Outbox       Outbox
	Distribution Distribution
}

// Service carries out actions.
type Service struct{ Deps }

// New returns the action service.
func New(d Deps) *Service {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	return &Service{Deps: d}
}

func (s *Service) now() time.Time { return s.Clock.Now().UTC() }

// Refs looks up what actions name outside themselves in a workspace.
func (s *Service) Refs(ctx context.Context, tenant string, actions []Action) (Refs, error) {
	r := Refs{Templates: map[string]*templates.Template{}, Rules: map[string]bool{}}
	for _, a := range actions {
		kind := templates.KindEmail
		if a.Type == SendSMS {
			kind = templates.KindSMS
		}
		if a.TemplateID != "" {
			t, err := s.Templates.Load(ctx, tenant, kind, a.TemplateID)
			if err == nil {
				r.Templates[t.ID] = t
			} else if !errors.Is(err, domain.ErrNotFound) {
				return r, err
			}
		}
		if a.DistributionRuleID != "" {
			ok, err := s.Distribution.RuleExists(ctx, tenant, a.DistributionRuleID)
			if err != nil {
				return r, err
			}
			r.Rules[a.DistributionRuleID] = ok
		}
	}
	return r, nil
}
