package localrun_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// projectTask is what the tests read of a project task.
type projectTask struct {
	ID         string  `json:"id"`
	Title      string  `json:"title"`
	ParentID   string  `json:"parent_id"`
	PhaseID    string  `json:"phase_id"`
	AssigneeID string  `json:"assignee_id"`
	Status     string  `json:"status"`
	Progress   int     `json:"progress"`
	DueOn      *string `json:"due_on"`
}

type projectBody struct {
	ID       string `json:"id"`
	Statuses []struct {
		ID, Name, Kind string
	} `json:"statuses"`
	Phases []struct {
		ID       string `json:"id"`
		StartsOn string `json:"starts_on"`
		EndsOn   string `json:"ends_on"`
	} `json:"phases"`
}

// projectTeam is a workspace with a project of two phases (January and
// February 2030), its owner and two members, and a user outside it.
type projectTeam struct {
	s                           *system
	admin, owner, an, binh, out *client
	project                     projectBody
}

func newProjectTeam(t *testing.T) *projectTeam {
	s := start(t, false)
	s.setClock(time.Date(2030, 1, 10, 3, 0, 0, 0, time.UTC))
	admin, _ := s.workspace("Công ty Xây dựng")
	pt := &projectTeam{s: s, admin: admin, owner: admin.user("Chủ Dự Án", "staff"), an: admin.user("An", "staff"),
		binh: admin.user("Bình", "staff"), out: admin.user("Người Ngoài", "staff")}
	pt.owner.do("POST", "/v1/projects", map[string]any{"name": "Nhà mẫu", "member_ids": []string{pt.an.userID, pt.binh.userID},
		"phases": []map[string]any{
			{"name": "Móng", "starts_on": "2030-01-01", "ends_on": "2030-01-31"},
			{"name": "Thân", "starts_on": "2030-02-01", "ends_on": "2030-02-28"},
		}}).ok(201).into(&pt.project)
	return pt
}

func (pt *projectTeam) phase(i int) string { return pt.project.Phases[i].ID }

func (pt *projectTeam) addTask(c *client, body map[string]any) projectTask {
	c.t.Helper()
	var out projectTask
	c.do("POST", "/v1/projects/"+pt.project.ID+"/tasks", body).ok(201).into(&out)
	return out
}

// The scenario of SPEC §7 and seed 004: a task due outside its phase is
// refused with both dates; a claim, an edit, a hand-over, a comment that
// mentions, status changes up to completed, which is final; the history
// lists every action in order with its actor; the mentioned members are
// notified once, however often the comment is sent again.
func TestProjectTaskScenario(t *testing.T) {
	pt := newProjectTeam(t)
	names := []string{}
	for _, st := range pt.project.Statuses {
		names = append(names, st.Name)
	}
	if want := []string{"Mới", "Đang làm", "Đã giải quyết", "Hoàn thành"}; !slices.Equal(names, want) {
		t.Fatalf("default statuses %v, want %v", names, want)
	}
	tasks := "/v1/projects/" + pt.project.ID + "/tasks"

	outside := map[string]any{"title": "Đổ móng", "phase_id": pt.phase(0), "due_on": "2030-02-15"}
	for lang, want := range map[string]string{
		"vi": "Hạn hoàn thành phải nằm trong giai đoạn, từ 2030-01-01 đến 2030-01-31.",
		"en": "The due date must fall within the phase, from 2030-01-01 to 2030-01-31.",
	} {
		p := pt.owner.with("Accept-Language", lang).do("POST", tasks, outside).problem(422)
		hasError(t, p, "due_on", "due_outside_phase")
		if p.Errors[0].Message != want {
			t.Fatalf("%s message %q, want %q", lang, p.Errors[0].Message, want)
		}
	}

	task := pt.addTask(pt.owner, map[string]any{"title": "Đổ móng", "phase_id": pt.phase(0), "due_on": "2030-01-20"})
	path := "/v1/tasks/" + task.ID
	if task.AssigneeID != "" || task.Status != "open" || task.Progress != 0 {
		t.Fatalf("new task %+v", task)
	}
	pt.an.do("POST", path+"/claim", nil).ok(200)
	for lang, want := range map[string]string{"vi": "Công việc đã được An nhận.", "en": "An has already claimed this task."} {
		if p := pt.binh.with("Accept-Language", lang).do("POST", path+"/claim", nil).problem(409); p.Code != "task_taken" || p.Detail != want {
			t.Fatalf("second claim (%s): %+v, want %q", lang, p, want)
		}
	}
	pt.owner.do("PATCH", path, map[string]any{"title": "Đổ móng nhà", "due_on": "2030-01-25"}).ok(200)
	pt.owner.do("PATCH", path, map[string]any{"assignee_id": pt.binh.userID}).ok(200)
	comment := map[string]any{"body": "An và chủ dự án xem giúp", "mention_ids": []string{pt.an.userID, pt.owner.userID}}
	for range 2 { // the same request sent again is answered, not written, again
		pt.binh.with("Idempotency-Key", "cmt-1").do("POST", path+"/comments", comment).ok(201)
	}
	pt.binh.do("PATCH", path, map[string]any{"status": "in_progress", "progress": 40}).ok(200)
	var got projectTask
	pt.binh.do("PATCH", path, map[string]any{"status": "resolved"}).ok(200).into(&got)
	if got.Progress != 100 {
		t.Fatalf("resolved task at %d%%, want 100%%", got.Progress)
	}
	pt.binh.do("PATCH", path, map[string]any{"status": "completed"}).ok(200).into(&got)
	if got.Progress != 100 || got.Status != "completed" {
		t.Fatalf("completed task %+v", got)
	}
	for _, body := range []map[string]any{{"status": "in_progress"}, {"progress": 50}} {
		if p := pt.owner.do("PATCH", path, body).problem(409); p.Code != "task_completed" {
			t.Fatalf("changing a completed task with %v: %+v", body, p)
		}
	}
	pt.owner.do("PATCH", path, map[string]any{"status": "completed"}).ok(200) // the same status is no change

	var history historyPage
	pt.an.do("GET", path+"/history", nil).ok(200).into(&history)
	o, a, b := pt.owner.userID, pt.an.userID, pt.binh.userID
	want := []string{"add " + o, "claim " + a, "edit " + o, "hand_over " + o, "comment " + b, "status_change " + b, "edit " + b,
		"status_change " + b, "edit " + b, "status_change " + b}
	var gotHistory []string
	for _, e := range history.Items {
		gotHistory = append(gotHistory, e.Action+" "+e.Actor.ID)
	}
	if !slices.Equal(gotHistory, want) {
		t.Fatalf("history\n got %v\nwant %v", gotHistory, want)
	}
	edit := history.Items[2].Changes
	if len(edit) != 2 || edit[0].Field != "title" || edit[0].Before != "Đổ móng" || edit[0].After != "Đổ móng nhà" ||
		edit[1].Field != "due_on" || edit[1].Before != "2030-01-20" || edit[1].After != "2030-01-25" {
		t.Fatalf("edit entry %+v", edit)
	}
	if h := history.Items[3].Changes; len(h) != 1 || h[0].Before != a || h[0].After != b {
		t.Fatalf("hand-over entry %+v", h)
	}
	if s := history.Items[7].Changes; s[0].Before != "in_progress" || s[0].After != "resolved" {
		t.Fatalf("status entry %+v", s)
	}

	var comments struct {
		Items []struct {
			Body       string   `json:"body"`
			MentionIDs []string `json:"mention_ids"`
		} `json:"items"`
	}
	pt.owner.do("GET", path+"/comments", nil).ok(200).into(&comments)
	if len(comments.Items) != 1 || comments.Items[0].Body != "An và chủ dự án xem giúp" {
		t.Fatalf("comments %+v", comments.Items)
	}
	for who, c := range map[string]*client{"An": pt.an, "the owner": pt.owner} {
		if n := countNotes(c, "task_mention", task.ID); n != 1 {
			t.Fatalf("%s has %d mention notifications, want 1", who, n)
		}
	}
	if n := countNotes(pt.binh, "task_mention", task.ID); n != 0 {
		t.Fatalf("the author was notified of their own mention %d times", n)
	}
	if n := countNotes(pt.owner, "task_claimed", task.ID); n != 1 {
		t.Fatalf("the owner has %d claim notifications, want 1", n)
	}
	if n := countNotes(pt.binh, "task_assigned", task.ID); n != 1 {
		t.Fatalf("Bình has %d assignment notifications, want 1", n)
	}
}

// countNotes counts the caller's notifications of a kind about a task.
func countNotes(c *client, kind, taskID string) int {
	c.t.Helper()
	var inbox struct {
		Items []struct {
			Kind   string `json:"kind"`
			TaskID string `json:"task_id"`
		} `json:"items"`
	}
	c.do("GET", "/v1/notifications?limit=500", nil).ok(200).into(&inbox)
	n := 0
	for _, it := range inbox.Items {
		if it.Kind == kind && it.TaskID == taskID {
			n++
		}
	}
	return n
}

// Twenty members claim one task at once: exactly one wins, the nineteen
// others get 409 naming the winner.
func TestProjectTaskClaimRace(t *testing.T) {
	s := start(t, false)
	admin, _ := s.workspace("Công ty Nhận Việc")
	members := make([]*client, 20)
	ids := make([]string, 20)
	for i := range members {
		members[i] = admin.user(fmt.Sprintf("Thành viên %02d", i), "staff")
		ids[i] = members[i].userID
	}
	prj := admin.create("/v1/projects", map[string]any{"name": "Nhận việc", "member_ids": ids})
	task := admin.create("/v1/projects/"+prj+"/tasks", map[string]any{"title": "Ai nhận?"})

	replies := make([]*reply, len(members))
	ready := make(chan struct{})
	var wg sync.WaitGroup
	for i, m := range members {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-ready
			replies[i] = m.do("POST", "/v1/tasks/"+task+"/claim", nil)
		}()
	}
	close(ready)
	wg.Wait()

	var winner projectTask
	admin.do("GET", "/v1/tasks/"+task, nil).ok(200).into(&winner)
	won := slices.Index(ids, winner.AssigneeID)
	if won < 0 {
		t.Fatalf("the task went to %q, none of the claimers", winner.AssigneeID)
	}
	wantDetail := fmt.Sprintf("Công việc đã được Thành viên %02d nhận.", won)
	oks, conflicts := 0, 0
	for i, r := range replies {
		switch r.Status {
		case http.StatusOK:
			oks++
			if i != won {
				t.Errorf("member %d got 200 but the task is member %d's", i, won)
			}
		case http.StatusConflict:
			conflicts++
			if p := r.problem(409); p.Code != "task_taken" || p.Detail != wantDetail {
				t.Errorf("member %d: %+v, want %q", i, p, wantDetail)
			}
		default:
			t.Errorf("member %d: status %d: %s", i, r.Status, r.Body)
		}
	}
	if oks != 1 || conflicts != 19 {
		t.Fatalf("%d claims won and %d refused, want 1 and 19", oks, conflicts)
	}
	var history struct {
		Items []struct {
			Action string `json:"action"`
		} `json:"items"`
	}
	admin.do("GET", "/v1/tasks/"+task+"/history", nil).ok(200).into(&history)
	if len(history.Items) != 2 || history.Items[1].Action != "claim" {
		t.Fatalf("history %+v, want add and one claim", history.Items)
	}
}

// Deleting a main task deletes its subtasks, or with ?subtasks=promote
// makes them main tasks; subtasks go one level deep.
func TestProjectSubtasks(t *testing.T) {
	pt := newProjectTeam(t)
	main1 := pt.addTask(pt.an, map[string]any{"title": "Chính 1"})
	sub1 := pt.addTask(pt.an, map[string]any{"title": "Phụ 1a", "parent_id": main1.ID})
	sub2 := pt.addTask(pt.an, map[string]any{"title": "Phụ 1b", "parent_id": main1.ID})
	p := pt.an.do("POST", "/v1/projects/"+pt.project.ID+"/tasks", map[string]any{"title": "Cháu", "parent_id": sub1.ID}).problem(422)
	hasError(t, p, "parent_id", "parent_is_subtask")
	p = pt.an.do("PATCH", "/v1/tasks/"+main1.ID, map[string]any{"parent_id": sub1.ID}).problem(422)
	hasError(t, p, "parent_id", "parent_is_subtask")
	pt.an.do("POST", "/v1/tasks/"+sub1.ID+"/comments", map[string]any{"body": "sắp xóa"}).ok(201)

	pt.an.do("DELETE", "/v1/tasks/"+main1.ID, nil).ok(204)
	for _, id := range []string{main1.ID, sub1.ID, sub2.ID} {
		pt.an.do("GET", "/v1/tasks/"+id, nil).problem(404)
		pt.an.do("GET", "/v1/tasks/"+id+"/comments", nil).problem(404)
	}

	main2 := pt.addTask(pt.an, map[string]any{"title": "Chính 2"})
	sub3 := pt.addTask(pt.an, map[string]any{"title": "Phụ 2a", "parent_id": main2.ID})
	sub4 := pt.addTask(pt.binh, map[string]any{"title": "Phụ 2b", "parent_id": main2.ID})
	pt.an.do("DELETE", "/v1/tasks/"+main2.ID+"?subtasks=later", nil).problem(422)
	pt.binh.do("DELETE", "/v1/tasks/"+main2.ID+"?subtasks=promote", nil).problem(403) // neither its creator nor the owner
	pt.owner.do("DELETE", "/v1/tasks/"+main2.ID+"?subtasks=promote", nil).ok(204)
	pt.an.do("GET", "/v1/tasks/"+main2.ID, nil).problem(404)
	for _, id := range []string{sub3.ID, sub4.ID} {
		var got projectTask
		pt.an.do("GET", "/v1/tasks/"+id, nil).ok(200).into(&got)
		if got.ParentID != "" {
			t.Fatalf("promoted subtask %s still has parent %q", id, got.ParentID)
		}
	}
	var history historyPage
	pt.an.do("GET", "/v1/tasks/"+sub3.ID+"/history", nil).ok(200).into(&history)
	last := history.Items[len(history.Items)-1]
	if len(history.Items) != 2 || last.Action != "edit" || last.Changes[0].Field != "parent_id" || last.Changes[0].Before != main2.ID || last.Changes[0].After != "" {
		t.Fatalf("history of a promoted subtask: %+v", history.Items)
	}
	var list struct{ Items []projectTask }
	pt.an.do("GET", "/v1/projects/"+pt.project.ID+"/tasks", nil).ok(200).into(&list)
	if len(list.Items) != 2 {
		t.Fatalf("the project has %d tasks left, want the 2 promoted", len(list.Items))
	}
}

// A project and everything in it are not found by anyone outside it (a
// user of the workspace who is not a member, another workspace's admin);
// members read; only the owner and admins manage it.
func TestProjectRights(t *testing.T) {
	pt := newProjectTeam(t)
	task := pt.addTask(pt.an, map[string]any{"title": "Bí mật"})
	pt.an.do("POST", "/v1/tasks/"+task.ID+"/comments", map[string]any{"body": "x"}).ok(201)
	other, _ := pt.s.workspace("Công ty Khác")
	for _, c := range []*client{pt.out, other} {
		for _, p := range []string{"/v1/projects/" + pt.project.ID, "/v1/projects/" + pt.project.ID + "/tasks", "/v1/tasks/" + task.ID,
			"/v1/tasks/" + task.ID + "/comments", "/v1/tasks/" + task.ID + "/history"} {
			c.do("GET", p, nil).problem(404)
		}
		c.do("POST", "/v1/tasks/"+task.ID+"/claim", nil).problem(404)
		c.do("POST", "/v1/tasks/"+task.ID+"/comments", map[string]any{"body": "x"}).problem(404)
		c.do("PATCH", "/v1/tasks/"+task.ID, map[string]any{"title": "x"}).problem(404)
		c.do("DELETE", "/v1/tasks/"+task.ID, nil).problem(404)
		c.do("POST", "/v1/projects/"+pt.project.ID+"/tasks", map[string]any{"title": "x"}).problem(404)
		var list struct{ Items []projectBody }
		c.do("GET", "/v1/projects", nil).ok(200).into(&list)
		if len(list.Items) != 0 {
			t.Fatalf("an outsider lists %d projects", len(list.Items))
		}
	}
	var list struct{ Items []projectBody }
	pt.binh.do("GET", "/v1/projects", nil).ok(200).into(&list)
	if len(list.Items) != 1 {
		t.Fatalf("a member lists %d projects, want 1", len(list.Items))
	}
	pt.binh.do("PATCH", "/v1/projects/"+pt.project.ID, map[string]any{"name": "Của Bình"}).problem(403)
	pt.owner.do("PATCH", "/v1/projects/"+pt.project.ID, map[string]any{"name": "Nhà mẫu 2"}).ok(200)
	p := pt.owner.do("PATCH", "/v1/tasks/"+task.ID, map[string]any{"assignee_id": pt.out.userID}).problem(422)
	hasError(t, p, "assignee_id", "not_project_member")
	pt.out.do("POST", "/v1/projects", map[string]any{"name": "Của người khác", "owner_id": pt.owner.userID}).problem(403)
	if p := pt.owner.do("DELETE", "/v1/projects/"+pt.project.ID, nil).problem(409); p.Code != "project_has_tasks" {
		t.Fatalf("deleting a project with tasks: %+v", p)
	}
	pt.owner.do("DELETE", "/v1/tasks/"+task.ID, nil).ok(204)
	pt.binh.do("DELETE", "/v1/projects/"+pt.project.ID, nil).problem(403)
	pt.owner.do("DELETE", "/v1/projects/"+pt.project.ID, nil).ok(204)
	pt.admin.do("GET", "/v1/projects/"+pt.project.ID, nil).problem(404)
}

// A project's tasks are listed by due date and filtered by assignee,
// phase, status, due date and overdue.
func TestProjectTaskFilters(t *testing.T) {
	pt := newProjectTeam(t) // today is 2030-01-10
	late := pt.addTask(pt.an, map[string]any{"title": "Trễ", "phase_id": pt.phase(0), "due_on": "2030-01-05", "assignee_id": pt.an.userID})
	done := pt.addTask(pt.an, map[string]any{"title": "Xong", "phase_id": pt.phase(0), "due_on": "2030-01-03", "status": "resolved"})
	feb := pt.addTask(pt.binh, map[string]any{"title": "Tháng hai", "phase_id": pt.phase(1), "due_on": "2030-02-10", "assignee_id": pt.binh.userID})
	none := pt.addTask(pt.binh, map[string]any{"title": "Không hạn"})
	soon := pt.addTask(pt.owner, map[string]any{"title": "Sắp tới", "due_on": "2030-01-15", "assignee_id": pt.an.userID})
	if done.Progress != 100 {
		t.Fatalf("a task made resolved is at %d%%", done.Progress)
	}
	cases := map[string][]string{
		"":                               {done.ID, late.ID, soon.ID, feb.ID, none.ID},
		"?mine=true":                     {late.ID, soon.ID},
		"?assignee_id=" + pt.binh.userID: {feb.ID},
		"?phase_id=" + pt.phase(0):       {done.ID, late.ID},
		"?status=resolved":               {done.ID},
		"?due_after=2030-01-05":          {late.ID, soon.ID, feb.ID},
		"?due_before=2030-01-15":         {done.ID, late.ID, soon.ID},
		"?due_after=2030-01-04&due_before=2030-01-31": {late.ID, soon.ID},
		"?overdue=true":           {late.ID},
		"?overdue=true&mine=true": {late.ID},
	}
	for q, want := range cases {
		var page struct{ Items []projectTask }
		pt.an.do("GET", "/v1/projects/"+pt.project.ID+"/tasks"+q, nil).ok(200).into(&page)
		var got []string
		for _, it := range page.Items {
			got = append(got, it.ID)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: got %v, want %v", q, got, want)
		}
	}
	for q, path := range map[string]string{"?overdue=maybe": "overdue", "?due_before=2030-13-01": "due_before", "?status=nope": "status", "?phase_id=phs_nope": "phase_id"} {
		hasError(t, pt.an.do("GET", "/v1/projects/"+pt.project.ID+"/tasks"+q, nil).problem(422), path, "")
	}
	var page struct {
		Items      []projectTask
		NextCursor string `json:"next_cursor"`
	}
	var all []string
	for cursor := ""; ; cursor = page.NextCursor {
		page.Items, page.NextCursor = nil, ""
		pt.an.do("GET", "/v1/projects/"+pt.project.ID+"/tasks?limit=2&cursor="+cursor, nil).ok(200).into(&page)
		for _, it := range page.Items {
			all = append(all, it.ID)
		}
		if page.NextCursor == "" {
			break
		}
	}
	if want := cases[""]; !slices.Equal(all, want) {
		t.Fatalf("paged: %v, want %v", all, want)
	}
}

// An English workspace's projects start with English statuses.
func TestProjectDefaultStatusesInEnglish(t *testing.T) {
	s := start(t, false)
	admin, _ := s.workspace("English Co")
	admin.do("PUT", "/v1/settings/workspace", map[string]any{"language": "en"}).ok(200)
	var p projectBody
	admin.do("POST", "/v1/projects", map[string]any{"name": "Launch"}).ok(201).into(&p)
	var names []string
	for _, st := range p.Statuses {
		names = append(names, st.Name+"/"+st.Kind)
	}
	if want := "New/open In progress/in_progress Resolved/resolved Completed/completed"; strings.Join(names, " ") != want {
		t.Fatalf("statuses %v, want %s", names, want)
	}
}
