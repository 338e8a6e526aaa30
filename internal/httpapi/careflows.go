package httpapi

import (
	"net/http"

	"tend/internal/careflow"
	"tend/internal/notify"
	"tend/internal/workspace"
)

func (a *API) routesCareFlows() {
	svc := a.cfg.CareFlows
	a.handle("GET /v1/care-flows", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		m := careflow.Module(r.URL.Query().Get("module"))
		if m != "" && m != careflow.ModuleCustomers && m != careflow.ModuleOrders {
			return fieldError("module", "invalid_value")
		}
		fs, err := svc.List(r.Context(), c, m)
		return ok(w, list[*careflow.Flow]{Items: fs}, err)
	})
	a.admin("POST /v1/care-flows", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		in, err := careFlowInput(w, r)
		if err != nil {
			return err
		}
		f, err := svc.Create(r.Context(), c, in)
		if err != nil {
			return err
		}
		return created(w, "/v1/care-flows/"+f.ID, f)
	})
	a.admin("PUT /v1/care-flows/order", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		var in struct {
			IDs []string `json:"ids"`
		}
		if err := decodeBody(w, r, &in); err != nil {
			return err
		}
		fs, err := svc.Reorder(r.Context(), c, in.IDs)
		return ok(w, list[*careflow.Flow]{Items: fs}, err)
	})
	a.handle("GET /v1/care-flows/{id}", itemHandler(svc.Get))
	a.admin("PATCH /v1/care-flows/{id}", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		in, err := careFlowInput(w, r)
		if err != nil {
			return err
		}
		f, err := svc.Update(r.Context(), c, r.PathValue("id"), in)
		return ok(w, f, err)
	})
	a.admin("DELETE /v1/care-flows/{id}", deleteHandler(svc.Delete, "id"))
	a.admin("POST /v1/care-flows/{id}/activate", itemHandler(svc.Activate))
	a.admin("POST /v1/care-flows/{id}/deactivate", itemHandler(svc.Deactivate))
	a.admin("POST /v1/care-flows/{id}/clone", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		f, err := svc.Clone(r.Context(), c, r.PathValue("id"))
		if err != nil {
			return err
		}
		return created(w, "/v1/care-flows/"+f.ID, f)
	})
	a.admin("GET /v1/care-flows/{id}/runs", pagedHandler(svc.Runs))
}

func careFlowInput(w http.ResponseWriter, r *http.Request) (*careflow.Input, error) {
	raw, err := readBody(w, r)
	if err != nil {
		return nil, err
	}
	return careflow.ParseInput(raw)
}

// routesMessages serves the delivery records of emails and SMS.
func (a *API) routesMessages() {
	a.handle("GET /v1/messages", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		limit, cursor, err := pageParams(r, c)
		if err != nil {
			return err
		}
		q := r.URL.Query()
		page, err := a.cfg.Notify.List(r.Context(), c, notify.Filter{CustomerID: q.Get("customer_id"),
			Status: notify.Status(q.Get("status")), Limit: limit, Cursor: cursor})
		return writePage(w, r, c, page, err)
	})
}
