package httpapi

import (
	"net/http"

	"tend/internal/project"
	"tend/internal/task"
	"tend/internal/workspace"
)

func (a *API) routesTasks() {
	svc := a.cfg.Tasks
	a.handle("GET /v1/tasks", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		limit, cursor, err := pageParams(r, c)
		if err != nil {
			return err
		}
		q := r.URL.Query()
		page, err := svc.List(r.Context(), c, task.Filter{AssigneeID: q.Get("assignee_id"), CustomerID: q.Get("customer_id"),
			Status: q.Get("status"), Limit: limit, Cursor: cursor})
		return writePage(w, r, c, page, err)
	})
	a.handle("POST /v1/tasks", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		in, err := taskInput(w, r)
		if err != nil {
			return err
		}
		t, err := svc.Create(r.Context(), c, in)
		if err != nil {
			return err
		}
		return created(w, "/v1/tasks/"+t.ID, t)
	})
	// A task's id says which it is: a project task (package project) or a
	// standalone one.
	projects := a.cfg.Projects
	a.handle("GET /v1/tasks/{id}", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		id := r.PathValue("id")
		if project.IsTaskID(id) {
			t, err := projects.GetTask(r.Context(), c, id)
			return ok(w, t, err)
		}
		t, err := svc.Get(r.Context(), c, id)
		return ok(w, t, err)
	})
	a.handle("PATCH /v1/tasks/{id}", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		id := r.PathValue("id")
		if project.IsTaskID(id) {
			in, err := projectTaskInput(w, r)
			if err != nil {
				return err
			}
			t, err := projects.UpdateTask(r.Context(), c, id, in)
			return ok(w, t, err)
		}
		in, err := taskInput(w, r)
		if err != nil {
			return err
		}
		t, err := svc.Update(r.Context(), c, id, in)
		return ok(w, t, err)
	})
	a.handle("DELETE /v1/tasks/{id}", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		id, sub := r.PathValue("id"), r.URL.Query().Get("subtasks")
		var err error
		switch {
		case sub != "" && sub != "promote" && sub != "delete":
			err = fieldError("subtasks", "invalid_value")
		case project.IsTaskID(id):
			err = projects.DeleteTask(r.Context(), c, id, sub == "promote")
		default:
			err = svc.Delete(r.Context(), c, id)
		}
		if err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
}

func taskInput(w http.ResponseWriter, r *http.Request) (*task.Input, error) {
	raw, err := readBody(w, r)
	if err != nil {
		return nil, err
	}
	return task.ParseInput(raw)
}
