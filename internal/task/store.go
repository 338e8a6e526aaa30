package task

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
	typeTask  = "task"
	typeClaim = "task_claim"
)

// Key layout. Every key starts with the tenant.
//
//	T#<t>#TASK#<id>   A        the task
//	                  CLAIM    "this id was used", written by CreateAs with the task and kept
//	                           when the task is deleted, so a retried automation never makes it again
//	T#<t>#INBOX#<u>   <at>#<n> the notifications of the task's users (package inbox)
//
// Secondary keys of a task; their sort key is <created>#<id>, so every list
// is in creation order:
//
//	GSI1  T#<t>#TASKS                           every task of the workspace
//	GSI2  T#<t>#TASKS#ASG#<assignee>            by assignee
//	GSI3  T#<t>#TASKS#CUS#<customer>            by customer (sparse: tasks about a customer)
//	GSI4  T#<t>#TASKS#ASGST#<assignee>#<status> by assignee and status ("my open tasks")
func taskPK(t, id string) string       { return "T#" + t + "#TASK#" + id }
func taskKey(t, id string) store.Key   { return store.Key{PK: taskPK(t, id), SK: "A"} }
func claimKey(t, id string) store.Key  { return store.Key{PK: taskPK(t, id), SK: "CLAIM"} }
func allPK(t string) string            { return "T#" + t + "#TASKS" }
func assigneePK(t, user string) string { return "T#" + t + "#TASKS#ASG#" + user }
func customerPK(t, cust string) string { return "T#" + t + "#TASKS#CUS#" + cust }
func statusPK(t, user, status string) string {
	return "T#" + t + "#TASKS#ASGST#" + user + "#" + status
}

// validID reports whether id can name a task in a key: not empty, not too
// long, and without the key separator.
func validID(id string) bool { return id != "" && len(id) <= 200 && !strings.Contains(id, "#") }

// item is the task as a store item, with its secondary keys.
func (t *Task) item() store.Item {
	sk := store.SortTime(t.CreatedAt) + "#" + t.ID
	it := store.Item{Key: taskKey(t.TenantID, t.ID), Type: typeTask, Version: t.Version, Doc: store.Doc(t)}
	it.Index[0] = store.IndexKey{PK: allPK(t.TenantID), SK: sk}
	it.Index[1] = store.IndexKey{PK: assigneePK(t.TenantID, t.AssigneeID), SK: sk}
	if t.CustomerID != "" {
		it.Index[2] = store.IndexKey{PK: customerPK(t.TenantID, t.CustomerID), SK: sk}
	}
	it.Index[3] = store.IndexKey{PK: statusPK(t.TenantID, t.AssigneeID, t.Status), SK: sk}
	return it
}

// claimItem marks id as used for good.
func claimItem(t *Task) store.Item {
	return store.Item{Key: claimKey(t.TenantID, t.ID), Type: typeClaim, Version: 1,
		Doc: store.Doc(map[string]string{"task_id": t.ID})}
}

// decode reads a task item; the item's version is the task's.
func decode(it store.Item) (*Task, error) {
	if it.Type != typeTask {
		return nil, fmt.Errorf("task: %s holds a %q, not a task", it.Key, it.Type)
	}
	t, err := store.Decode[Task](it)
	if err != nil {
		return nil, err
	}
	if t.RelatedUserIDs == nil {
		t.RelatedUserIDs = []string{}
	}
	t.Version = it.Version
	return t, nil
}

// load reads a task of a workspace, whoever may see it; a missing task is
// a "not found" user error.
func (s *Service) load(ctx context.Context, tenant, id string) (*Task, error) {
	if !validID(id) {
		return nil, domain.NotFound("task")
	}
	it, err := s.st.Get(ctx, taskKey(tenant, id))
	if errors.Is(err, store.ErrNotFound) {
		return nil, domain.NotFound("task")
	}
	if err != nil {
		return nil, fmt.Errorf("task: read %s: %w", id, err)
	}
	return decode(it)
}
