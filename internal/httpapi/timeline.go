package httpapi

import (
	"net/http"
	"tend/internal/domain"
	"tend/internal/timeline"
	"tend/internal/workspace"
)

// routesTimeline serves a customer's history, notes, activities, calls
// and appointments.
func (a *API) routesTimeline() {
	tl := a.cfg.Timeline
	a.handle("GET /v1/customers/{id}/history", pagedHandler(tl.History))
	a.handle("GET /v1/customers/{id}/notes", pagedHandler(tl.Notes))
	a.handle("POST /v1/customers/{id}/notes", addHandler(tl.AddNote))
	a.handle("GET /v1/customers/{id}/activities", pagedHandler(tl.Activities))
	a.handle("POST /v1/customers/{id}/activities", addHandler(tl.AddActivity))
	a.handle("GET /v1/customers/{id}/calls", pagedHandler(tl.Calls))
	a.handle("POST /v1/customers/{id}/calls", addHandler(tl.AddCall))
	a.handle("GET /v1/customers/{id}/appointments", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		appts, err := tl.Appointments(r.Context(), c, r.PathValue("id"))
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, list[domain.Appointment]{Items: appts})
	})
	a.handle("POST /v1/customers/{id}/appointments", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		var in timeline.AppointmentInput
		if err := decodeBody(w, r, &in); err != nil {
			return err
		}
		ap, err := tl.SaveAppointment(r.Context(), c, r.PathValue("id"), "", in)
		if err != nil {
			return err
		}
		return created(w, "/v1/customers/"+ap.CustomerID+"/appointments/"+ap.ID, ap)
	})
	a.handle("GET /v1/customers/{id}/appointments/{appointment_id}", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		ap, err := tl.Appointment(r.Context(), c, r.PathValue("id"), r.PathValue("appointment_id"))
		return ok(w, ap, err)
	})
	a.handle("PATCH /v1/customers/{id}/appointments/{appointment_id}", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		var in timeline.AppointmentInput
		if err := decodeBody(w, r, &in); err != nil {
			return err
		}
		ap, err := tl.SaveAppointment(r.Context(), c, r.PathValue("id"), r.PathValue("appointment_id"), in)
		return ok(w, ap, err)
	})
	a.handle("DELETE /v1/customers/{id}/appointments/{appointment_id}", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		if err := tl.DeleteAppointment(r.Context(), c, r.PathValue("id"), r.PathValue("appointment_id")); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
}
