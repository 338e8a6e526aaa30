package task

import (
	"slices"

	"tend/internal/domain"
	"tend/internal/workspace"
)

// Who may do what with a task (SPEC §0, applied to tasks):
//   - an admin sees and changes every task;
//   - a user sees the tasks they created, are assigned to or are related to,
//     and a team leader also those assigned to members of the teams they lead;
//   - the assignee, the creator, an admin and the assignee's team leader
//     change a task; related users only read it;
//   - the creator and admins delete it.
//
// A task the caller may not see is "not found", so that its existence does
// not leak.

// createdBy reports whether the user made the task.
func createdBy(t *Task, u *domain.User) bool {
	return t.CreatedBy.Kind == domain.ActorUser && t.CreatedBy.ID == u.ID
}

// leads reports whether leader is a team leader of a team that member
// belongs to.
func leads(o *workspace.Org, leader *domain.User, member string) bool {
	if leader.Role != domain.RoleTeamLeader || member == "" {
		return false
	}
	for _, t := range o.Teams {
		if t.LeaderID == leader.ID && slices.Contains(t.MemberIDs, member) {
			return true
		}
	}
	return false
}

// canChange reports whether the caller may change the task.
func canChange(c *workspace.Caller, t *Task) bool {
	u := c.User
	return u.IsAdmin() || t.AssigneeID == u.ID || createdBy(t, u) || leads(c.Org, u, t.AssigneeID)
}

// canSee reports whether the caller may see the task.
func canSee(c *workspace.Caller, t *Task) bool {
	return canChange(c, t) || slices.Contains(t.RelatedUserIDs, c.User.ID)
}

// canDelete reports whether the caller may delete the task.
func canDelete(c *workspace.Caller, t *Task) bool { return c.IsAdmin() || createdBy(t, c.User) }
