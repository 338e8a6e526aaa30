package sharing

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"tend/internal/domain"
	"tend/internal/store"
)

// Item types of this package.
const (
	typeRule   = "share_rule"
	typeMarker = "share_rule_marker"
	typeJob    = "share_rule_job"
)

// Key layout:
//
//	T#<t>#SHRULES        R#<rule>            a rule (GSI1 SHRULES#ENABLED / <t>#<rule> while enabled)
//	T#<t>#SHRLOG#<rule>  AT#<due time>       "the run due then was started" marker
//	T#<t>#SHRJOB#<run>   RUN                 a run (GSI1 SHRRUNS#OPEN until done)
//	                     00                  its checkpoint
const (
	enabledIndexPK = "SHRULES#ENABLED"
	openRunsPK     = "SHRRUNS#OPEN"
)

func rulesPK(t string) string        { return "T#" + t + "#SHRULES" }
func ruleKey(t, id string) store.Key { return store.Key{PK: rulesPK(t), SK: "R#" + id} }
func markerKey(t, rule string, due time.Time) store.Key {
	return store.Key{PK: "T#" + t + "#SHRLOG#" + rule, SK: "AT#" + store.SortTime(due)}
}
func jobPK(t, run string) string { return "T#" + t + "#SHRJOB#" + run }

func (r *Rule) item() store.Item {
	it := store.Item{Key: ruleKey(r.Tenant, r.ID), Type: typeRule, Version: r.Version, Doc: store.Doc(r)}
	if r.Enabled {
		it.Index[0] = store.IndexKey{PK: enabledIndexPK, SK: r.Tenant + "#" + r.ID}
	}
	return it
}

// decodeRule reads a rule item; its workspace is in its key.
func decodeRule(it store.Item) (*Rule, error) {
	r, err := store.Decode[Rule](it)
	if err != nil {
		return nil, err
	}
	r.Tenant = strings.TrimSuffix(strings.TrimPrefix(it.PK, "T#"), "#SHRULES")
	r.Version = it.Version
	return r, nil
}

func (s *Service) loadRule(ctx context.Context, tenant, id string) (*Rule, error) {
	it, err := s.st.Get(ctx, ruleKey(tenant, id))
	if errors.Is(err, store.ErrNotFound) {
		return nil, domain.NotFound("share_rule")
	}
	if err != nil {
		return nil, fmt.Errorf("sharing: read rule %s: %w", id, err)
	}
	return decodeRule(it)
}

func (s *Service) loadRules(ctx context.Context, tenant string) ([]*Rule, error) {
	out := []*Rule{}
	q := store.Query{PK: rulesPK(tenant), SK: store.SKBeginsWith, A: "R#", Limit: 500}
	for it, err := range store.Items(ctx, s.st, q) {
		if err != nil {
			return nil, fmt.Errorf("sharing: read rules: %w", err)
		}
		r, err := decodeRule(it)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}
