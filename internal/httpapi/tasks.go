package httpapi

import (
	"net/http"

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
	a.handle("GET /v1/tasks/{id}", itemHandler(svc.Get))
	a.handle("PATCH /v1/tasks/{id}", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		in, err := taskInput(w, r)
		if err != nil {
			return err
		}
		t, err := svc.Update(r.Context(), c, r.PathValue("id"), in)
		return ok(w, t, err)
	})
	a.handle("DELETE /v1/tasks/{id}", deleteHandler(svc.Delete, "id"))
}

func taskInput(w http.ResponseWriter, r *http.Request) (*task.Input, error) {
	raw, err := readBody(w, r)
	if err != nil {
		return nil, err
	}
	return task.ParseInput(raw)
}
