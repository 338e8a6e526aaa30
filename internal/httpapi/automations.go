package httpapi

import (
	"net/http"

	"tend/internal/automation"
	"tend/internal/workspace"
)

func (a *API) routesAutomations() {
	svc := a.cfg.Automation
	a.handle("GET /v1/automations", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		rs, err := svc.List(r.Context(), c)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, list[*automation.Rule]{Items: rs})
	})
	a.admin("POST /v1/automations", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		in, err := ruleInput(w, r)
		if err != nil {
			return err
		}
		rule, err := svc.Create(r.Context(), c, in)
		if err != nil {
			return err
		}
		return created(w, "/v1/automations/"+rule.ID, rule)
	})
	a.admin("POST /v1/automations/preview", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		in, err := ruleInput(w, r)
		if err != nil {
			return err
		}
		p, err := svc.Preview(r.Context(), c, in)
		return ok(w, p, err)
	})
	a.handle("GET /v1/automations/{id}", itemHandler(svc.Get))
	a.admin("PATCH /v1/automations/{id}", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		in, err := ruleInput(w, r)
		if err != nil {
			return err
		}
		rule, err := svc.Update(r.Context(), c, r.PathValue("id"), in)
		return ok(w, rule, err)
	})
	a.admin("DELETE /v1/automations/{id}", deleteHandler(svc.Delete, "id"))
	// A rule's runs name customers of every owner: admins only. A
	// customer's own log follows the customer's visibility.
	a.admin("GET /v1/automations/{id}/runs", pagedHandler(svc.Runs))
	a.handle("GET /v1/customers/{id}/automation-log", pagedHandler(svc.CustomerLog))
}

func ruleInput(w http.ResponseWriter, r *http.Request) (*automation.RuleInput, error) {
	raw, err := readBody(w, r)
	if err != nil {
		return nil, err
	}
	return automation.ParseRule(raw)
}
