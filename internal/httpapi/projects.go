package httpapi

import (
	"net/http"

	"tend/internal/domain"
	"tend/internal/project"
	"tend/internal/workspace"
)

// routesProjects serves projects [dự án] and the tasks in them: members
// see, the owner and admins manage (the service checks). The /v1/tasks/{id}
// routes serve project tasks too (see routesTasks).
func (a *API) routesProjects() {
	svc := a.cfg.Projects
	a.handle("GET /v1/projects", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		limit, cursor, err := pageParams(r, c)
		if err != nil {
			return err
		}
		page, err := svc.List(r.Context(), c, limit, cursor)
		return writePage(w, r, c, page, err)
	})
	a.handle("POST /v1/projects", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		in, err := projectInput(w, r)
		if err != nil {
			return err
		}
		p, err := svc.Create(r.Context(), c, in)
		if err != nil {
			return err
		}
		return created(w, "/v1/projects/"+p.ID, p)
	})
	a.handle("GET /v1/projects/{id}", itemHandler(svc.Get))
	a.handle("PATCH /v1/projects/{id}", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		in, err := projectInput(w, r)
		if err != nil {
			return err
		}
		p, err := svc.Update(r.Context(), c, r.PathValue("id"), in)
		return ok(w, p, err)
	})
	a.handle("DELETE /v1/projects/{id}", deleteHandler(svc.Delete, "id"))
	a.handle("GET /v1/projects/{id}/tasks", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		f, err := taskFilter(r, c)
		if err != nil {
			return err
		}
		page, err := svc.ListTasks(r.Context(), c, r.PathValue("id"), f)
		return writePage(w, r, c, page, err)
	})
	a.handle("GET /v1/project-tasks", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		f, err := taskFilter(r, c)
		if err != nil {
			return err
		}
		page, err := svc.ListAssigned(r.Context(), c, f)
		return writePage(w, r, c, page, err)
	})
	a.handle("POST /v1/projects/{id}/tasks", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		in, err := projectTaskInput(w, r)
		if err != nil {
			return err
		}
		t, err := svc.CreateTask(r.Context(), c, r.PathValue("id"), in)
		if err != nil {
			return err
		}
		return created(w, "/v1/tasks/"+t.ID, t)
	})
	a.handle("POST /v1/tasks/{id}/claim", itemHandler(svc.Claim))
	a.handle("GET /v1/tasks/{id}/comments", pagedHandler(svc.Comments))
	a.handle("POST /v1/tasks/{id}/comments", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		raw, err := readBody(w, r)
		if err != nil {
			return err
		}
		in, err := project.ParseCommentInput(raw)
		if err != nil {
			return err
		}
		cm, err := svc.AddComment(r.Context(), c, r.PathValue("id"), in)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusCreated, cm)
	})
	a.handle("GET /v1/tasks/{id}/history", pagedHandler(svc.History))
}

// taskFilter reads a project task list's query: mine, phase_id, status,
// assignee_id, due_before, due_after, overdue and the page.
func taskFilter(r *http.Request, c *workspace.Caller) (project.TaskFilter, error) {
	limit, cursor, err := pageParams(r, c)
	if err != nil {
		return project.TaskFilter{}, err
	}
	q := r.URL.Query()
	f := project.TaskFilter{PhaseID: q.Get("phase_id"), Status: q.Get("status"), AssigneeID: q.Get("assignee_id"),
		Limit: limit, Cursor: cursor}
	var p domain.Problems
	flag := func(name string) bool {
		switch q.Get(name) {
		case "", "false":
			return false
		case "true":
			return true
		}
		p.Add(name, "invalid_value", "value", q.Get(name))
		return false
	}
	date := func(name string) domain.Date {
		if q.Get(name) == "" {
			return domain.Date{}
		}
		d, err := domain.ParseDate(q.Get(name))
		if err != nil {
			p.Add(name, "invalid_date")
		}
		return d
	}
	f.Mine, f.Overdue = flag("mine"), flag("overdue")
	f.DueBefore, f.DueAfter = date("due_before"), date("due_after")
	return f, p.Err()
}

func projectInput(w http.ResponseWriter, r *http.Request) (*project.Input, error) {
	raw, err := readBody(w, r)
	if err != nil {
		return nil, err
	}
	return project.ParseInput(raw)
}

func projectTaskInput(w http.ResponseWriter, r *http.Request) (*project.TaskInput, error) {
	raw, err := readBody(w, r)
	if err != nil {
		return nil, err
	}
	return project.ParseTaskInput(raw)
}
