package httpapi

import (
	"context"
	"net/http"
	"strconv"

	"tend/internal/customer"
	"tend/internal/customerlist"
	"tend/internal/domain"
	"tend/internal/workspace"
)

func (a *API) routesCustomers() {
	svc := a.cfg.Customers
	a.handle("GET /v1/customers", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		if err := a.applyListSettings(r, c); err != nil {
			return err
		}
		limit, cursor, err := pageParams(r, c)
		if err != nil {
			return err
		}
		q := r.URL.Query()
		page, err := a.cfg.Lists.ListCustomers(r.Context(), c, customerlist.ListQuery{
			Q: q.Get("q"), Filter: q.Get("filter"), Sort: q.Get("sort"), Limit: limit, Cursor: cursor,
			Deleted: q.Get("deleted") == "true",
		})
		return writePage(w, r, c, page, err)
	})
	a.handle("GET /v1/customers/count", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		q := r.URL.Query()
		n, err := a.cfg.Lists.CountCustomers(r.Context(), c, customerlist.ListQuery{
			Q: q.Get("q"), Filter: q.Get("filter"), Deleted: q.Get("deleted") == "true",
		})
		return ok(w, n, err)
	})
	a.handle("POST /v1/customers", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		in, err := customerInput(w, r)
		if err != nil {
			return err
		}
		cu, err := svc.CreateCustomer(r.Context(), c, in)
		if err != nil {
			return err
		}
		return created(w, "/v1/customers/"+cu.ID, cu)
	})
	a.handle("GET /v1/customers/{id}", itemHandler(svc.GetCustomer))
	a.handle("PATCH /v1/customers/{id}", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		in, err := customerInput(w, r)
		if err != nil {
			return err
		}
		cu, err := svc.UpdateCustomer(r.Context(), c, r.PathValue("id"), in)
		return ok(w, cu, err)
	})
	a.handle("DELETE /v1/customers/{id}", deleteHandler(svc.DeleteCustomer, "id"))
	a.handle("POST /v1/customers/{id}/restore", itemHandler(svc.RestoreCustomer))
	a.handle("POST /v1/customers/{id}/step", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		var in customer.StepInput
		if err := decodeBody(w, r, &in); err != nil {
			return err
		}
		cu, err := svc.SetStep(r.Context(), c, r.PathValue("id"), in)
		return ok(w, cu, err)
	})
	a.handle("POST /v1/customers/bulk/step", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		var in customer.BulkStepInput
		if err := decodeBody(w, r, &in); err != nil {
			return err
		}
		res, err := svc.BulkSetStep(r.Context(), c, in)
		if err != nil {
			return err
		}
		lang := language(r, c.Org.Workspace.Language)
		out := bulkAnswer{Updated: res.Updated, Failed: []bulkFailure{}}
		for _, f := range res.Failed {
			p := problemFor(r, a.cfg.Log, f.Error, lang)
			out.Failed = append(out.Failed, bulkFailure{ID: f.ID, Code: p.Code, Message: p.Detail})
		}
		return writeJSON(w, http.StatusOK, out)
	})
	a.handle("PUT /v1/customers/{id}/shares", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		var in struct {
			UserIDs []string `json:"user_ids"`
		}
		if err := decodeBody(w, r, &in); err != nil {
			return err
		}
		if in.UserIDs == nil {
			return fieldError("user_ids", "required")
		}
		cu, err := svc.SetShares(r.Context(), c, r.PathValue("id"), in.UserIDs)
		return ok(w, cu, err)
	})
	a.handle("POST /v1/customers/{id}/pin", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		var in customer.PinInput
		if err := decodeBody(w, r, &in); err != nil {
			return err
		}
		cu, err := svc.Pin(r.Context(), c, r.PathValue("id"), in)
		return ok(w, cu, err)
	})
	a.handle("DELETE /v1/customers/{id}/pin", itemHandler(svc.Unpin))
	a.handle("GET /v1/lookup", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		limit, cursor, err := pageParams(r, c)
		if err != nil {
			return err
		}
		page, err := a.cfg.Lists.Lookup(r.Context(), c, r.URL.Query().Get("q"), limit, cursor)
		return writePage(w, r, c, page, err)
	})
}

type bulkAnswer struct {
	Updated []string      `json:"updated"`
	Failed  []bulkFailure `json:"failed"`
}

type bulkFailure struct {
	ID      string `json:"id"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// customerInput reads a customer body.
func customerInput(w http.ResponseWriter, r *http.Request) (*customer.Input, error) {
	raw, err := readBody(w, r)
	if err != nil {
		return nil, err
	}
	return customer.ParseInput(raw)
}

// limitParam reads ?limit= (1 to 500; absent is the default).
func limitParam(r *http.Request) (int, error) {
	s := r.URL.Query().Get("limit")
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 500 {
		return 0, fieldError("limit", "invalid_limit")
	}
	return n, nil
}

// pagedHandler serves a paged list of a customer's sub-items.
func pagedHandler[T any](list func(ctx context.Context, c *workspace.Caller, id string, limit int, cursor string) (*domain.Page[T], error)) handler {
	return func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		limit, cursor, err := pageParams(r, c)
		if err != nil {
			return err
		}
		page, err := list(r.Context(), c, r.PathValue("id"), limit, cursor)
		return writePage(w, r, c, page, err)
	}
}

// addHandler serves the creation of a customer's sub-item.
func addHandler[In any, Out any](add func(ctx context.Context, c *workspace.Caller, id string, in In) (*Out, error)) handler {
	return func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		var in In
		if err := decodeBody(w, r, &in); err != nil {
			return err
		}
		out, err := add(r.Context(), c, r.PathValue("id"), in)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusCreated, out)
	}
}
