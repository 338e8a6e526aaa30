package templates

import (
	"context"
	"errors"
	"fmt"

	"tend/internal/domain"
	"tend/internal/store"
)

// Item types of this package.
const (
	typeTemplate = "template"
	typeName     = "template_name"
)

// Key layout: one partition per workspace and kind.
//
//	T#<t>#TPL#<kind>   ID#<id>               a template
//	                   NAME#<folded name>    the claim on its name {template_id}, written with it
//	                                         (store.NotExist), moved on rename, removed on delete:
//	                                         names are unique per kind, ignoring case and diacritics
func templatesPK(t string, kind Kind) string { return "T#" + t + "#TPL#" + string(kind) }
func templateKey(t string, kind Kind, id string) store.Key {
	return store.Key{PK: templatesPK(t, kind), SK: "ID#" + id}
}
func nameKey(t string, kind Kind, name string) store.Key {
	return store.Key{PK: templatesPK(t, kind), SK: "NAME#" + domain.Fold(name)}
}

// nameClaim is the document of a name claim.
type nameClaim struct {
	TemplateID string `json:"template_id"`
}

func decode(it store.Item) (*Template, error) {
	t, err := store.Decode[Template](it)
	if err != nil {
		return nil, err
	}
	t.Version = it.Version
	return t, nil
}

func (t *Template) item() store.Item {
	return store.Item{Key: templateKey(t.Tenant, t.Kind, t.ID), Type: typeTemplate, Version: t.Version, Doc: store.Doc(t)}
}

func claimItem(t *Template) store.Item {
	return store.Item{Key: nameKey(t.Tenant, t.Kind, t.Name), Type: typeName, Version: 1, Doc: store.Doc(nameClaim{TemplateID: t.ID})}
}

// saveOps writes t (new when old is nil, else over old at its version) and
// moves its name claim when the folded name changed.
func saveOps(t, old *Template) []store.TxOp {
	if old == nil {
		return []store.TxOp{store.TxPut(t.item(), store.NotExist), store.TxPut(claimItem(t), store.NotExist)}
	}
	ops := []store.TxOp{store.TxPut(t.item(), store.IfVersion(old.Version))}
	if from, to := nameKey(old.Tenant, old.Kind, old.Name), nameKey(t.Tenant, t.Kind, t.Name); from != to {
		ops = append(ops, store.TxDelete(from, store.None), store.TxPut(claimItem(t), store.NotExist))
	}
	return ops
}

// load reads one template.
func (s *Service) load(ctx context.Context, tenant string, kind Kind, id string) (*Template, error) {
	if !kind.Valid() || id == "" {
		return nil, domain.NotFound("template")
	}
	it, err := s.st.Get(ctx, templateKey(tenant, kind, id))
	if errors.Is(err, store.ErrNotFound) {
		return nil, domain.NotFound("template")
	}
	if err != nil {
		return nil, fmt.Errorf("templates: read %s template %s: %w", kind, id, err)
	}
	return decode(it)
}

// loadAll reads every template of a kind of a workspace.
func (s *Service) loadAll(ctx context.Context, tenant string, kind Kind) ([]*Template, error) {
	var out []*Template
	q := store.Query{PK: templatesPK(tenant, kind), SK: store.SKBeginsWith, A: "ID#", Limit: 500}
	for it, err := range store.Items(ctx, s.st, q) {
		if err != nil {
			return nil, fmt.Errorf("templates: list %s templates: %w", kind, err)
		}
		t, err := decode(it)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}
