package careflow

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"tend/internal/check"
	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/inbox"
	"tend/internal/notify"
	"tend/internal/store"
	"tend/internal/task"
	"tend/internal/templates"
	"tend/internal/workspace"
)

// actOn applies the flow's actions to a record for an occurrence, once:
// a marker written last says it is done, and every effect before it is
// idempotent on its own (edits that change nothing write nothing, tasks
// and messages have keys derived from the flow, record and occurrence), so
// a run resumed after a crash finishes what it started without doing
// anything twice. It reports whether this run acted on the record.
func (s *Service) actOn(ctx context.Context, run *runCtx, rec record, occ string) (bool, error) {
	t, f := run.group.Tenant, &run.group.Flow
	mark := doneKey(t, f.ID, occ, rec.id)
	if it, err := s.st.Get(ctx, mark); err == nil {
		d, err := store.Decode[done](it)
		return err == nil && d.Run == run.group.ID, err
	} else if !errors.Is(err, store.ErrNotFound) {
		return false, fmt.Errorf("careflow: read marker: %w", err)
	}
	cu := rec.customer
	if rec.order != nil {
		c, err := s.Customers.CustomerImage(ctx, t, rec.order.CustomerID)
		if errors.Is(err, domain.ErrNotFound) {
			return false, nil // the order's customer is gone
		}
		if err != nil {
			return false, err
		}
		cu = c
		if run.flow.set != nil && !run.flow.set.Match(cu, run.env) {
			return false, nil
		}
	}
	a := &acting{s: s, org: run.org, refs: run.refs, day: run.day, at: run.group.Occurs, rec: rec, cu: cu,
		source: notify.Source{Kind: "care_flow", ID: f.ID, Name: f.Name}, actor: domain.ActorCareFlow,
		prefix: fmt.Sprintf("cf:%s:%s:%s", f.ID, rec.id, occ)}
	if err := a.do(ctx, f.Actions); err != nil {
		return false, err
	}
	err := s.st.Put(ctx, store.Item{Key: mark, Type: typeDone, Version: 1,
		Doc: store.Doc(done{Run: run.group.ID, At: s.now()})}, store.NotExist)
	if errors.Is(err, store.ErrConditionFailed) {
		return false, nil // another delivery of the job finished the record
	}
	if err != nil {
		return false, fmt.Errorf("careflow: mark %s done: %w", rec.id, err)
	}
	return true, s.Notify.Dispatch(ctx, a.msgs)
}

// do carries out the actions, each idempotent by the keys it derives
// from the prefix; messages are written, not yet dispatched (a.msgs).
func (a *acting) do(ctx context.Context, actions []Action) error {
	if err := a.edit(ctx, actions); err != nil {
		return err
	}
	var ops []store.TxOp
	for i, act := range actions {
		switch act.Type {
		case ActionSendEmail, ActionSendSMS:
			m, o := a.messages(i, act)
			a.msgs, ops = append(a.msgs, m...), append(ops, o...)
		case ActionCreateTask, ActionAddCareCard:
			if err := a.task(ctx, i, act); err != nil {
				return err
			}
		case ActionHandOver:
			if act.DistributionRuleID != "" {
				if err := a.s.Distribution.HandOver(ctx, a.org.Workspace.ID, act.DistributionRuleID, a.cu.ID, a.cu.OwnerID, a.key(i)); err != nil {
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
		err := s.st.Transact(ctx, ops[:n])
		if errors.Is(err, store.ErrConditionFailed) {
			for _, op := range ops[:n] {
				if err := s.st.Put(ctx, op.Item, store.NotExist); err != nil && !errors.Is(err, store.ErrConditionFailed) {
					return fmt.Errorf("careflow: write message: %w", err)
				}
			}
		} else if err != nil {
			return fmt.Errorf("careflow: write messages: %w", err)
		}
		ops = ops[n:]
	}
	return nil
}

// acting is one record being acted on, by a care flow or a rule.
type acting struct {
	s      *Service
	org    *workspace.Org
	refs   refs
	day    domain.Date // the local day acted for
	at     time.Time   // the moment acted for (merge field "today", field updates)
	source notify.Source
	actor  domain.ActorKind
	// prefix names this record's occurrence of the source: every effect's
	// key starts with it.
	prefix string
	rec    record
	cu     *domain.Customer
	// cause is carried by the edits of a rule's actions, so that the
	// chain of rule writes stays bounded.
	cause *customer.Cause
	msgs  []*notify.Message
}

// key names the i-th action's effect.
func (a *acting) key(i int) string { return fmt.Sprintf("%s:%d", a.prefix, i) }

func (a *acting) author() domain.Actor {
	return domain.Actor{Kind: a.actor, ID: a.source.ID, Name: a.source.Name}
}

// vars fill merge fields for this record.
func (a *acting) vars() func(string) (string, bool) {
	r := templates.Record{Org: a.org, Customer: a.cu, Now: a.at}
	if o := a.rec.order; o != nil {
		r.Order = &templates.Order{Code: o.Code, Amount: o.Amount, Status: string(o.Status), OrderedAt: o.OrderedAt, PerformerID: o.PerformerID}
	}
	return r.Lookup
}

// edit applies the field updates and hand-overs to a user as one write to
// the customer, the flow its author; the new owner is told.
func (a *acting) edit(ctx context.Context, actions []Action) error {
	o := a.org
	var fields []Action
	to := ""
	for _, act := range actions {
		switch {
		case act.Type == ActionUpdateFields:
			fields = append(fields, act)
		case act.Type == ActionHandOver && act.UserID != "":
			to = act.UserID
		}
	}
	if len(fields) == 0 && to == "" {
		return nil
	}
	at := a.at
	edit := customer.Edit{Actor: a.author(), Action: string(a.actor), Apply: func(c *domain.Customer) error {
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
		if to == "" || a.cu.OwnerID == to || len(out) == 0 || len(out[0].Changes) == 0 {
			return nil
		}
		return []store.TxOp{store.TxPut(inbox.Item(o.Workspace.ID, inbox.Notification{ID: a.key(-1) + ":owner", UserID: to,
			Kind: inbox.KindAssigned, Title: inbox.Say(lang, "Khách hàng được bàn giao", "Customer handed over to you"),
			Body:       inbox.Say(lang, c.Name+" ("+c.Code+") được bàn giao cho bạn: ", c.Name+" ("+c.Code+") was handed over to you: ") + a.source.Name,
			CustomerID: c.ID, At: a.s.now()}), store.None)}
	}
	out, err := a.s.Customers.EditAs(ctx, o, a.cu.ID, a.cause, []customer.Edit{edit}, logs)
	if errors.Is(err, domain.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if len(out) > 0 && out[0].Err != nil {
		a.s.Log.Warn("update refused", "tenant", o.Workspace.ID, "source", a.source.ID, "customer", a.cu.ID, "err", out[0].Err)
	}
	return nil
}

// messages drafts the i-th action's email or SMS to each recipient.
func (a *acting) messages(i int, act Action) ([]*notify.Message, []store.TxOp) {
	tpl := a.refs.templates[act.TemplateID]
	if tpl == nil {
		return nil, nil
	}
	channel := notify.ChannelEmail
	if act.Type == ActionSendSMS {
		channel = notify.ChannelSMS
	}
	vars := a.vars()
	subject, body := templates.Render(tpl.Subject, vars), templates.Render(tpl.Body, vars)
	var msgs []*notify.Message
	var ops []store.TxOp
	for _, r := range a.recipients(act, channel) {
		m, op := a.s.Notify.Prepare(a.org, notify.Draft{Channel: channel, To: r.to, Subject: subject, Body: body,
			Advertising: act.Advertising, AttachRecord: act.AttachPDF, Sender: act.Sender, CustomerID: a.cu.ID, Customer: r.customer,
			Source: a.source, Key: a.key(i) + ":" + r.to})
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
	optedOut := (channel == notify.ChannelEmail && a.cu.EmailOptOut) || (channel == notify.ChannelSMS && a.cu.SMSOptOut)
	for _, k := range act.ToFields {
		if !optedOut {
			add(customerText(a.cu, k), true)
		}
	}
	for _, id := range act.ToUsers {
		if id == "owner" {
			id = a.cu.OwnerID
		}
		if u, ok := a.org.User(id); ok && u.Active {
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
	if act.Type == ActionAddCareCard {
		typ, assignee, days = task.TypeCare, act.Owner, act.CareInDays
		if assignee == "performer" {
			assignee = a.rec.order.PerformerID
		}
		title = fmt.Sprintf("Chăm sóc đơn hàng %s", a.rec.order.Code)
		desc = cardFields(act)
	} else {
		related = act.RelatedUserIDs
	}
	if assignee == "owner" {
		assignee = a.cu.OwnerID
	}
	if u, ok := a.org.User(assignee); !ok || !u.Active {
		a.s.Log.Warn("task has nobody to go to", "tenant", a.org.Workspace.ID, "source", a.source.ID, "record", a.rec.id)
		return nil
	}
	due := a.day
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
	in.CustomerID = &a.cu.ID
	if a.rec.order != nil {
		in.OrderID = &a.rec.order.ID
	}
	in.Quiet = act.Type == ActionAddCareCard && !act.Notify
	_, _, err := a.s.Tasks.CreateAs(ctx, a.org, a.author(), taskID(a.key(i)), in, task.Source{Kind: a.source.Kind, ID: a.source.ID})
	if errors.Is(err, domain.ErrInvalid) {
		// The record no longer suits a task (its customer was deleted,
		// say): skipped, not retried forever.
		a.s.Log.Warn("task refused", "tenant", a.org.Workspace.ID, "source", a.source.ID, "record", a.rec.id, "err", err)
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
