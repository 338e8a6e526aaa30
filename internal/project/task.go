package project

import (
	"strings"
	"time"

	"tend/internal/domain"
	"tend/internal/jsonin"
)

// taskIDPrefix starts every project task's id.
const taskIDPrefix = "ptask_"

// IsTaskID reports whether id names a project task rather than a
// standalone task (package task): the /v1/tasks/{id} routes serve both.
func IsTaskID(id string) bool { return strings.HasPrefix(id, taskIDPrefix) }

// Task is a task of a project [công việc trong dự án]. Without an assignee
// any member may claim it; a subtask names its main task as parent.
type Task struct {
	ID          string      `json:"id"`
	ProjectID   string      `json:"project_id"`
	Title       string      `json:"title"`
	Description string      `json:"description"`
	PhaseID     string      `json:"phase_id"`
	ParentID    string      `json:"parent_id"`
	AssigneeID  string      `json:"assignee_id"`
	DueOn       domain.Date `json:"due_on"`
	// Status is the id of one of the project's statuses.
	Status string `json:"status"`
	// Progress is how far along the task is, 0 to 100 (per cent).
	Progress   int          `json:"progress"`
	Type       string       `json:"type"`
	Priority   string       `json:"priority"`
	CustomerID string       `json:"customer_id"`
	CreatedBy  domain.Actor `json:"created_by"`
	CreatedAt  time.Time    `json:"created_at"`
	UpdatedAt  time.Time    `json:"updated_at"`
	Version    int64        `json:"version"`
	TenantID   string       `json:"-"`
}

// next is a copy of t at its next version, changed now.
func (t *Task) next(now time.Time) *Task {
	cp := *t
	cp.Version, cp.UpdatedAt = t.Version+1, now
	return &cp
}

// TaskInput creates or changes a project task. A nil field is absent: on
// a change it keeps the task's value; JSON null or "" clears an optional
// one (description, phase, parent, assignee, due date, customer).
type TaskInput struct {
	Title       *string
	Description *string
	PhaseID     *string
	ParentID    *string
	AssigneeID  *string
	DueOn       *domain.Date
	Status      *string
	Progress    *int
	Type        *string
	Priority    *string
	CustomerID  *string
	// Version, when given, must be the task's current version.
	Version *int64
}

var taskReadOnly = []string{"id", "project_id", "created_by", "created_at", "updated_at"}

// ParseTaskInput reads a project task body (POST or PATCH) strictly:
// unknown and read-only properties and values of the wrong type are
// reported, all at once, with their paths. It checks the shape only.
func ParseTaskInput(raw []byte) (*TaskInput, error) {
	in := &TaskInput{}
	err := jsonin.Read(raw, map[string]jsonin.Reader{
		"title":       jsonin.Value(&in.Title, "expected_text"),
		"description": jsonin.Value(&in.Description, "expected_text"),
		"phase_id":    jsonin.Value(&in.PhaseID, "expected_text"),
		"parent_id":   jsonin.Value(&in.ParentID, "expected_text"),
		"assignee_id": jsonin.Value(&in.AssigneeID, "expected_text"),
		"due_on":      jsonin.Value(&in.DueOn, "invalid_date"),
		"status":      jsonin.Value(&in.Status, "expected_text"),
		"progress":    jsonin.Value(&in.Progress, "expected_integer"),
		"type":        jsonin.Value(&in.Type, "expected_text"),
		"priority":    jsonin.Value(&in.Priority, "expected_text"),
		"customer_id": jsonin.Value(&in.CustomerID, "expected_text"),
		"version":     jsonin.Value(&in.Version, "expected_integer"),
	}, taskReadOnly...)
	if err != nil {
		return nil, err
	}
	return in, nil
}
