package localrun_test

import (
	"slices"
	"testing"
	"time"
)

// A create_task action takes a task's spelling, related_user_ids, and
// still accepts the deprecated related_users; answers, the stored flow
// and the task it makes all use related_user_ids.
func TestCreateTaskActionSpelling(t *testing.T) {
	c := newCare(t)
	helper := c.admin.user("Anh Tuấn", "staff")
	cu := c.customer("Khách Sinh Nhật", "1990-11-23", nil)
	for _, spelling := range []string{"related_user_ids", "related_users"} {
		task := map[string]any{"type": "create_task", "title": "Gọi " + spelling + " #name", "assignee": "owner", "task_type": "call",
			spelling: []string{helper.userID}}
		flow := c.admin.create("/v1/care-flows", c.birthdayFlow("08:00", task))
		for _, r := range []*reply{
			c.admin.do("GET", "/v1/care-flows/"+flow, nil).ok(200),
			c.admin.do("POST", "/v1/care-flows/"+flow+"/activate", nil).ok(200),
		} {
			var got struct {
				Actions []map[string]any `json:"actions"`
			}
			r.into(&got)
			a := got.Actions[0]
			if _, old := a["related_users"]; old || len(a["related_user_ids"].([]any)) != 1 || a["related_user_ids"].([]any)[0] != helper.userID {
				t.Errorf("%s: %s answers the action %v, want related_user_ids [%s] and no related_users", spelling, r.req, a, helper.userID)
			}
		}
	}
	// An unknown user is named at the current spelling's path.
	bad := map[string]any{"type": "create_task", "title": "Gọi", "assignee": "owner", "related_users": []string{"usr_khongco"}}
	p := c.admin.do("POST", "/v1/care-flows", c.birthdayFlow("09:00", bad)).problem(422)
	hasError(t, p, "actions[0].related_user_ids[0]", "unknown_user")

	c.s.setClock(time.Date(2026, 11, 23, 8, 0, 0, 0, hcm))
	c.drain()
	var tasks struct {
		Items []struct {
			Title          string   `json:"title"`
			CustomerID     string   `json:"customer_id"`
			RelatedUserIDs []string `json:"related_user_ids"`
		} `json:"items"`
	}
	c.admin.do("GET", "/v1/tasks?customer_id="+cu, nil).ok(200).into(&tasks)
	var titles []string
	for _, tk := range tasks.Items {
		if tk.CustomerID == cu && slices.Equal(tk.RelatedUserIDs, []string{helper.userID}) {
			titles = append(titles, tk.Title)
		}
	}
	slices.Sort(titles)
	if want := []string{"Gọi related_user_ids Khách Sinh Nhật", "Gọi related_users Khách Sinh Nhật"}; !slices.Equal(titles, want) {
		t.Errorf("tasks related to the user: %q, want %q", titles, want)
	}

	// An automation rule's create_task takes the same spelling.
	var rule struct {
		Actions []map[string]any `json:"actions"`
	}
	c.admin.do("POST", "/v1/automations", map[string]any{"name": "Giao việc", "trigger": map[string]any{"type": "created"},
		"actions": []map[string]any{{"type": "create_task", "title": "Gọi #name", "assignee": "owner", "related_users": []string{helper.userID}}},
	}).ok(201).into(&rule)
	if a := rule.Actions[0]; a["related_users"] != nil || len(a["related_user_ids"].([]any)) != 1 {
		t.Errorf("rule action answered as %v, want related_user_ids and no related_users", a)
	}
}
