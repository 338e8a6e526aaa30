package careflow

import (
	"context"
	"errors"
	"fmt"

	"tend/internal/domain"
	"tend/internal/store"
)

// Item types of this package.
const (
	typeFlow   = "care_flow"
	typeActive = "care_flow_active"
	typeRun    = "care_flow_run"
	typeMarker = "care_flow_marker"
	typeJob    = "care_flow_job"
	typeDone   = "care_flow_done"
)

// Key layout:
//
//	T#<t>#CFLOWS          F#<flow>                   a flow (GSI1 CAREFLOWS#ACTIVE / <t>#<flow> while active)
//	                      ACTIVE#<module>            the ids of a module's active flows (at most MaxActive)
//	T#<t>#CFLOG#<flow>    DAY#<local date>           "ran on that day" marker
//	                      RUN#<started>#<run>        a run, with its totals
//	                      DONE#<occurrence>#<record> the flow acted on a record for an occurrence
//	T#<t>#CFJOB#<run>     RUN                        a run's snapshot of the flow (GSI1 CFRUNS#OPEN until done)
//	                      <shard>                    its checkpoint for one shard of records
//	T#<t>#RFX#<rule>      <firing>#<customer>        an automation rule's care-flow actions were carried out (rules.go)
const (
	activeIndexPK = "CAREFLOWS#ACTIVE"
	openRunsPK    = "CFRUNS#OPEN"
)

func flowsPK(t string) string        { return "T#" + t + "#CFLOWS" }
func flowKey(t, id string) store.Key { return store.Key{PK: flowsPK(t), SK: "F#" + id} }
func activeKey(t string, m Module) store.Key {
	return store.Key{PK: flowsPK(t), SK: "ACTIVE#" + string(m)}
}
func logPK(t, flow string) string { return "T#" + t + "#CFLOG#" + flow }
func markerKey(t, flow string, day domain.Date) store.Key {
	return store.Key{PK: logPK(t, flow), SK: "DAY#" + day.String()}
}
func doneKey(t, flow, occurrence, record string) store.Key {
	return store.Key{PK: logPK(t, flow), SK: "DONE#" + occurrence + "#" + record}
}
func jobPK(t, run string) string { return "T#" + t + "#CFJOB#" + run }

func (f *Flow) item() store.Item {
	it := store.Item{Key: flowKey(f.Tenant, f.ID), Type: typeFlow, Version: f.Version, Doc: store.Doc(f)}
	if f.Active {
		it.Index[0] = store.IndexKey{PK: activeIndexPK, SK: f.Tenant + "#" + f.ID}
	}
	return it
}

func (s *Service) loadFlow(ctx context.Context, tenant, id string) (*Flow, error) {
	it, err := s.st.Get(ctx, flowKey(tenant, id))
	if errors.Is(err, store.ErrNotFound) {
		return nil, domain.NotFound("care_flow")
	}
	if err != nil {
		return nil, fmt.Errorf("careflow: read flow %s: %w", id, err)
	}
	f, err := store.Decode[Flow](it)
	if err != nil {
		return nil, err
	}
	f.Version = it.Version
	return f, nil
}

func (s *Service) loadFlows(ctx context.Context, tenant string) ([]*Flow, error) {
	var out []*Flow
	q := store.Query{PK: flowsPK(tenant), SK: store.SKBeginsWith, A: "F#", Limit: 500}
	for it, err := range store.Items(ctx, s.st, q) {
		if err != nil {
			return nil, fmt.Errorf("careflow: read flows: %w", err)
		}
		f, err := store.Decode[Flow](it)
		if err != nil {
			return nil, err
		}
		f.Version = it.Version
		out = append(out, f)
	}
	return out, nil
}

// activeSet is the ids of a module's active flows: activation adds to it
// conditionally, which keeps the limit under concurrent activations.
type activeSet struct {
	IDs []string `json:"ids"`
}

func (s *Service) loadActive(ctx context.Context, tenant string, m Module) (*activeSet, store.Cond, int64, error) {
	it, err := s.st.Get(ctx, activeKey(tenant, m))
	if errors.Is(err, store.ErrNotFound) {
		return &activeSet{}, store.NotExist, 0, nil
	}
	if err != nil {
		return nil, store.None, 0, fmt.Errorf("careflow: read active flows: %w", err)
	}
	set, err := store.Decode[activeSet](it)
	return set, store.IfVersion(it.Version), it.Version, err
}

func activeItem(tenant string, m Module, set *activeSet, version int64) store.Item {
	return store.Item{Key: activeKey(tenant, m), Type: typeActive, Version: version, Doc: store.Doc(set)}
}
