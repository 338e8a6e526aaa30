// Package task keeps tasks [nhiệm vụ / công việc]: things to do given to a
// user of the workspace, by a user or by automation (the "assign a task"
// [giao nhiệm vụ] action of care flows). The assignee and the related
// users of a task are told of it in their in-app inbox, in the same
// transaction that writes the task.
package task

import (
	"time"

	"tend/internal/domain"
)

// Types of task: what kind of work it is [loại nhiệm vụ].
const (
	TypeCall    = "call"
	TypeEmail   = "email"
	TypeMeeting = "meeting"
	TypeTodo    = "todo"
	TypeCare    = "care" // a care card [thẻ chăm sóc] of a care flow
)

// Types lists every task type.
var Types = []string{TypeCall, TypeEmail, TypeMeeting, TypeTodo, TypeCare}

// Priorities of a task [mức độ ưu tiên].
const (
	PriorityLow    = "low"
	PriorityNormal = "normal"
	PriorityHigh   = "high"
)

// Priorities lists every priority.
var Priorities = []string{PriorityLow, PriorityNormal, PriorityHigh}

// Statuses of a task: where it stands.
const (
	StatusOpen       = "open"
	StatusInProgress = "in_progress"
	StatusDone       = "done"
	StatusCancelled  = "cancelled"
)

// Statuses lists every status.
var Statuses = []string{StatusOpen, StatusInProgress, StatusDone, StatusCancelled}

// Source says what made a task when it was not made by hand, e.g.
// {"kind": "care_flow", "id": "cf_..."}.
type Source struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
}

// Task is a thing to do, given to one user (the assignee [người thực
// hiện]) and possibly followed by others (related users [người liên
// quan]), optionally about a customer or an order.
type Task struct {
	ID             string   `json:"id"`
	Title          string   `json:"title"`
	Description    string   `json:"description"`
	Type           string   `json:"type"`
	Priority       string   `json:"priority"`
	Status         string   `json:"status"`
	AssigneeID     string   `json:"assignee_id"`
	RelatedUserIDs []string `json:"related_user_ids"`
	CustomerID     string   `json:"customer_id"`
	OrderID        string   `json:"order_id"`
	// DueOn is the day the task is due [hạn hoàn thành]; zero (null) when
	// it has no due date.
	DueOn domain.Date `json:"due_on"`
	// CompletedAt is when the task was last marked done; nil while it is
	// not done.
	CompletedAt *time.Time   `json:"completed_at"`
	Source      *Source      `json:"source"`
	CreatedBy   domain.Actor `json:"created_by"`
	CreatedAt   time.Time    `json:"created_at"`
	UpdatedAt   time.Time    `json:"updated_at"`
	Version     int64        `json:"version"`
	TenantID    string       `json:"tenant_id"`
}

// clone returns a copy of t that shares nothing mutable with it.
func (t *Task) clone() *Task {
	cp := *t
	cp.RelatedUserIDs = append([]string{}, t.RelatedUserIDs...)
	if t.CompletedAt != nil {
		at := *t.CompletedAt
		cp.CompletedAt = &at
	}
	if t.Source != nil {
		src := *t.Source
		cp.Source = &src
	}
	return &cp
}
