package httpapi

import (
	"net/http"

	"tend/internal/orders"
	"tend/internal/workspace"
)

func (a *API) routesOrders() {
	svc := a.cfg.Orders
	a.handle("GET /v1/orders", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		limit, cursor, err := pageParams(r, c)
		if err != nil {
			return err
		}
		page, err := svc.List(r.Context(), c, r.URL.Query().Get("customer_id"), limit, cursor)
		return writePage(w, r, c, page, err)
	})
	a.handle("POST /v1/orders", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		var in orders.Input
		if err := decodeBody(w, r, &in); err != nil {
			return err
		}
		o, err := svc.Save(r.Context(), c, "", in)
		if err != nil {
			return err
		}
		return created(w, "/v1/orders/"+o.ID, o)
	})
	a.handle("GET /v1/orders/{id}", itemHandler(svc.Get))
	a.handle("PATCH /v1/orders/{id}", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		var in orders.Input
		if err := decodeBody(w, r, &in); err != nil {
			return err
		}
		o, err := svc.Save(r.Context(), c, r.PathValue("id"), in)
		return ok(w, o, err)
	})
	a.handle("DELETE /v1/orders/{id}", deleteHandler(svc.Delete, "id"))
}
