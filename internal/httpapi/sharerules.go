package httpapi

import (
	"net/http"

	"tend/internal/sharing"
	"tend/internal/workspace"
)

// routesShareRules serves the share rules: everyone reads them, admins
// write them.
func (a *API) routesShareRules() {
	svc := a.cfg.Sharing
	a.handle("GET /v1/share-rules", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		rs, err := svc.List(r.Context(), c)
		return ok(w, list[*sharing.Rule]{Items: rs}, err)
	})
	a.admin("POST /v1/share-rules", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		in, err := shareRuleInput(w, r)
		if err != nil {
			return err
		}
		rule, err := svc.Create(r.Context(), c, in)
		if err != nil {
			return err
		}
		return created(w, "/v1/share-rules/"+rule.ID, rule)
	})
	a.handle("GET /v1/share-rules/{id}", itemHandler(svc.Get))
	a.admin("PATCH /v1/share-rules/{id}", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		in, err := shareRuleInput(w, r)
		if err != nil {
			return err
		}
		rule, err := svc.Update(r.Context(), c, r.PathValue("id"), in)
		return ok(w, rule, err)
	})
	a.admin("DELETE /v1/share-rules/{id}", deleteHandler(svc.Delete, "id"))
}

func shareRuleInput(w http.ResponseWriter, r *http.Request) (*sharing.Input, error) {
	raw, err := readBody(w, r)
	if err != nil {
		return nil, err
	}
	return sharing.ParseInput(raw)
}
