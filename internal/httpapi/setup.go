package httpapi

import (
	"context"
	"errors"
	"net/http"

	"tend/internal/domain"
	"tend/internal/workspace"
)

func (a *API) routesSetup() {
	svc := a.cfg.Workspaces
	a.handle("GET /v1/me", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		unread, err := a.cfg.Inbox.Unread(r.Context(), c.Tenant(), c.User.ID)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, me{User: c.User, Workspace: &c.Org.Workspace, UnreadNotifications: unread})
	})

	a.handle("GET /v1/users", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		return writeJSON(w, http.StatusOK, list[*domain.User]{Items: svc.ListUsers(c)})
	})
	a.admin("POST /v1/users", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		var in workspace.UserInput
		if err := decodeBody(w, r, &in); err != nil {
			return err
		}
		u, err := svc.CreateUser(r.Context(), c, in)
		if err != nil {
			return err
		}
		return created(w, "/v1/users/"+u.ID, u)
	})
	a.handle("GET /v1/users/{id}", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		u, err := svc.GetUser(c, r.PathValue("id"))
		return ok(w, u, err)
	})
	a.handle("PATCH /v1/users/{id}", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		if !c.IsAdmin() && r.PathValue("id") != c.User.ID {
			return domain.Errorf(domain.ErrForbidden, "admin_only")
		}
		var in workspace.UserInput
		if err := decodeBody(w, r, &in); err != nil {
			return err
		}
		u, err := svc.UpdateUser(r.Context(), c, r.PathValue("id"), in)
		return ok(w, u, err)
	})
	a.admin("DELETE /v1/users/{id}", itemHandler(svc.DeactivateUser))

	a.handle("GET /v1/teams", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		return writeJSON(w, http.StatusOK, list[*domain.Team]{Items: c.Org.Teams})
	})
	a.admin("POST /v1/teams", saveHandler(svc.SaveTeam, "/v1/teams/", ""))
	a.handle("GET /v1/teams/{id}", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		t, err := svc.GetTeam(c, r.PathValue("id"))
		return ok(w, t, err)
	})
	a.admin("PATCH /v1/teams/{id}", saveHandler(svc.SaveTeam, "", "id"))
	a.admin("DELETE /v1/teams/{id}", deleteHandler(svc.DeleteTeam, "id"))

	a.handle("GET /v1/warehouses", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		return writeJSON(w, http.StatusOK, list[*domain.Warehouse]{Items: c.Org.Warehouses})
	})
	a.admin("POST /v1/warehouses", saveHandler(svc.SaveWarehouse, "/v1/warehouses/", ""))
	a.handle("GET /v1/warehouses/{id}", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		wh, err := svc.GetWarehouse(c, r.PathValue("id"))
		return ok(w, wh, err)
	})
	a.admin("PATCH /v1/warehouses/{id}", saveHandler(svc.SaveWarehouse, "", "id"))
	a.admin("DELETE /v1/warehouses/{id}", deleteHandler(svc.DeleteWarehouse, "id"))

	a.handle("GET /v1/pipelines", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		return writeJSON(w, http.StatusOK, list[*domain.Pipeline]{Items: c.Org.Pipelines})
	})
	a.admin("POST /v1/pipelines", saveHandler(svc.SavePipeline, "/v1/pipelines/", ""))
	a.handle("GET /v1/pipelines/{id}", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		p, err := svc.GetPipeline(c, r.PathValue("id"))
		return ok(w, p, err)
	})
	a.admin("PATCH /v1/pipelines/{id}", saveHandler(svc.SavePipeline, "", "id"))
	a.admin("DELETE /v1/pipelines/{id}", deleteHandler(svc.DeletePipeline, "id"))

	a.handle("GET /v1/fields", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		return writeJSON(w, http.StatusOK, list[domain.FieldDef]{Items: svc.ListFields(c)})
	})
	a.admin("POST /v1/fields", saveHandler(svc.SaveField, "/v1/fields/", ""))
	a.handle("GET /v1/fields/{key}", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		f, err := svc.GetField(c, r.PathValue("key"))
		return ok(w, f, err)
	})
	a.admin("PATCH /v1/fields/{key}", saveHandler(svc.SaveField, "", "key"))
	a.admin("DELETE /v1/fields/{key}", deleteHandler(svc.DeleteField, "key"))

	a.handle("GET /v1/settings/duplicates", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		return writeJSON(w, http.StatusOK, svc.GetDuplicateSettings(c))
	})
	a.admin("PUT /v1/settings/duplicates", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		var in struct {
			Criteria []string `json:"criteria"`
			Version  *int64   `json:"version"`
		}
		if err := decodeBody(w, r, &in); err != nil {
			return err
		}
		if in.Criteria == nil {
			return fieldError("criteria", "required")
		}
		res, err := a.cfg.Customers.UpdateDuplicateSettings(r.Context(), c, in.Criteria, in.Version)
		return ok(w, res, err)
	})
	a.handle("GET /v1/settings/workspace", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		return writeJSON(w, http.StatusOK, c.Org.Workspace)
	})
	a.admin("PUT /v1/settings/workspace", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		var in workspace.WorkspaceInput
		if err := decodeBody(w, r, &in); err != nil {
			return err
		}
		ws, err := svc.UpdateWorkspace(r.Context(), c, in)
		return ok(w, ws, err)
	})
}

type me struct {
	*domain.User
	Workspace *domain.Workspace `json:"workspace"`
	// UnreadNotifications counts the caller's unread notifications, up to
	// inbox.UnreadCap.
	UnreadNotifications int `json:"unread_notifications"`
}

// WorkspaceCreation says who may open a workspace: anyone signed in
// (Open; the local runner), or only the bootstrap subject (the first
// admin of a deployment, given at deploy time), or nobody.
type WorkspaceCreation struct {
	Open             bool
	BootstrapSubject string
}

func (wc WorkspaceCreation) allows(subject string) bool {
	return wc.Open || (wc.BootstrapSubject != "" && subject == wc.BootstrapSubject)
}

// createWorkspace opens a workspace for a signed-in subject that belongs
// to none yet, making it the admin, when workspace creation allows it.
func (a *API) createWorkspace(w http.ResponseWriter, r *http.Request, subject string) error {
	if !a.cfg.WorkspaceCreation.allows(subject) {
		return domain.Errorf(domain.ErrForbidden, "workspace_creation_closed")
	}
	if _, err := a.cfg.Workspaces.Authenticate(r.Context(), subject); err == nil || errors.Is(err, domain.ErrForbidden) { // a member, or a deactivated one
		return domain.Errorf(domain.ErrConflict, "already_member")
	}
	var in workspace.NewWorkspace
	if err := decodeBody(w, r, &in); err != nil {
		return err
	}
	in.AdminSubject = subject
	ws, admin, err := a.cfg.Workspaces.CreateWorkspace(r.Context(), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, struct {
		Workspace *domain.Workspace `json:"workspace"`
		User      *domain.User      `json:"user"`
	}{ws, admin})
}

// saveHandler serves the create (POST, with a Location; param "") or the
// change (PATCH, the entity named by the path parameter param) of a set-up
// entity.
func saveHandler[In any, Out any](save func(ctx context.Context, c *workspace.Caller, id string, in In) (*Out, error), location, param string) handler {
	return func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		var in In
		if err := decodeBody(w, r, &in); err != nil {
			return err
		}
		id := ""
		if param != "" {
			id = r.PathValue(param)
		}
		out, err := save(r.Context(), c, id, in)
		if err != nil || param != "" {
			return ok(w, out, err)
		}
		return created(w, location+idOf(out), out)
	}
}

func deleteHandler(del func(ctx context.Context, c *workspace.Caller, id string) error, param string) handler {
	return func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		if err := del(r.Context(), c, r.PathValue(param)); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}

// itemHandler serves a read of, or an action on, the item named by the
// path's {id}: 200 with what fn returns.
func itemHandler[Out any](fn func(ctx context.Context, c *workspace.Caller, id string) (Out, error)) handler {
	return func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		out, err := fn(r.Context(), c, r.PathValue("id"))
		return ok(w, out, err)
	}
}

// ok answers 200 with v, or the error.
func ok(w http.ResponseWriter, v any, err error) error {
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, v)
}

// created answers 201 with v and where it lives.
func created(w http.ResponseWriter, location string, v any) error {
	w.Header().Set("Location", location)
	return writeJSON(w, http.StatusCreated, v)
}

// idOf reads the id (or key) of an entity for its Location.
func idOf(v any) string {
	switch x := v.(type) {
	case *domain.User:
		return x.ID
	case *domain.Team:
		return x.ID
	case *domain.Warehouse:
		return x.ID
	case *domain.Pipeline:
		return x.ID
	case *domain.FieldDef:
		return x.Key
	case *domain.Customer:
		return x.ID
	}
	return ""
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func fieldError(path, code string) error {
	return &domain.Error{Kind: domain.ErrInvalid, Code: "validation_failed", Fields: []domain.FieldError{{Path: path, Code: code}}}
}
