package action

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"tend/internal/check"
	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/inbox"
	"tend/internal/notify"
	"tend/internal/orders"
	"tend/internal/store"
	"tend/internal/task"
	"tend/internal/templates"
	"tend/internal/workspace"
	"time"
)

// Do carries out actions on a target, each idempotent by the keys it
// derives from the target's prefix. The messages are written, not yet
// dispatched: the caller dispatches them once it has recorded that the
// target is done.
func (s *Service) Do(ctx context.Context, t *Target, actions []Action) ([]*notify.Message, error) {
	a := &acting{s: s, Target: t}
	err := a.do(ctx, actions)
	return a.msgs, err
}

// Dispatch hands written messages to the notifier.
func (s *Service) Dispatch(ctx context.Context, msgs []*notify.Message) error {
	return s.Outbox.Dispatch(ctx, msgs)
}

func (a *acting) do(ctx context.Context, actions []Action) error {
	if err := a.edit(ctx, actions); err != nil {
		return err
	}
	var ops []store.TxOp
	for i, act := range actions {
		switch act.Type {
		case SendEmail, SendSMS:
			m, o := a.messages(i, act)
			a.msgs, ops = append(a.msgs, m...), append(ops, o...)
		case CreateTask, AddCareCard:
			if err := a.task(ctx, i, act); err != nil {
				return err
			}
		case HandOver:
			if act.DistributionRuleID != "" {
				if err := a.s.Distribution.HandOver(ctx, a.Org.Workspace.ID, act.DistributionRuleID, a.Customer.ID, a.Customer.OwnerID, a.key(i)); err != nil {
					return err
				}
			}
		}
	}
	return a.s.writeOnce(ctx, ops)
}

// writeOnce writes items that must not exist yet, tolerating those an
// interrupted attempt already wrote.
func (s *Service) writeOnce(ctx context.Context, ops []store.TxOp) error {
	for len(ops) > 0 {
		n := min(len(ops), store.MaxTransactItems)
		err := s.Store.Transact(ctx, ops[:n])
		if errors.Is(err, store.ErrConditionFailed) {
			for _, op := range ops[:n] {
				if err := s.Store.Put(ctx, op.Item, store.NotExist); err != nil && !errors.Is(err, store.ErrConditionFailed) {
					return fmt.Errorf("action: write message: %w", err)
				}
			}
		} else if err != nil {
			return fmt.Errorf("action: write messages: %w", err)
		}
		ops = ops[n:]
	}
	return nil
}

// Target is the record a care flow or a rule acts on, and in whose name.
type Target struct {
	Org  *workspace.Org
	Refs Refs
	Day  domain.Date // the local day acted for
	At   time.Time   // the moment acted for (merge field "today", field updates)
	// Source and Actor name who acts: the flow or rule.
	Source notify.Source
	Actor  domain.ActorKind
	// Prefix names this record's occurrence of the source: every effect's
	// key starts with it.
	Prefix   string
	RecordID string
	Customer *domain.Customer
	// Order is set when a flow over orders acts on one.
	Order *orders.Order
	// Cause is carried by the edits of a rule's actions, so that the
	// chain of rule writes stays bounded.
	Cause *customer.Cause
}

// acting is a target being acted on.
type acting struct {
	s *Service
	*Target
	msgs []*notify.Message
}

// key names the i-th action's effect.
func (a *acting) key(i int) string { return fmt.Sprintf("%s:%d", a.Prefix, i) }

func (a *acting) author() domain.Actor {
	return domain.Actor{Kind: a.Actor, ID: a.Source.ID, Name: a.Source.Name}
}

// vars fill merge fields for this record.
func (a *acting) vars() func(string) (string, bool) {
	r := templates.Record{Org: a.Org, Customer: a.Customer, Now: a.At}
	if o := a.Order; o != nil {
		r.Order = &templates.Order{Code: o.Code, Amount: o.Amount, Status: string(o.Status), OrderedAt: o.OrderedAt, PerformerID: o.PerformerID}
	}
	return r.Lookup
}

// edit applies the field updates and hand-overs to a user as one write to
// the customer, the flow its author; the new owner is told.
func (a *acting) edit(ctx context.Context, actions []Action) error {
	o := a.Org
	var fields []Action
	to := ""
	for _, act := range actions {
		switch {
		case act.Type == UpdateFields:
			fields = append(fields, act)
		case act.Type == HandOver && act.UserID != "":
			to = act.UserID
		}
	}
	if len(fields) == 0 && to == "" {
		return nil
	}
	at := a.At
	edit := customer.Edit{Actor: a.author(), Action: string(a.Actor), Apply: func(c *domain.Customer) error {
		for _, act := range fields {
			keys := make([]string, 0, len(act.Fields))
			for k := range act.Fields {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				if err := customer.SetField(o, c, k, act.Fields[k], at); err != nil {
					return err
				}
			}
		}
		if to != "" {
			c.OwnerID = to
		}
		return nil
	}}
	lang := o.Workspace.Language
	logs := func(c *domain.Customer, out []customer.EditOutcome) []store.TxOp {
		if to == "" || a.Customer.OwnerID == to || len(out) == 0 || len(out[0].Changes) == 0 {
			return nil
		}
		return []store.TxOp{store.TxPut(inbox.Item(o.Workspace.ID, inbox.Notification{ID: a.key(-1) + ":owner", UserID: to,
			Kind: inbox.KindAssigned, Title: inbox.Say(lang, "Khách hàng được bàn giao", "Customer handed over to you"),
			Body:       inbox.Say(lang, c.Name+" ("+c.Code+") được bàn giao cho bạn: ", c.Name+" ("+c.Code+") was handed over to you: ") + a.Source.Name,
			CustomerID: c.ID, At: a.s.now()}), store.None)}
	}
	out, err := a.s.Customers.EditAs(ctx, o, a.Customer.ID, a.Cause, []customer.Edit{edit}, logs)
	if errors.Is(err, domain.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if len(out) > 0 && out[0].Err != nil {
		a.s.Log.Warn("update refused", "tenant", o.Workspace.ID, "source", a.Source.ID, "customer", a.Customer.ID, "err", out[0].Err)
	}
	return nil
}

// messages drafts the i-th action's email or SMS to each recipient.
func (a *acting) messages(i int, act Action) ([]*notify.Message, []store.TxOp) {
	tpl := a.Refs.Templates[act.TemplateID]
	if tpl == nil {
		return nil, nil
	}
	channel := notify.ChannelEmail
	if act.Type == SendSMS {
		channel = notify.ChannelSMS
	}
	vars := a.vars()
	subject, body := templates.Render(tpl.Subject, vars), templates.Render(tpl.Body, vars)
	var msgs []*notify.Message
	var ops []store.TxOp
	for _, r := range a.recipients(act, channel) {
		m, op := a.s.Outbox.Prepare(a.Org, notify.Draft{Channel: channel, To: r.to, Subject: subject, Body: body,
			Advertising: act.Advertising, AttachRecord: act.AttachPDF, Sender: act.Sender, CustomerID: a.Customer.ID, Customer: r.customer,
			Source: a.Source, Key: a.key(i) + ":" + r.to})
		msgs, ops = append(msgs, m), append(ops, op)
	}
	return msgs, ops
}

type recipient struct {
	to       string
	customer bool // the customer themself: their opt-out applies
}

// recipients lists where an action's message goes: the customer's
// addresses from fields (none if they opted out), users, extra addresses;
// each address once.
func (a *acting) recipients(act Action, channel string) []recipient {
	var out []recipient
	seen := map[string]bool{}
	add := func(to string, customer bool) {
		to = strings.TrimSpace(to)
		if channel == notify.ChannelSMS {
			n, ok := validPhone(to)
			if !ok {
				return
			}
			to = n
		} else {
			to = strings.ToLower(to)
			if !check.ValidEmail(to) {
				return
			}
		}
		if !seen[to] {
			seen[to] = true
			out = append(out, recipient{to: to, customer: customer})
		}
	}
	optedOut := (channel == notify.ChannelEmail && a.Customer.EmailOptOut) || (channel == notify.ChannelSMS && a.Customer.SMSOptOut)
	for _, k := range act.ToFields {
		if !optedOut {
			add(customerText(a.Customer, k), true)
		}
	}
	for _, id := range act.ToUsers {
		if id == "owner" {
			id = a.Customer.OwnerID
		}
		if u, ok := a.Org.User(id); ok && u.Active {
			if channel == notify.ChannelEmail {
				add(u.Email, false)
			} else {
				add(u.Phone, false)
			}
		}
	}
	for _, addr := range act.ToAddresses {
		add(addr, false)
	}
	return out
}

// customerText reads a text-like field (email, phone) of a customer.
func customerText(c *domain.Customer, key string) string {
	switch key {
	case "email":
		return c.Email
	case "phone":
		return c.Phone
	}
	s, _ := c.Fields[key].(string)
	return s
}

// task creates the i-th action's task or care card, once: its id derives
// from the flow, the record and the occurrence.
func (a *acting) task(ctx context.Context, i int, act Action) error {
	vars := a.vars()
	in := &task.Input{}
	title, desc := templates.RenderTask(act.Title, vars), templates.RenderTask(act.Description, vars)
	typ, priority := act.TaskType, act.Priority
	assignee := act.Assignee
	days := act.DueInDays
	var related []string
	if act.Type == AddCareCard {
		typ, assignee, days = task.TypeCare, act.Owner, act.CareInDays
		if assignee == "performer" {
			assignee = a.Order.PerformerID
		}
		title = fmt.Sprintf("Chăm sóc đơn hàng %s", a.Order.Code)
		desc = cardFields(act)
	} else {
		related = act.RelatedUserIDs
	}
	if assignee == "owner" {
		assignee = a.Customer.OwnerID
	}
	if u, ok := a.Org.User(assignee); !ok || !u.Active {
		a.s.Log.Warn("task has nobody to go to", "tenant", a.Org.Workspace.ID, "source", a.Source.ID, "record", a.RecordID)
		return nil
	}
	due := a.Day
	if days != nil {
		due = due.AddDays(*days)
	}
	in.Title, in.Description, in.AssigneeID, in.DueOn = &title, &desc, &assignee, &due
	if typ != "" {
		in.Type = &typ
	}
	if priority != "" {
		in.Priority = &priority
	}
	if related != nil {
		in.RelatedUserIDs = &related
	}
	in.CustomerID = &a.Customer.ID
	if a.Order != nil {
		in.OrderID = &a.Order.ID
	}
	in.Quiet = act.Type == AddCareCard && !act.Notify
	_, _, err := a.s.Tasks.CreateAs(ctx, a.Org, a.author(), taskID(a.key(i)), in, task.Source{Kind: a.Source.Kind, ID: a.Source.ID})
	if errors.Is(err, domain.ErrInvalid) {
		// The record no longer suits a task (its customer was deleted,
		// say): skipped, not retried forever.
		a.s.Log.Warn("task refused", "tenant", a.Org.Workspace.ID, "source", a.Source.ID, "record", a.RecordID, "err", err)
		return nil
	}
	return err
}

// cardFields writes a care card's fields as lines of its description.
func cardFields(act Action) string {
	keys := make([]string, 0, len(act.Fields))
	for k := range act.Fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		v := strings.Trim(string(act.Fields[k]), `"`)
		fmt.Fprintf(&b, "%s: %s\n", k, v)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// taskID derives a task's id from the effect's key.
func taskID(key string) string {
	sum := sha256.Sum256([]byte(key))
	return "task_" + hex.EncodeToString(sum[:12])
}
