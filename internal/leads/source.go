// Package leads takes leads from outside [tích hợp cổng dữ liệu]: lead
// sources (a landing page, an ad form, a call center) post signed JSON to
// their webhook; each accepted lead is stored before it is answered, made
// a customer by the intake queue's consumer, and never lost.
package leads

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/store"
	"tend/internal/timeline"
	"tend/internal/workspace"
)

// Source is a lead source: how it sends leads (its kind), where its
// leads go and how they map to customer fields. A signed source's mapping
// is field key → JSON path and is required; the other kinds match their
// providers' field names to fields by themselves (see fieldmatch), and a
// mapping, field key → the provider's field name, adds to that.
type Source struct {
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Kind     Kind     `json:"kind"`
	Settings Settings `json:"settings"`
	// SecretsSet names the provider's secrets the source holds sealed.
	SecretsSet []string `json:"secrets_set"`
	// HookPath is where the source posts (absent for form_url sources,
	// whose path holds their token: see WithSecret).
	HookPath    string `json:"hook_path,omitempty"`
	WarehouseID string `json:"warehouse_id"`
	PipelineID  string `json:"pipeline_id"`
	StepID      string `json:"step_id"`
	// CampaignID, when set, is a campaign the source's leads join as
	// registered (signed sources).
	CampaignID string `json:"campaign_id"`
	// ReturningToStep puts a returning customer (a lead matching a
	// customer already known) back at the source's step, as a new lead
	// starts there; off, its steps stay as they are.
	ReturningToStep bool              `json:"returning_to_step"`
	Mapping         map[string]string `json:"mapping"`
	Enabled         bool              `json:"enabled"`
	CreatedAt       time.Time         `json:"created_at"`
	UpdatedAt       time.Time         `json:"updated_at"`
	Version         int64             `json:"version"`
	Tenant          string            `json:"tenant_id"`
}

// WithSecret is a source as answered when it is created or its secret
// rotated: the only times the secret is shown. What the secret is depends
// on the kind: the signing key (signed), the token of the form's URL
// (form_url, whose FormPath holds it), the google_key (google_ads) or the
// verify token (facebook). A zalo_oa source has none of its own.
type WithSecret struct {
	*Source
	Secret   string `json:"secret,omitempty"`
	FormPath string `json:"form_path,omitempty"`
}

// record is a source as stored: with its secrets. The previous secret
// stays valid for a day after a rotation, so senders can switch over. The
// provider's secrets are sealed (Sealer), each bound to the source.
type record struct {
	Source
	Secret         string            `json:"secret"`
	PreviousSecret string            `json:"previous_secret,omitempty"`
	PreviousUntil  time.Time         `json:"previous_until,omitzero"`
	Sealed         map[string][]byte `json:"sealed,omitempty"`
}

// answer is the source as shown: without its secrets.
func (r *record) answer() *Source {
	src := r.Source
	src.SecretsSet = r.secretsSet()
	if src.Mapping == nil {
		src.Mapping = map[string]string{}
	}
	src.HookPath = ""
	if r.Kind != KindForm {
		src.HookPath = "/hooks/leads/" + r.ID
	}
	return &src
}

// withSecret is the source with its secret, as answered once.
func (r *record) withSecret() *WithSecret {
	out := &WithSecret{Source: r.answer()}
	switch r.Kind {
	case KindZalo:
	case KindForm:
		out.Secret, out.FormPath = r.Secret, "/hooks/f/"+r.ID+"."+r.Secret
	default:
		out.Secret = r.Secret
	}
	return out
}

// Input creates or changes a source; on a change, absent fields are kept.
type Input struct {
	Name        *string `json:"name"`
	WarehouseID *string `json:"warehouse_id"`
	PipelineID  *string `json:"pipeline_id"`
	StepID      *string `json:"step_id"`
	CampaignID  *string `json:"campaign_id"`
	// ReturningToStep: see Source.
	ReturningToStep *bool              `json:"returning_to_step"`
	Mapping         *map[string]string `json:"mapping"`
	Enabled         *bool              `json:"enabled"`
	Version         *int64             `json:"version"`
	// Kind is set when the source is created (signed when absent).
	Kind *Kind `json:"kind"`
	// Settings replace the source's settings.
	Settings *Settings `json:"settings"`
	// Secrets sets provider's secrets (app_secret, page_access_token,
	// oa_secret_key); those not named are kept.
	Secrets map[string]string `json:"secrets"`
}

// rotationGrace is how long the previous secret is honoured.
const rotationGrace = 24 * time.Hour

// Sources are addressed by id alone (the webhook's URL names only the
// source), and listed per workspace on GSI1.
func sourceKey(id string) store.Key { return store.Key{PK: "LEADSRC#" + id, SK: "A"} }
func listPK(tenant string) string   { return "T#" + tenant + "#LEADSRCS" }

func (r *record) item() store.Item {
	return store.Item{Key: sourceKey(r.ID), Type: "lead_source", Version: r.Version, Doc: store.Doc(r),
		Index: [4]store.IndexKey{{PK: listPK(r.Tenant), SK: store.SortTime(r.CreatedAt) + "#" + r.ID}}}
}

// Service manages lead sources and takes their leads.
type Service struct {
	Deps
	cache sourceCache
}

// Orgs reads workspaces' set-ups.
type Orgs interface {
	LoadOrg(ctx context.Context, tenant string) (*workspace.Org, error)
}

// Customers are the customer operations of intake: creating a lead's
// customer, and finding the customer a duplicate-check value belongs to.
type Customers interface {
	CreateCustomerAs(ctx context.Context, o *workspace.Org, in *customer.Input, actor domain.Actor, also customer.Also) (*domain.Customer, error)
	ClaimHolder(ctx context.Context, o *workspace.Org, criterion, value string) (string, bool, error)
	Mutate(ctx context.Context, o *workspace.Org, id string, actor domain.Actor, action string, fn customer.Change) (*domain.Customer, error)
}

// Timeline records a returning customer's lead as an activity (with a
// note of what differs), and a call record.
type Timeline interface {
	AddCallAs(ctx context.Context, o *workspace.Org, actor domain.Actor, userID, customerID string, in timeline.CallInput, also customer.Also) (*domain.Call, error)
	SystemActivity(tenant, customerID string, in timeline.ActivityInput) (*domain.Activity, store.Item, error)
	SystemNote(tenant, customerID, body string) (*domain.Note, store.Item, error)
}

// Campaigns are the campaigns a source's leads may join.
type Campaigns interface {
	Exists(ctx context.Context, tenant, id string) error
	Register(ctx context.Context, tenant, campaignID, customerID string, actor domain.Actor) error
}

// Deps are what the lead service works with.
type Deps struct {
	Store     store.Store
	Clock     domain.Clock
	Log       *slog.Logger
	Orgs      Orgs
	Customers Customers
	Timeline  Timeline
	Campaigns Campaigns
	// Sealer keeps the providers' secrets; Intake queues the leads stored
	// first (every kind but signed); Graph fetches Facebook leads. Each is
	// needed only by the functions that reach it.
	Sealer Sealer
	Intake Queue
	Graph  Graph
	// Outbox tells owners their customers are back (the intake function).
	Outbox Outbox
}

// New returns the lead service.
func New(d Deps) *Service {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	return &Service{Deps: d}
}

func (s *Service) load(ctx context.Context, id string) (*record, error) {
	it, err := s.Store.Get(ctx, sourceKey(id))
	if errors.Is(err, store.ErrNotFound) {
		return nil, domain.NotFound("lead_source")
	}
	if err != nil {
		return nil, fmt.Errorf("leads: read source %s: %w", id, err)
	}
	var r record
	if err := json.Unmarshal(it.Doc, &r); err != nil {
		return nil, fmt.Errorf("leads: decode source %s: %w", id, err)
	}
	r.Version = it.Version
	if r.Kind == "" { // sources from before kinds were all signed
		r.Kind = KindSigned
	}
	return &r, nil
}

// loadFor reads a source of the caller's workspace.
func (s *Service) loadFor(ctx context.Context, c *workspace.Caller, id string) (*record, error) {
	r, err := s.load(ctx, id)
	if err == nil && r.Tenant != c.Tenant() {
		return nil, domain.NotFound("lead_source")
	}
	return r, err
}

// List returns the workspace's sources (without secrets).
func (s *Service) List(ctx context.Context, c *workspace.Caller) ([]*Source, error) {
	page, err := s.Store.Query(ctx, store.Query{Index: store.GSI1, PK: listPK(c.Tenant()), Limit: 1000})
	if err != nil {
		return nil, fmt.Errorf("leads: list sources: %w", err)
	}
	out := []*Source{}
	for _, it := range page.Items {
		var r record
		if err := json.Unmarshal(it.Doc, &r); err != nil {
			return nil, fmt.Errorf("leads: decode source: %w", err)
		}
		r.Version = it.Version
		out = append(out, r.answer())
	}
	return out, nil
}

// Get returns a source (without its secret).
func (s *Service) Get(ctx context.Context, c *workspace.Caller, id string) (*Source, error) {
	r, err := s.loadFor(ctx, c, id)
	if err != nil {
		return nil, err
	}
	return r.answer(), nil
}

// Create adds a source (admins only) and answers its secret, once.
func (s *Service) Create(ctx context.Context, c *workspace.Caller, in Input) (*WithSecret, error) {
	if err := c.RequireAdmin(); err != nil {
		return nil, err
	}
	now := s.Clock.Now().UTC()
	r := &record{Source: Source{ID: domain.NewID("src"), Tenant: c.Tenant(), Kind: KindSigned, Enabled: true, CreatedAt: now, UpdatedAt: now, Version: 1}}
	if in.Kind != nil {
		r.Kind = *in.Kind
	}
	r.Secret = newSecret(r.Kind)
	if in.Mapping == nil && r.Kind == KindSigned {
		p := domain.Problems{}
		p.Add("mapping", "required")
		return nil, p.Err()
	}
	if err := s.apply(ctx, r, c.Org, in); err != nil {
		return nil, err
	}
	if err := s.Store.Put(ctx, r.item(), store.NotExist); err != nil {
		return nil, fmt.Errorf("leads: save source: %w", err)
	}
	return r.withSecret(), nil
}

// Update changes a source (admins only); the secret stays.
func (s *Service) Update(ctx context.Context, c *workspace.Caller, id string, in Input) (*Source, error) {
	if err := c.RequireAdmin(); err != nil {
		return nil, err
	}
	r, err := s.loadFor(ctx, c, id)
	if err != nil {
		return nil, err
	}
	if in.Version != nil && *in.Version != r.Version {
		return nil, domain.VersionConflict("lead_source")
	}
	if in.Kind != nil && *in.Kind != r.Kind {
		return nil, domain.Invalid("kind", "read_only")
	}
	if err := s.apply(ctx, r, c.Org, in); err != nil {
		return nil, err
	}
	if err := s.save(ctx, r); err != nil {
		return nil, err
	}
	return r.answer(), nil
}

// RotateSecret gives a source a new secret, answered once; the previous
// one is honoured for a day (admins only).
func (s *Service) RotateSecret(ctx context.Context, c *workspace.Caller, id string) (*WithSecret, error) {
	if err := c.RequireAdmin(); err != nil {
		return nil, err
	}
	r, err := s.loadFor(ctx, c, id)
	if err != nil {
		return nil, err
	}
	if r.Kind == KindZalo {
		return nil, domain.Errorf(domain.ErrConflict, "no_secret_to_rotate", "kind", string(r.Kind))
	}
	r.PreviousSecret, r.PreviousUntil, r.Secret = r.Secret, s.Clock.Now().UTC().Add(rotationGrace), newSecret(r.Kind)
	if err := s.save(ctx, r); err != nil {
		return nil, err
	}
	return r.withSecret(), nil
}

// Delete removes a source (admins only): its webhook stops taking leads.
func (s *Service) Delete(ctx context.Context, c *workspace.Caller, id string) error {
	if err := c.RequireAdmin(); err != nil {
		return err
	}
	if _, err := s.loadFor(ctx, c, id); err != nil {
		return err
	}
	defer s.forget(id)
	return s.Store.Delete(ctx, sourceKey(id), store.None)
}

func (s *Service) save(ctx context.Context, r *record) error {
	defer s.forget(r.ID)
	prev := r.Version
	r.Version, r.UpdatedAt = prev+1, s.Clock.Now().UTC()
	err := s.Store.Put(ctx, r.item(), store.IfVersion(prev))
	if errors.Is(err, store.ErrConditionFailed) {
		return domain.VersionConflict("lead_source")
	}
	return err
}

// apply sets and checks the input against the workspace, sealing the
// secrets it sets.
func (s *Service) apply(ctx context.Context, r *record, o *workspace.Org, in Input) error {
	var p domain.Problems
	if in.Settings != nil {
		r.Settings = *in.Settings
	}
	checkKind(r, &p)
	if err := s.sealInput(ctx, r, in.Secrets, &p); err != nil {
		return err
	}
	if in.Name != nil {
		r.Name = strings.TrimSpace(*in.Name)
	}
	if in.WarehouseID != nil {
		r.WarehouseID = *in.WarehouseID
	}
	if in.PipelineID != nil {
		r.PipelineID = *in.PipelineID
	}
	if in.StepID != nil {
		r.StepID = *in.StepID
	}
	if in.Enabled != nil {
		r.Enabled = *in.Enabled
	}
	if in.Mapping != nil {
		r.Mapping = *in.Mapping
	}
	if in.ReturningToStep != nil {
		r.ReturningToStep = *in.ReturningToStep
	}
	if r.ReturningToStep && (r.PipelineID == "" || r.StepID == "") {
		p.Add("returning_to_step", "returning_needs_step")
	}
	if in.CampaignID != nil {
		r.CampaignID = *in.CampaignID
		if err := s.Campaigns.Exists(ctx, o.Workspace.ID, r.CampaignID); r.CampaignID != "" && errors.Is(err, domain.ErrNotFound) {
			p.Add("campaign_id", "unknown_campaign", "value", r.CampaignID)
		} else if r.CampaignID != "" && err != nil {
			return err
		}
	}
	switch fault := domain.TextFault(r.Name, false); {
	case r.Name == "":
		p.Add("name", "required")
	case fault != "":
		p.Add("name", fault)
	case len([]rune(r.Name)) > 200:
		p.Add("name", "too_long", "max", "200")
	}
	if _, ok := o.Warehouse(r.WarehouseID); r.WarehouseID != "" && !ok {
		p.Add("warehouse_id", "unknown_warehouse", "value", r.WarehouseID)
	}
	if r.PipelineID != "" || r.StepID != "" {
		if pl, ok := o.Pipeline(r.PipelineID); !ok {
			p.Add("pipeline_id", "unknown_pipeline", "pipeline", r.PipelineID)
		} else if _, ok := pl.Step(r.StepID); !ok {
			p.Add("step_id", "unknown_step", "value", r.StepID)
		}
	}
	if r.Kind == KindSigned {
		checkMapping(o, r.Mapping, &p)
	} else {
		checkFieldNames(o, r.Mapping, &p)
	}
	return p.Err()
}

// checkMapping checks a signed source's mapping: every key a field a lead
// may set, every path compiles; name must be mapped.
func checkMapping(o *workspace.Org, m map[string]string, p *domain.Problems) {
	if _, ok := m["name"]; !ok {
		p.Add("mapping.name", "required")
	}
	checkMapped(o, m, p, func(path string) bool { _, err := ParsePath(path); return err == nil }, "invalid_json_path")
}

// checkFieldNames checks a mapping of provider field names: every key a
// field a lead may set, every name given.
func checkFieldNames(o *workspace.Org, m map[string]string, p *domain.Problems) {
	checkMapped(o, m, p, func(name string) bool {
		name = strings.TrimSpace(name)
		return name != "" && len(name) <= 500 && domain.TextFault(name, false) == ""
	}, "invalid_value")
}

// checkMapped checks, key by key in order, that each key is a field a
// lead may set and each value passes valid (else code).
func checkMapped(o *workspace.Org, m map[string]string, p *domain.Problems, valid func(string) bool, code string) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		at := "mapping." + k
		if !customer.WritableField(o, strings.TrimPrefix(k, "fields.")) || k == "owner_id" || k == "warehouse_id" || k == "owner" || k == "warehouse" {
			p.Add(at, "unknown_field", "field", k)
			continue
		}
		if !valid(m[k]) {
			p.Add(at, code)
		}
	}
}
