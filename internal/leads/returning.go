package leads

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/inbox"
	"tend/internal/notify"
	"tend/internal/store"
	"tend/internal/timeline"
	"tend/internal/workspace"
)

// ActionReturning is the history action of a lead that matched a customer
// already known (a returning customer [khách hàng cũ]): the contact data
// it filled in, and the owner it lost when theirs was deactivated or away.
// The reports count it (internal/reports).
const ActionReturning = "returning_lead"

// Outbox queues the email that tells an owner their customer is back,
// through the notifications queue (internal/notify).
type Outbox interface {
	Prepare(o *workspace.Org, d notify.Draft) (*notify.Message, store.TxOp)
	Dispatch(ctx context.Context, msgs []*notify.Message) error
}

// returning records a lead on the customer it matched, in one transaction
// with the delivery's settlement: the lead as an activity; the contact
// fields the customer lacks filled from it, the ones that differ listed in
// a note (never overwritten); the customer back at the source's step when
// the source says so; and either an email to its owner or, when the owner
// is deactivated or away, the customer left without one, at the source's
// warehouse and step, for the source's distribution rule to give out as it
// gives out a new lead.
func (s *Service) returning(ctx context.Context, o *workspace.Org, r *record, d *delivery, customerID string, in *customer.Input,
	summary string, id *identity, actor domain.Actor) error {
	now := s.Clock.Now().UTC()
	lead, err := customer.Preview(o, in, now)
	if err != nil {
		return err
	}
	// A value another customer claims (the duplicate check) can't be
	// merged: it is noted instead, and the write tried again.
	held := map[string]bool{}
	var msg *notify.Message
	for range len(workspace.Criteria) + 1 {
		_, err = s.Customers.Mutate(ctx, o, customerID, actor, ActionReturning, func(before, after *domain.Customer) ([]store.TxOp, error) {
			if err := customer.Live(before); err != nil {
				return nil, err
			}
			m, ops, err := s.returned(o, r, d, before, after, lead, summary, held, now)
			if err != nil {
				return nil, err
			}
			msg = m
			return append(append(ops, d.settle(OutcomeDuplicate, customerID, now)...), id.put(customerID)...), nil
		})
		if crit, ok := heldCriterion(err); ok && !held[crit] {
			held[crit] = true
			continue
		}
		break
	}
	if err != nil {
		return err
	}
	s.Log.InfoContext(ctx, "intake: returning customer", "source", r.ID, "delivery", d.ID, "customer", customerID)
	if msg != nil && s.Outbox != nil {
		// Settled already: a message the queue did not take is sent again
		// by the notifier's tick.
		if err := s.Outbox.Dispatch(ctx, []*notify.Message{msg}); err != nil {
			s.Log.WarnContext(ctx, "intake: owner's notification left to the tick", "delivery", d.ID, "err", err)
		}
	}
	return nil
}

// heldCriterion is the criterion of a duplicate-check refusal: a value the
// merge wrote that another customer holds.
func heldCriterion(err error) (string, bool) {
	var de *domain.Error
	if _, dup := customer.DuplicateOf(err); !dup || !errors.As(err, &de) {
		return "", false
	}
	return de.Params["criterion"], de.Params["criterion"] != ""
}

// returned applies a returning customer's lead to after (a copy of
// before) and returns the owner's email, if one is due, and the ops to
// write with the change.
func (s *Service) returned(o *workspace.Org, r *record, d *delivery, before, after, lead *domain.Customer, summary string,
	held map[string]bool, now time.Time) (*notify.Message, []store.TxOp, error) {
	lang := o.Workspace.Language
	var merged []string
	var differ []string
	for _, key := range contactKeys(o) {
		theirs, given := contactOf(before, key), contactOf(lead, key)
		switch {
		case given == "" || sameContactValue(theirs, given):
		case theirs == "" && !held[key]:
			setContact(after, key, given)
			merged = append(merged, contactLabel(o, key))
		default:
			differ = append(differ, fmt.Sprintf("- %s: %s (%s: %s)", contactLabel(o, key), given, inbox.Say(lang, "đang lưu", "on record"), orDash(theirs)))
		}
	}
	former, away := formerOwner(o, before)
	if away {
		after.OwnerID = ""
		if r.WarehouseID != "" {
			after.WarehouseID = r.WarehouseID
		}
	}
	if (away || r.ReturningToStep) && r.PipelineID != "" && r.StepID != "" {
		if err := customer.SetStep(o, after, r.PipelineID, r.StepID); err != nil {
			return nil, nil, err
		}
	}
	tenant := o.Workspace.ID
	at := now
	_, act, err := s.Timeline.SystemActivity(tenant, before.ID, timeline.ActivityInput{
		Name: "Lead lặp lại từ nguồn " + r.Name, Type: domain.ActivityOther, Description: summary, At: &at})
	if err != nil {
		return nil, nil, err
	}
	ops := []store.TxOp{store.TxPut(act, store.NotExist)}
	var lines []string
	if len(differ) > 0 {
		lines = append(lines, inbox.Say(lang, "Khách hàng cũ để lại thông tin khác với hồ sơ qua "+r.Name+":",
			"The returning customer left details that differ from their record through "+r.Name+":"))
		lines = append(lines, differ...)
	}
	if away {
		lines = append(lines, inbox.Say(lang, "Chủ sở hữu cũ "+former+" không còn nhận khách (ngừng hoạt động hoặc vắng mặt): khách hàng được chia lại như lead mới.",
			"The former owner "+former+" no longer takes customers (deactivated or away): the customer is given out again as a new lead is."))
	}
	if len(lines) > 0 {
		_, note, err := s.Timeline.SystemNote(tenant, before.ID, strings.Join(lines, "\n"))
		if err != nil {
			return nil, nil, err
		}
		ops = append(ops, store.TxPut(note, store.NotExist))
	}
	u, ok := o.User(after.OwnerID)
	if !ok || u.Email == "" || s.Outbox == nil {
		return nil, ops, nil
	}
	subject := inbox.Say(lang, "Khách hàng cũ "+before.Name+" vừa để lại thông tin qua "+r.Name,
		"Returning customer "+before.Name+" just left their details through "+r.Name)
	body := []string{subject, "", inbox.Say(lang, "Thông tin trong lead:", "The lead's details:")}
	body = append(body, leadLines(o, lead)...)
	if summary != "" {
		body = append(body, "", summary)
	}
	if len(merged) > 0 {
		body = append(body, "", inbox.Say(lang, "Đã bổ sung vào hồ sơ: ", "Added to the record: ")+strings.Join(merged, ", "))
	}
	if len(differ) > 0 {
		body = append(body, "", inbox.Say(lang, "Khác với hồ sơ (đã ghi chú, không ghi đè):", "Different from the record (noted, not overwritten):"))
		body = append(body, differ...)
	}
	msg, op := s.Outbox.Prepare(o, notify.Draft{Channel: notify.ChannelEmail, To: u.Email, Subject: subject, Body: strings.Join(body, "\n"),
		CustomerID: before.ID, Source: notify.Source{Kind: "lead_source", ID: r.ID, Name: r.Name}, Key: "returning:" + d.SourceID + ":" + d.ID})
	return msg, append(ops, op), nil
}

// formerOwner names a customer's owner, and says whether they no longer
// take customers: deactivated, away, or gone from the workspace.
func formerOwner(o *workspace.Org, c *domain.Customer) (string, bool) {
	if c.OwnerID == "" {
		return "", false
	}
	u, ok := o.User(c.OwnerID)
	if !ok {
		return c.OwnerID, true
	}
	return u.Name, !u.Active || u.Away
}

// contactKeys are the fields through which a customer is reached: the
// system ones, then the workspace's custom phone and email fields
// ("fields.<key>").
func contactKeys(o *workspace.Org) []string {
	keys := []string{domain.FieldPhone, domain.FieldEmail, domain.FieldFax, domain.FieldBusinessAddress, domain.FieldOfficeAddress}
	for _, f := range o.Fields {
		if f.Type == domain.TypePhone || f.Type == domain.TypeEmail {
			keys = append(keys, "fields."+f.Key)
		}
	}
	return keys
}

func contactOf(c *domain.Customer, key string) string {
	switch key {
	case domain.FieldPhone:
		return c.Phone
	case domain.FieldEmail:
		return c.Email
	case domain.FieldFax:
		return c.Fax
	case domain.FieldBusinessAddress:
		return c.BusinessAddress
	case domain.FieldOfficeAddress:
		return c.OfficeAddress
	}
	v, _ := c.Fields[strings.TrimPrefix(key, "fields.")].(string)
	return v
}

func setContact(c *domain.Customer, key, v string) {
	switch key {
	case domain.FieldPhone:
		c.Phone = v
	case domain.FieldEmail:
		c.Email = v
	case domain.FieldFax:
		c.Fax = v
	case domain.FieldBusinessAddress:
		c.BusinessAddress = v
	case domain.FieldOfficeAddress:
		c.OfficeAddress = v
	default:
		c.Fields[strings.TrimPrefix(key, "fields.")] = v
	}
}

// sameContactValue compares values as the duplicate check does: phones and
// emails come normalised; addresses compare without case, accents or
// extra spaces.
func sameContactValue(a, b string) bool { return domain.Fold(a) == domain.Fold(b) }

func contactLabel(o *workspace.Org, key string) string {
	if f, ok := domain.SystemField(key); ok {
		return f.Label
	}
	if f, ok := o.Field(strings.TrimPrefix(key, "fields.")); ok {
		return f.Label
	}
	return key
}

// leadLines are a lead's name and contact details, one a line.
func leadLines(o *workspace.Org, lead *domain.Customer) []string {
	out := []string{"- " + contactLabel(o, domain.FieldName) + ": " + lead.Name}
	for _, key := range contactKeys(o) {
		if v := contactOf(lead, key); v != "" {
			out = append(out, "- "+contactLabel(o, key)+": "+v)
		}
	}
	return out
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
