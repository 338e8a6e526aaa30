package project

import (
	"fmt"

	"tend/internal/domain"
	"tend/internal/inbox"
	"tend/internal/store"
	"tend/internal/workspace"
)

// Kinds of notification about project tasks (package inbox keeps them;
// each links to its task by task_id).
const (
	// KindMention tells a member they were mentioned in a task's comment.
	KindMention = "task_mention"
	// KindClaimed tells a project's owner that a member claimed a task.
	KindClaimed = "task_claimed"
)

// notifyOps tells users of a task written at its current version, once
// each: the notification's id derives from the task, its version and the
// user, and is written in the change's transaction, so a retried write
// cannot tell anyone twice. Nobody is told of their own doing, and
// deactivated users are not told.
func notifyOps(o *workspace.Org, t *Task, by domain.Actor, kind string, users []string) []store.TxOp {
	var ops []store.TxOp
	done := map[string]bool{by.ID: by.Kind == domain.ActorUser}
	for _, user := range users {
		if done[user] {
			continue
		}
		done[user] = true
		if u, ok := o.User(user); !ok || !u.Active {
			continue
		}
		title, body := message(o.Workspace.Language, t, by, kind)
		n := inbox.Notification{ID: fmt.Sprintf("ntf_%s_%s_v%d", t.ID, user, t.Version), UserID: user, Kind: kind,
			Title: title, Body: body, CustomerID: t.CustomerID, TaskID: t.ID, At: t.UpdatedAt}
		ops = append(ops, store.TxPut(inbox.Item(t.TenantID, n), store.None))
	}
	return ops
}

// message is a notification's title and body in the workspace's language.
func message(lang string, t *Task, by domain.Actor, kind string) (title, body string) {
	who := by.Name
	if who == "" {
		who = by.ID
	}
	switch kind {
	case KindMention:
		return inbox.Say(lang, who+" nhắc đến bạn trong công việc: "+t.Title, who+" mentioned you on a task: "+t.Title),
			inbox.Say(lang, "Xem bình luận trong công việc.", "See the comment on the task.")
	case KindClaimed:
		return inbox.Say(lang, who+" đã nhận công việc: "+t.Title, who+" claimed a task: "+t.Title),
			inbox.Say(lang, "Công việc đã có người phụ trách.", "The task now has an assignee.")
	}
	return inbox.Say(lang, "Bạn được giao công việc: "+t.Title, "You were assigned a task: "+t.Title),
		inbox.Say(lang, "Người giao: "+who+".", "By "+who+".")
}
