package httpapi

import (
	"net/http"

	"tend/internal/templates"
	"tend/internal/workspace"
)

// routesTemplates serves email and SMS templates: anyone reads them,
// admins change them.
func (a *API) routesTemplates() {
	for _, kind := range []templates.Kind{templates.KindEmail, templates.KindSMS} {
		base := "/v1/templates/" + string(kind)
		svc := a.cfg.Templates
		a.handle("GET "+base, func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
			ts, err := svc.List(r.Context(), c, kind, r.URL.Query().Get("q"))
			return ok(w, list[*templates.Template]{Items: ts}, err)
		})
		a.admin("POST "+base, func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
			in, err := templateInput(w, r, kind)
			if err != nil {
				return err
			}
			t, err := svc.Create(r.Context(), c, kind, in)
			if err != nil {
				return err
			}
			return created(w, base+"/"+t.ID, t)
		})
		a.handle("GET "+base+"/{id}", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
			t, err := svc.Get(r.Context(), c, kind, r.PathValue("id"))
			return ok(w, t, err)
		})
		a.admin("PATCH "+base+"/{id}", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
			in, err := templateInput(w, r, kind)
			if err != nil {
				return err
			}
			t, err := svc.Update(r.Context(), c, kind, r.PathValue("id"), in)
			return ok(w, t, err)
		})
		a.admin("DELETE "+base+"/{id}", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
			if err := svc.Delete(r.Context(), c, kind, r.PathValue("id")); err != nil {
				return err
			}
			w.WriteHeader(http.StatusNoContent)
			return nil
		})
	}
}

func templateInput(w http.ResponseWriter, r *http.Request, kind templates.Kind) (*templates.Input, error) {
	raw, err := readBody(w, r)
	if err != nil {
		return nil, err
	}
	return templates.ParseInput(kind, raw)
}
