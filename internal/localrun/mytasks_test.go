package localrun_test

import (
	"slices"
	"testing"
)

// "My tasks": the tasks assigned to one user across the projects the
// caller sees, by due date (none last), following hand-overs; phase and
// status filters belong to one project and are refused with a message.
func TestTasksAcrossProjects(t *testing.T) {
	pt := newProjectTeam(t)
	var other, hidden projectBody
	pt.owner.do("POST", "/v1/projects", map[string]any{"name": "Nhà kho", "member_ids": []string{pt.an.userID}}).ok(201).into(&other)
	pt.owner.do("POST", "/v1/projects", map[string]any{"name": "Văn phòng", "member_ids": []string{pt.binh.userID}}).ok(201).into(&hidden)
	add := func(projectID, title, assignee, due string) string {
		body := map[string]any{"title": title, "assignee_id": assignee}
		if due != "" {
			body["due_on"] = due
		}
		var out projectTask
		pt.owner.do("POST", "/v1/projects/"+projectID+"/tasks", body).ok(201).into(&out)
		return out.ID
	}
	doors := add(pt.project.ID, "Lắp cửa", pt.an.userID, "2030-01-20")
	paint := add(pt.project.ID, "Sơn tường", pt.an.userID, "")
	roof := add(pt.project.ID, "Lợp mái", pt.binh.userID, "2030-01-25")
	racks := add(other.ID, "Kê giá", pt.an.userID, "2030-01-15")
	desks := add(hidden.ID, "Kê bàn", pt.binh.userID, "2030-01-12")

	list := func(c *client, query string) []string {
		var page struct{ Items []projectTask }
		c.do("GET", "/v1/project-tasks"+query, nil).ok(200).into(&page)
		ids := []string{}
		for _, tk := range page.Items {
			ids = append(ids, tk.ID)
		}
		return ids
	}
	for _, tc := range []struct {
		name   string
		caller *client
		query  string
		want   []string
	}{
		{"my tasks, by due date, none last", pt.an, "", []string{racks, doors, paint}},
		{"mine=true", pt.an, "?mine=true", []string{racks, doors, paint}},
		{"a colleague's, in the projects I see", pt.an, "?assignee_id=" + pt.binh.userID, []string{roof}},
		{"a colleague's, as an admin", pt.admin, "?assignee_id=" + pt.binh.userID, []string{desks, roof}},
		{"due before", pt.an, "?due_before=2030-01-19", []string{racks}},
		{"due after", pt.an, "?due_after=2030-01-16", []string{doors}},
		{"someone outside every project", pt.out, "", []string{}},
		{"paged by one", pt.an, "?limit=1", []string{racks}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := list(tc.caller, tc.query); !slices.Equal(got, tc.want) {
				t.Fatalf("%v, want %v", got, tc.want)
			}
		})
	}

	// A hand-over moves the task to its new assignee's list.
	pt.owner.do("PATCH", "/v1/tasks/"+doors, map[string]any{"assignee_id": pt.binh.userID}).ok(200)
	if got := list(pt.an, ""); !slices.Equal(got, []string{racks, paint}) {
		t.Fatalf("An's tasks after the hand-over: %v", got)
	}
	if got := list(pt.admin, "?assignee_id="+pt.binh.userID); !slices.Equal(got, []string{desks, doors, roof}) {
		t.Fatalf("Bình's tasks after the hand-over: %v", got)
	}

	p := pt.an.do("GET", "/v1/project-tasks?phase_id="+pt.phase(0)+"&status=open", nil).problem(422)
	if len(p.Errors) != 2 || p.Errors[0].Path != "phase_id" || p.Errors[0].Message != "Bộ lọc này chỉ dùng trong danh sách công việc của một dự án." {
		t.Fatalf("phase and status filters across projects: %+v", p)
	}
}
