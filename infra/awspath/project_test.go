package awspath_test

import (
	"fmt"
	"testing"
	"time"

	"tend/internal/project"
)

// Projects on AWS (moto): through the api function a project with a phase
// is made, a task added to it, claimed by a member (its owner, the spa's
// admin) and read back with its history, all on DynamoDB.
func TestProjectOnTheAWSPath(t *testing.T) {
	s := deploy(t, time.Date(2026, 11, 23, 7, 0, 0, 0, hanoi), nil)
	spa := openSpa(t, s)

	var p project.Project
	body := fmt.Sprintf(`{"name":"Khai trương chi nhánh","member_ids":[%q],"phases":[{"name":"Chuẩn bị","starts_on":"2026-11-01","ends_on":"2026-11-30"}]}`, spa.staff.ID)
	if status := s.apiCall("POST", "/v1/projects", body, &p); status != 201 || len(p.Phases) != 1 || p.Statuses[0].Name != "Mới" {
		t.Fatalf("create project: %d %+v", status, p)
	}
	var problem struct {
		Errors []struct{ Path, Code string }
	}
	outside := fmt.Sprintf(`{"title":"Treo biển","phase_id":%q,"due_on":"2026-12-05"}`, p.Phases[0].ID)
	if status := s.apiCall("POST", "/v1/projects/"+p.ID+"/tasks", outside, &problem); status != 422 || problem.Errors[0].Code != "due_outside_phase" {
		t.Fatalf("task due outside its phase: %d %+v", status, problem)
	}
	var task project.Task
	inside := fmt.Sprintf(`{"title":"Treo biển","phase_id":%q,"due_on":"2026-11-28"}`, p.Phases[0].ID)
	if status := s.apiCall("POST", "/v1/projects/"+p.ID+"/tasks", inside, &task); status != 201 || task.AssigneeID != "" {
		t.Fatalf("create task: %d %+v", status, task)
	}
	for range 2 { // claiming a task one has changes nothing
		if status := s.apiCall("POST", "/v1/tasks/"+task.ID+"/claim", "", &task); status != 200 || task.AssigneeID != spa.admin.User.ID {
			t.Fatalf("claim: %d %+v", status, task)
		}
	}
	var got project.Task
	if status := s.apiCall("GET", "/v1/tasks/"+task.ID, "", &got); status != 200 || got.AssigneeID != spa.admin.User.ID || got.Version != 2 {
		t.Fatalf("read the claimed task: %d %+v", status, got)
	}
	var history struct{ Items []project.Entry }
	if status := s.apiCall("GET", "/v1/tasks/"+task.ID+"/history", "", &history); status != 200 || len(history.Items) != 2 ||
		history.Items[0].Action != project.ActionAdd || history.Items[1].Action != project.ActionClaim {
		t.Fatalf("history: %d %+v", status, history.Items)
	}
}
