// Package project keeps projects [dự án] and the tasks in them [công việc
// trong dự án] (SPEC §7, seed 004): a project has an owner, members,
// statuses of its own (each of a kind: open, in progress, resolved,
// completed) and phases [giai đoạn] with start and end dates. Its tasks
// fall due inside their phase, may be claimed by any member while nobody
// has them, have subtasks one level deep, comments with mentions, and a
// history of every change written in the same transaction as the change.
//
// Project tasks are not the standalone tasks of package task (made by
// hand, care flows and rules): those have a required assignee, fixed
// statuses and their own rights; project tasks take their rights, statuses
// and assignees from their project. They share the /v1/tasks/{id} routes:
// a project task's id starts with "ptask_" (IsTaskID).
package project

import (
	"slices"
	"time"

	"tend/internal/domain"
	"tend/internal/workspace"
)

// Kinds of status: what a project's status means for its tasks.
const (
	KindOpen       = "open"
	KindInProgress = "in_progress"
	KindResolved   = "resolved"  // progress becomes 100%
	KindCompleted  = "completed" // progress becomes 100% and the status is final
)

// Kinds lists every kind of status.
var Kinds = []string{KindOpen, KindInProgress, KindResolved, KindCompleted}

// Status is one status a project's tasks may be in.
type Status struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Kind string `json:"kind"`
}

// Phase is a stretch of the project with dates; its tasks fall due inside
// it (both ends included).
type Phase struct {
	ID       string      `json:"id"`
	Name     string      `json:"name"`
	StartsOn domain.Date `json:"starts_on"`
	EndsOn   domain.Date `json:"ends_on"`
}

// Project is a project with its people, statuses and phases.
type Project struct {
	ID          string       `json:"id"`
	Name        string       `json:"name"`
	Description string       `json:"description"`
	OwnerID     string       `json:"owner_id"`
	MemberIDs   []string     `json:"member_ids"`
	Statuses    []Status     `json:"statuses"`
	Phases      []Phase      `json:"phases"`
	CreatedBy   domain.Actor `json:"created_by"`
	CreatedAt   time.Time    `json:"created_at"`
	UpdatedAt   time.Time    `json:"updated_at"`
	Version     int64        `json:"version"`
	TenantID    string       `json:"-"`
}

// defaultStatuses are a new project's statuses, named in the workspace's
// language.
func defaultStatuses(lang string) []Status {
	names := [4][2]string{{"Mới", "New"}, {"Đang làm", "In progress"}, {"Đã giải quyết", "Resolved"}, {"Hoàn thành", "Completed"}}
	out := make([]Status, len(Kinds))
	for i, k := range Kinds {
		name := names[i][0]
		if lang == "en" {
			name = names[i][1]
		}
		out[i] = Status{ID: k, Name: name, Kind: k}
	}
	return out
}

// status returns the project's status with id.
func (p *Project) status(id string) (Status, bool) {
	i := slices.IndexFunc(p.Statuses, func(s Status) bool { return s.ID == id })
	if i < 0 {
		return Status{}, false
	}
	return p.Statuses[i], true
}

// firstOpen is the status a new task starts in: the first of kind open,
// else the first status.
func (p *Project) firstOpen() string {
	for _, s := range p.Statuses {
		if s.Kind == KindOpen {
			return s.ID
		}
	}
	return p.Statuses[0].ID
}

// phase returns the project's phase with id.
func (p *Project) phase(id string) (Phase, bool) {
	i := slices.IndexFunc(p.Phases, func(ph Phase) bool { return ph.ID == id })
	if i < 0 {
		return Phase{}, false
	}
	return p.Phases[i], true
}

// isMember reports whether the user works on the project: its owner or one
// of its members.
func (p *Project) isMember(id string) bool {
	return id != "" && (p.OwnerID == id || slices.Contains(p.MemberIDs, id))
}

// Who may do what (SPEC §7):
//   - members (the owner included) and admins see the project and its
//     tasks; anyone else gets "not found", so that its existence does not
//     leak;
//   - the owner and admins change or delete the project;
//   - members and admins add, change and comment on its tasks; the task's
//     creator, the owner and admins delete a task.

func canSee(c *workspace.Caller, p *Project) bool { return c.IsAdmin() || p.isMember(c.User.ID) }

func canManage(c *workspace.Caller, p *Project) bool {
	return c.IsAdmin() || p.OwnerID == c.User.ID
}
