package project

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"tend/internal/domain"
	"tend/internal/store"
)

// Item types of this package.
const (
	typeProject = "project"
	typeTask    = "project_task"
	typeComment = "project_task_comment"
	typeHistory = "project_task_history"
)

// Key layout. Every key starts with the tenant.
//
//	T#<t>#PRJ#<id>     A               the project        GSI1 T#<t>#PROJECTS, <created>#<id>
//	T#<t>#PTASK#<id>   A               a task             GSI1 T#<t>#PRJ#<project>#TASKS, <due>#<id>
//	                                                      GSI2 T#<t>#PTASK#<parent>#SUBS, <created>#<id> (subtasks)
//	                                                      GSI3 T#<t>#PTASKS#USER#<assignee>, <due>#<id> (assigned tasks)
//	                   C#<version>     a comment, at the task's version it was written with
//	                   H#<version>#<n> the n-th history entry of the change to that version
//
// A task's changes, comments included, each move its version by one, so
// that comments and history read in the order they happened, and each is
// written in one transaction with the task at its new version.
func projectKey(t, id string) store.Key { return store.Key{PK: "T#" + t + "#PRJ#" + id, SK: "A"} }
func projectsPK(t string) string        { return "T#" + t + "#PROJECTS" }
func taskPK(t, id string) string        { return "T#" + t + "#PTASK#" + id }
func taskKey(t, id string) store.Key    { return store.Key{PK: taskPK(t, id), SK: "A"} }
func tasksPK(t, project string) string  { return "T#" + t + "#PRJ#" + project + "#TASKS" }
func assignedPK(t, user string) string  { return "T#" + t + "#PTASKS#USER#" + user }
func subtasksPK(t, parent string) string {
	return "T#" + t + "#PTASK#" + parent + "#SUBS"
}
func commentKey(t, task string, version int64) store.Key {
	return store.Key{PK: taskPK(t, task), SK: fmt.Sprintf("C#%012d", version)}
}
func historyKey(t, task string, version int64, n int) store.Key {
	return store.Key{PK: taskPK(t, task), SK: fmt.Sprintf("H#%012d#%02d", version, n)}
}

// noDue sorts tasks without a due date after every dated one.
const noDue = "9999-99-99"

// dueKey is the sort key of a task on its project's list.
func dueKey(t *Task) string {
	d := noDue
	if !t.DueOn.IsZero() {
		d = t.DueOn.String()
	}
	return d + "#" + t.ID
}

// validID reports whether id can name a thing in a key.
func validID(id string) bool { return id != "" && len(id) <= 200 && !strings.Contains(id, "#") }

func (p *Project) item() store.Item {
	it := store.Item{Key: projectKey(p.TenantID, p.ID), Type: typeProject, Version: p.Version, Doc: store.Doc(p)}
	it.Index[0] = store.IndexKey{PK: projectsPK(p.TenantID), SK: store.SortTime(p.CreatedAt) + "#" + p.ID}
	return it
}

func (t *Task) item() store.Item {
	it := store.Item{Key: taskKey(t.TenantID, t.ID), Type: typeTask, Version: t.Version, Doc: store.Doc(t)}
	it.Index[0] = store.IndexKey{PK: tasksPK(t.TenantID, t.ProjectID), SK: dueKey(t)}
	if t.ParentID != "" {
		it.Index[1] = store.IndexKey{PK: subtasksPK(t.TenantID, t.ParentID), SK: store.SortTime(t.CreatedAt) + "#" + t.ID}
	}
	if t.AssigneeID != "" {
		it.Index[2] = store.IndexKey{PK: assignedPK(t.TenantID, t.AssigneeID), SK: dueKey(t)}
	}
	return it
}

func decodeProject(tenant string, it store.Item) (*Project, error) {
	if it.Type != typeProject {
		return nil, fmt.Errorf("project: %s holds a %q, not a project", it.Key, it.Type)
	}
	p, err := store.Decode[Project](it)
	if err != nil {
		return nil, err
	}
	p.Version, p.TenantID = it.Version, tenant
	if p.MemberIDs == nil {
		p.MemberIDs = []string{}
	}
	return p, nil
}

func decodeTask(tenant string, it store.Item) (*Task, error) {
	if it.Type != typeTask {
		return nil, fmt.Errorf("project: %s holds a %q, not a task", it.Key, it.Type)
	}
	t, err := store.Decode[Task](it)
	if err != nil {
		return nil, err
	}
	t.Version, t.TenantID = it.Version, tenant
	return t, nil
}

// loadProject reads a project of a workspace, whoever may see it.
func (s *Service) loadProject(ctx context.Context, tenant, id string) (*Project, error) {
	if !validID(id) {
		return nil, domain.NotFound("project")
	}
	it, err := s.st.Get(ctx, projectKey(tenant, id))
	if errors.Is(err, store.ErrNotFound) {
		return nil, domain.NotFound("project")
	}
	if err != nil {
		return nil, fmt.Errorf("project: read %s: %w", id, err)
	}
	return decodeProject(tenant, it)
}

// loadTask reads a task of a workspace, whoever may see it.
func (s *Service) loadTask(ctx context.Context, tenant, id string) (*Task, error) {
	if !IsTaskID(id) || !validID(id) {
		return nil, domain.NotFound("task")
	}
	it, err := s.st.Get(ctx, taskKey(tenant, id))
	if errors.Is(err, store.ErrNotFound) {
		return nil, domain.NotFound("task")
	}
	if err != nil {
		return nil, fmt.Errorf("project: read task %s: %w", id, err)
	}
	return decodeTask(tenant, it)
}
