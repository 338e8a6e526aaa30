package httpapi

import (
	"context"
	"net/http"
	"strconv"

	"tend/internal/crm"
	"tend/internal/domain"
)

func (a *API) routesCustomers() {
	svc := a.cfg.CRM
	a.handle("GET /v1/customers", func(w http.ResponseWriter, r *http.Request, c *crm.Caller) error {
		limit, cursor, err := pageParams(r, c)
		if err != nil {
			return err
		}
		q := r.URL.Query()
		page, err := svc.ListCustomers(r.Context(), c, crm.ListQuery{
			Q: q.Get("q"), Filter: q.Get("filter"), Sort: q.Get("sort"), Limit: limit, Cursor: cursor,
			Deleted: q.Get("deleted") == "true",
		})
		return writePage(w, r, c, page, err)
	})
	a.handle("POST /v1/customers", func(w http.ResponseWriter, r *http.Request, c *crm.Caller) error {
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
	a.handle("PATCH /v1/customers/{id}", func(w http.ResponseWriter, r *http.Request, c *crm.Caller) error {
		in, err := customerInput(w, r)
		if err != nil {
			return err
		}
		cu, err := svc.UpdateCustomer(r.Context(), c, r.PathValue("id"), in)
		return ok(w, cu, err)
	})
	a.handle("DELETE /v1/customers/{id}", deleteHandler(svc.DeleteCustomer, "id"))
	a.handle("POST /v1/customers/{id}/restore", itemHandler(svc.RestoreCustomer))
	a.handle("POST /v1/customers/{id}/step", func(w http.ResponseWriter, r *http.Request, c *crm.Caller) error {
		var in crm.StepInput
		if err := decodeBody(w, r, &in); err != nil {
			return err
		}
		cu, err := svc.SetStep(r.Context(), c, r.PathValue("id"), in)
		return ok(w, cu, err)
	})
	a.handle("POST /v1/customers/bulk/step", func(w http.ResponseWriter, r *http.Request, c *crm.Caller) error {
		var in crm.BulkStepInput
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
	a.handle("PUT /v1/customers/{id}/shares", func(w http.ResponseWriter, r *http.Request, c *crm.Caller) error {
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
	a.handle("POST /v1/customers/{id}/pin", func(w http.ResponseWriter, r *http.Request, c *crm.Caller) error {
		var in crm.PinInput
		if err := decodeBody(w, r, &in); err != nil {
			return err
		}
		cu, err := svc.Pin(r.Context(), c, r.PathValue("id"), in)
		return ok(w, cu, err)
	})
	a.handle("DELETE /v1/customers/{id}/pin", itemHandler(svc.Unpin))
	a.handle("GET /v1/customers/{id}/history", pagedHandler(svc.History))
	a.handle("GET /v1/customers/{id}/notes", pagedHandler(svc.Notes))
	a.handle("POST /v1/customers/{id}/notes", addHandler(svc.AddNote))
	a.handle("GET /v1/customers/{id}/activities", pagedHandler(svc.Activities))
	a.handle("POST /v1/customers/{id}/activities", addHandler(svc.AddActivity))
	a.handle("GET /v1/customers/{id}/calls", pagedHandler(svc.Calls))
	a.handle("POST /v1/customers/{id}/calls", addHandler(svc.AddCall))
	a.handle("GET /v1/customers/{id}/appointments", func(w http.ResponseWriter, r *http.Request, c *crm.Caller) error {
		appts, err := svc.Appointments(r.Context(), c, r.PathValue("id"))
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, list[domain.Appointment]{Items: appts})
	})
	a.handle("POST /v1/customers/{id}/appointments", func(w http.ResponseWriter, r *http.Request, c *crm.Caller) error {
		var in crm.AppointmentInput
		if err := decodeBody(w, r, &in); err != nil {
			return err
		}
		ap, err := svc.SaveAppointment(r.Context(), c, r.PathValue("id"), "", in)
		if err != nil {
			return err
		}
		return created(w, "/v1/customers/"+ap.CustomerID+"/appointments/"+ap.ID, ap)
	})
	a.handle("GET /v1/customers/{id}/appointments/{appointment_id}", func(w http.ResponseWriter, r *http.Request, c *crm.Caller) error {
		ap, err := svc.Appointment(r.Context(), c, r.PathValue("id"), r.PathValue("appointment_id"))
		return ok(w, ap, err)
	})
	a.handle("PATCH /v1/customers/{id}/appointments/{appointment_id}", func(w http.ResponseWriter, r *http.Request, c *crm.Caller) error {
		var in crm.AppointmentInput
		if err := decodeBody(w, r, &in); err != nil {
			return err
		}
		ap, err := svc.SaveAppointment(r.Context(), c, r.PathValue("id"), r.PathValue("appointment_id"), in)
		return ok(w, ap, err)
	})
	a.handle("DELETE /v1/customers/{id}/appointments/{appointment_id}", func(w http.ResponseWriter, r *http.Request, c *crm.Caller) error {
		if err := svc.DeleteAppointment(r.Context(), c, r.PathValue("id"), r.PathValue("appointment_id")); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
	a.handle("GET /v1/lookup", func(w http.ResponseWriter, r *http.Request, c *crm.Caller) error {
		limit, cursor, err := pageParams(r, c)
		if err != nil {
			return err
		}
		page, err := svc.Lookup(r.Context(), c, r.URL.Query().Get("q"), limit, cursor)
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
func customerInput(w http.ResponseWriter, r *http.Request) (*crm.CustomerInput, error) {
	raw, err := readBody(w, r)
	if err != nil {
		return nil, err
	}
	return crm.ParseCustomerInput(raw)
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
func pagedHandler[T any](list func(ctx context.Context, c *crm.Caller, id string, limit int, cursor string) (*crm.Page[T], error)) handler {
	return func(w http.ResponseWriter, r *http.Request, c *crm.Caller) error {
		limit, cursor, err := pageParams(r, c)
		if err != nil {
			return err
		}
		page, err := list(r.Context(), c, r.PathValue("id"), limit, cursor)
		return writePage(w, r, c, page, err)
	}
}

// addHandler serves the creation of a customer's sub-item.
func addHandler[In any, Out any](add func(ctx context.Context, c *crm.Caller, id string, in In) (*Out, error)) handler {
	return func(w http.ResponseWriter, r *http.Request, c *crm.Caller) error {
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
