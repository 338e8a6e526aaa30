package campaign

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"tend/internal/check"
	"tend/internal/domain"
	"tend/internal/notify"
	"tend/internal/phone"
	"tend/internal/shardrun"
	"tend/internal/store"
	"tend/internal/templates"
	"tend/internal/workspace"
)

// Sending a campaign's members an email or an SMS goes through the outbox
// (package notify: opt-outs, quiet hours and Decree 91 apply) as a job on
// the jobs queue. Each member's message is keyed by the send and the
// member, so a job run again (its message delivered twice, or retried
// after a failure) queues nothing more for the members it reached; a
// repeat of the request with its Idempotency-Key gets the first answer.

// Sending are what sending to a campaign needs, set by the functions that
// queue or run sends (services).
type Sending struct {
	Orgs interface {
		LoadOrg(context.Context, string) (*workspace.Org, error)
	}
	Templates interface {
		Load(ctx context.Context, tenant string, kind templates.Kind, id string) (*templates.Template, error)
	}
	Outbox interface {
		Prepare(o *workspace.Org, d notify.Draft) (*notify.Message, store.TxOp)
		Dispatch(ctx context.Context, msgs []*notify.Message) error
	}
	Jobs interface {
		Send(ctx context.Context, body []byte, delay time.Duration) error
	}
}

// SendJobKind is the kind of a send's message on the jobs queue.
const SendJobKind = "campaign_send"

// IsJob reports whether a jobs-queue message is a campaign send.
func IsJob(body []byte) bool { return shardrun.KindOf(body) == SendJobKind }

// SendInput asks to send a template to the members with the statuses (all
// members when none).
type SendInput struct {
	Channel    string   `json:"channel"`
	TemplateID string   `json:"template_id"`
	Statuses   []string `json:"statuses"`
}

// Statuses of a send.
const (
	SendQueued  = "queued"
	SendRunning = "running"
	SendDone    = "done"
)

// Send is a send to a campaign's members and how far it has gone.
type Send struct {
	ID         string   `json:"id"`
	CampaignID string   `json:"campaign_id"`
	Channel    string   `json:"channel"`
	TemplateID string   `json:"template_id"`
	Statuses   []string `json:"statuses"`
	Status     string   `json:"status"`
	// Members is how many members the send has gone through; Queued how
	// many messages it queued; Skipped members without a usable address
	// or who opted out of the channel.
	Members    int        `json:"members"`
	Queued     int        `json:"queued"`
	Skipped    int        `json:"skipped"`
	CreatedAt  time.Time  `json:"created_at"`
	FinishedAt *time.Time `json:"finished_at"`
}

type sendRecord struct {
	Send
	Tenant string `json:"tenant_id"`
	UserID string `json:"user_id"`
}

func sendKey(t, campaignID, id string) store.Key {
	return store.Key{PK: "T#" + t + "#CMP#" + campaignID + "#SEND", SK: id}
}

type sendMessage struct {
	Kind       string `json:"kind"`
	Tenant     string `json:"tenant"`
	CampaignID string `json:"campaign_id"`
	ID         string `json:"id"`
}

// StartSend checks a send and queues it as a job: the campaign's owner or
// an admin.
func (s *Service) StartSend(ctx context.Context, c *workspace.Caller, campaignID string, in SendInput) (*Send, error) {
	if _, err := s.writable(ctx, c, campaignID); err != nil {
		return nil, err
	}
	var p domain.Problems
	kind := templates.Kind(in.Channel)
	if !kind.Valid() {
		p.Add("channel", "invalid_channel")
	}
	switch {
	case in.TemplateID == "":
		p.Add("template_id", "required")
	case kind.Valid():
		if _, err := s.Sending.Templates.Load(ctx, c.Tenant(), kind, in.TemplateID); errors.Is(err, domain.ErrNotFound) {
			p.Add("template_id", "unknown_template", "value", in.TemplateID)
		} else if err != nil {
			return nil, err
		}
	}
	for i, st := range in.Statuses {
		if !slices.Contains(Statuses, st) {
			p.Add("statuses["+strconv.Itoa(i)+"]", "invalid_status")
		}
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	if in.Statuses == nil {
		in.Statuses = []string{}
	}
	r := &sendRecord{Tenant: c.Tenant(), UserID: c.User.ID, Send: Send{ID: domain.NewID("snd"), CampaignID: campaignID,
		Channel: in.Channel, TemplateID: in.TemplateID, Statuses: in.Statuses, Status: SendQueued, CreatedAt: s.clock.Now().UTC()}}
	if err := s.st.Put(ctx, s.sendItem(r, 1), store.NotExist); err != nil {
		return nil, fmt.Errorf("campaign: save send: %w", err)
	}
	body := store.Doc(sendMessage{Kind: SendJobKind, Tenant: r.Tenant, CampaignID: campaignID, ID: r.ID})
	if err := s.Sending.Jobs.Send(ctx, body, 0); err != nil {
		return nil, fmt.Errorf("campaign: queue send %s: %w", r.ID, err)
	}
	return &r.Send, nil
}

func (s *Service) sendItem(r *sendRecord, version int64) store.Item {
	return store.Item{Key: sendKey(r.Tenant, r.CampaignID, r.ID), Type: "campaign_send", Version: version, Doc: store.Doc(r)}
}

func (s *Service) loadSend(ctx context.Context, tenant, campaignID, id string) (*sendRecord, int64, error) {
	r, it, err := store.Load[sendRecord](ctx, s.st, sendKey(tenant, campaignID, id), "campaign_send")
	if err != nil {
		return nil, 0, err
	}
	return r, it.Version, nil
}

// GetSend returns a send and its progress (everyone reads campaigns).
func (s *Service) GetSend(ctx context.Context, c *workspace.Caller, campaignID, id string) (*Send, error) {
	if _, err := s.loadIn(ctx, c.Tenant(), campaignID); err != nil {
		return nil, err
	}
	r, _, err := s.loadSend(ctx, c.Tenant(), campaignID, id)
	if err != nil {
		return nil, err
	}
	return &r.Send, nil
}

// progressEvery is how many members a send goes through between writes of
// its progress.
const progressEvery = 100

// HandleJob runs a send: one message per member through the outbox, its
// progress saved as it goes.
func (s *Service) HandleJob(ctx context.Context, body []byte) error {
	var m sendMessage
	if err := json.Unmarshal(body, &m); err != nil || m.Kind != SendJobKind {
		return fmt.Errorf("campaign: not a send job: %s", body)
	}
	r, v, err := s.loadSend(ctx, m.Tenant, m.CampaignID, m.ID)
	if errors.Is(err, domain.ErrNotFound) {
		s.log.WarnContext(ctx, "campaign send gone", "tenant", m.Tenant, "send", m.ID)
		return nil
	}
	if err != nil || r.Status == SendDone {
		return err
	}
	camp, err := s.loadIn(ctx, m.Tenant, m.CampaignID)
	if err != nil {
		return err
	}
	o, err := s.Sending.Orgs.LoadOrg(ctx, m.Tenant)
	if err != nil {
		return err
	}
	tpl, err := s.Sending.Templates.Load(ctx, m.Tenant, templates.Kind(r.Channel), r.TemplateID)
	if err != nil {
		return err
	}
	r.Status, r.Members, r.Queued, r.Skipped = SendRunning, 0, 0, 0
	save := func() error {
		err := s.st.Put(ctx, s.sendItem(r, v+1), store.IfVersion(v))
		v++
		return err
	}
	if err := save(); err != nil {
		return err
	}
	source := notify.Source{Kind: "campaign", ID: camp.Campaign.ID, Name: camp.Campaign.Name}
	err = s.EachMember(ctx, m.Tenant, m.CampaignID, MemberFilter{Statuses: r.Statuses}, func(mem *Member) error {
		r.Members++
		queued, err := s.sendTo(ctx, o, r, tpl, source, mem)
		if err != nil {
			return err
		}
		if queued {
			r.Queued++
		} else {
			r.Skipped++
		}
		if r.Members%progressEvery == 0 {
			return save()
		}
		return nil
	})
	if err != nil {
		return err
	}
	now := s.clock.Now().UTC()
	r.Status, r.FinishedAt = SendDone, &now
	return save()
}

// sendTo queues the send's message to one member, unless the member can't
// be reached on the channel; a message queued by an earlier run of the
// job counts as queued and is not queued again.
func (s *Service) sendTo(ctx context.Context, o *workspace.Org, r *sendRecord, tpl *templates.Template, source notify.Source, mem *Member) (bool, error) {
	cu, err := s.customers.CustomerImage(ctx, o.Workspace.ID, mem.CustomerID)
	if errors.Is(err, domain.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	to := ""
	switch r.Channel {
	case notify.ChannelEmail:
		if e := strings.ToLower(strings.TrimSpace(cu.Email)); !cu.EmailOptOut && check.ValidEmail(e) {
			to = e
		}
	case notify.ChannelSMS:
		if n, err := phone.Normalize(cu.Phone); !cu.SMSOptOut && err == nil {
			to = n
		}
	}
	if to == "" || cu.Deleted() {
		return false, nil
	}
	vars := templates.Record{Org: o, Customer: cu, Now: s.clock.Now()}.Lookup
	msg, op := s.Sending.Outbox.Prepare(o, notify.Draft{Channel: r.Channel, To: to, Subject: templates.Render(tpl.Subject, vars),
		Body: templates.Render(tpl.Body, vars), CustomerID: cu.ID, Customer: true, Source: source,
		Key: "campaign:" + r.CampaignID + ":" + r.ID + ":" + cu.ID})
	err = s.st.Transact(ctx, []store.TxOp{op})
	if store.FailedOp(err) == 0 {
		return true, nil // queued by an earlier run
	}
	if err != nil {
		return false, fmt.Errorf("campaign: queue message to %s: %w", cu.ID, err)
	}
	return true, s.Sending.Outbox.Dispatch(ctx, []*notify.Message{msg})
}
