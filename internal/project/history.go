package project

import (
	"context"
	"fmt"
	"time"

	"tend/internal/domain"
	"tend/internal/store"
	"tend/internal/workspace"
)

// Actions of a task's history [lịch sử cập nhật công việc].
const (
	ActionAdd      = "add"           // the task was made
	ActionEdit     = "edit"          // fields changed, each with its value before and after
	ActionStatus   = "status_change" // the status changed
	ActionComment  = "comment"       // a comment was written
	ActionClaim    = "claim"         // a member took the unassigned task
	ActionHandOver = "hand_over"     // the assignee changed
)

// Entry is one thing that happened to a task, by whom and when.
type Entry struct {
	At      time.Time            `json:"at"`
	Actor   domain.Actor         `json:"actor"`
	Action  string               `json:"action"`
	Changes []domain.FieldChange `json:"changes"`
}

// entries describes the change from old to t as history entries: an edit
// of the plain fields, a status change and a hand-over, each when it
// happened.
func entries(old, t *Task, by domain.Actor) []Entry {
	var edit, status []domain.FieldChange
	diff := func(into *[]domain.FieldChange, field string, before, after any) {
		if before != after {
			*into = append(*into, domain.FieldChange{Field: field, Before: before, After: after})
		}
	}
	diff(&edit, "title", old.Title, t.Title)
	diff(&edit, "description", old.Description, t.Description)
	diff(&edit, "phase_id", old.PhaseID, t.PhaseID)
	diff(&edit, "parent_id", old.ParentID, t.ParentID)
	diff(&edit, "due_on", dateValue(old.DueOn), dateValue(t.DueOn))
	diff(&edit, "progress", old.Progress, t.Progress)
	diff(&edit, "type", old.Type, t.Type)
	diff(&edit, "priority", old.Priority, t.Priority)
	diff(&edit, "customer_id", old.CustomerID, t.CustomerID)
	diff(&status, "status", old.Status, t.Status)
	var out []Entry
	add := func(action string, changes []domain.FieldChange) {
		if len(changes) > 0 {
			out = append(out, Entry{At: t.UpdatedAt, Actor: by, Action: action, Changes: changes})
		}
	}
	add(ActionStatus, status)
	add(ActionEdit, edit)
	if old.AssigneeID != t.AssigneeID {
		add(ActionHandOver, []domain.FieldChange{{Field: "assignee_id", Before: old.AssigneeID, After: t.AssigneeID}})
	}
	return out
}

// dateValue is a date as history shows it: null when there is none.
func dateValue(d domain.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

// historyOps writes a change's entries beside the task at its version.
func historyOps(t *Task, es []Entry) []store.TxOp {
	ops := make([]store.TxOp, 0, len(es))
	for i, e := range es {
		if e.Changes == nil {
			e.Changes = []domain.FieldChange{}
		}
		ops = append(ops, store.TxPut(store.Item{Key: historyKey(t.TenantID, t.ID, t.Version, i), Type: typeHistory,
			Version: 1, Doc: store.Doc(e)}, store.NotExist))
	}
	return ops
}

// History returns a page of a task's history, oldest first.
func (s *Service) History(ctx context.Context, c *workspace.Caller, id string, limit int, cursor string) (*domain.Page[Entry], error) {
	t, _, err := s.visibleTask(ctx, c, id)
	if err != nil {
		return nil, err
	}
	return readPage[Entry](ctx, s.st, taskPK(t.TenantID, t.ID), "H#", limit, cursor)
}

// readPage reads a page of a task's partition under a sort-key prefix.
func readPage[T any](ctx context.Context, st store.Store, pk, prefix string, limit int, cursor string) (*domain.Page[T], error) {
	page, err := st.Query(ctx, store.Query{PK: pk, SK: store.SKBeginsWith, A: prefix, Limit: domain.ListLimit(limit), Cursor: cursor})
	if err != nil {
		return nil, store.CursorError(err)
	}
	out := &domain.Page[T]{Items: []T{}, NextCursor: page.Cursor}
	for _, it := range page.Items {
		v, err := store.Decode[T](it)
		if err != nil {
			return nil, fmt.Errorf("project: read %s: %w", it.Key, err)
		}
		out.Items = append(out.Items, *v)
	}
	return out, nil
}
