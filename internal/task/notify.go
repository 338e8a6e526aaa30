package task

import (
	"fmt"
	"slices"

	"tend/internal/domain"
	"tend/internal/inbox"
	"tend/internal/store"
	"tend/internal/workspace"
)

// notifyOps tells users of a task written at its current version: the
// assignee (when assigned is set) that it is theirs, and the related users
// in tell that they are named on it. Nobody is told of their own doing, nor
// twice, and deactivated users are not told. The notifications' ids derive
// from the task, the user and the version, so writing them again can only
// rewrite the same items.
func notifyOps(o *workspace.Org, t *Task, by domain.Actor, assigned bool, tell []string) []store.TxOp {
	var ops []store.TxOp
	done := map[string]bool{}
	if by.Kind == domain.ActorUser {
		done[by.ID] = true
	}
	add := func(user, kind string) {
		if done[user] {
			return
		}
		done[user] = true
		if u, ok := o.User(user); !ok || !u.Active {
			return
		}
		title, body := message(o, t, by, kind)
		n := inbox.Notification{
			ID:     fmt.Sprintf("ntf_%s_%s_v%d", t.ID, user, t.Version),
			UserID: user, Kind: kind, Title: title, Body: body,
			CustomerID: t.CustomerID, TaskID: t.ID, At: t.UpdatedAt,
		}
		ops = append(ops, store.TxPut(inbox.Item(t.TenantID, n), store.None))
	}
	if assigned {
		add(t.AssigneeID, inbox.KindTaskAssigned)
	}
	for _, u := range tell {
		add(u, inbox.KindTaskRelated)
	}
	return ops
}

// added lists the ids of now that were not in before.
func added(before, now []string) []string {
	var out []string
	for _, id := range now {
		if !slices.Contains(before, id) {
			out = append(out, id)
		}
	}
	return out
}

// message is a notification's title and body in the workspace's language.
func message(o *workspace.Org, t *Task, by domain.Actor, kind string) (title, body string) {
	en := o.Workspace.Language == "en"
	switch {
	case kind == inbox.KindTaskAssigned && en:
		title = "You were assigned a task: " + t.Title
	case kind == inbox.KindTaskAssigned:
		title = "Bạn được giao nhiệm vụ: " + t.Title
	case en:
		title = "You were added to a task: " + t.Title
	default:
		title = "Bạn được thêm làm người liên quan của nhiệm vụ: " + t.Title
	}
	who := by.Name
	if who == "" {
		who = by.ID
	}
	if l, ok := actorLabels[by.Kind]; ok {
		if en {
			who += " (" + l[1] + ")"
		} else {
			who += " (" + l[0] + ")"
		}
	}
	if en {
		body = "By " + who + "."
		if !t.DueOn.IsZero() {
			body += " Due on " + t.DueOn.String() + "."
		}
	} else {
		body = "Người giao: " + who + "."
		if !t.DueOn.IsZero() {
			body += fmt.Sprintf(" Hạn hoàn thành: %02d/%02d/%04d.", t.DueOn.Day, int(t.DueOn.Month), t.DueOn.Year)
		}
	}
	return title, body
}

// actorLabels say in Vietnamese and English what a non-user author of a
// task is.
var actorLabels = map[domain.ActorKind][2]string{
	domain.ActorCareFlow:     {"quy trình chăm sóc", "care flow"},
	domain.ActorAutomation:   {"luật tự động hóa", "automation rule"},
	domain.ActorDistribution: {"quy tắc chia", "distribution rule"},
	domain.ActorImport:       {"nhập dữ liệu", "import"},
	domain.ActorWebhook:      {"webhook", "webhook"},
	domain.ActorSystem:       {"hệ thống", "system"},
}
