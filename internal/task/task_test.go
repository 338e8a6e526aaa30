package task_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"tend/internal/domain"
	"tend/internal/inbox"
	"tend/internal/task"
)

func TestCreateDefaults(t *testing.T) {
	w := newWorld(t, "vi")
	tk := w.create("creator", `{"title":"  Gọi chúc mừng  ","assignee_id":"`+w.id("assignee")+`"}`)
	if tk.Title != "Gọi chúc mừng" || tk.Type != task.TypeTodo || tk.Priority != task.PriorityNormal || tk.Status != task.StatusOpen {
		t.Errorf("task = %+v, want the title trimmed and the defaults", tk)
	}
	if tk.Version != 1 || tk.CompletedAt != nil || tk.Source != nil || !strings.HasPrefix(tk.ID, "task_") || tk.TenantID != w.users["admin"].TenantID {
		t.Errorf("task = %+v", tk)
	}
	if want := (domain.Actor{Kind: domain.ActorUser, ID: w.id("creator"), Name: "creator"}); tk.CreatedBy != want {
		t.Errorf("created_by = %+v, want %+v", tk.CreatedBy, want)
	}
	if tk.CreatedAt.IsZero() || !tk.CreatedAt.Equal(tk.UpdatedAt) {
		t.Errorf("created_at %v, updated_at %v", tk.CreatedAt, tk.UpdatedAt)
	}
	got, err := w.tasks.Get(t.Context(), w.as("assignee"), tk.ID)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(got)
	for _, want := range []string{`"related_user_ids":[]`, `"due_on":null`, `"completed_at":null`, `"type":"todo"`, `"version":1`, `"assignee_id":"` + w.id("assignee") + `"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON %s lacks %s", b, want)
		}
	}
	notes := w.notes("assignee")
	if len(notes) != 1 || notes[0].Kind != inbox.KindTaskAssigned || notes[0].TaskID != tk.ID || notes[0].Title != "Bạn được giao nhiệm vụ: Gọi chúc mừng" {
		t.Fatalf("assignee's notifications = %+v", notes)
	}
	if !strings.Contains(notes[0].Body, "creator") {
		t.Errorf("body %q does not say who gave the task", notes[0].Body)
	}
	if n := w.notes("creator"); len(n) != 0 {
		t.Errorf("the creator was told of their own task: %+v", n)
	}
}

func TestCreateValidation(t *testing.T) {
	w := newWorld(t, "vi")
	theirs := w.customer("Khách của người khác", "stranger")
	assignee := `"assignee_id":"` + w.id("assignee") + `"`
	tests := []struct {
		name string
		by   string
		body string
		want []string
	}{
		{"title missing", "creator", `{` + assignee + `}`, []string{"title:required"}},
		{"title blank", "creator", `{"title":"   ",` + assignee + `}`, []string{"title:required"}},
		{"title too long", "creator", `{"title":"` + strings.Repeat("ắ", 501) + `",` + assignee + `}`, []string{"title:too_long"}},
		{"title at the limit", "creator", `{"title":"` + strings.Repeat("ắ", 500) + `",` + assignee + `}`, nil},
		{"description too long", "creator", `{"title":"x","description":"` + strings.Repeat("a", 10001) + `",` + assignee + `}`, []string{"description:too_long"}},
		{"lists", "creator", `{"title":"x","type":"party","priority":"urgent","status":"later",` + assignee + `}`,
			[]string{"type:invalid_value", "priority:invalid_value", "status:invalid_value"}},
		{"empty enums are defaults", "creator", `{"title":"x","type":"","priority":null,` + assignee + `}`, nil},
		{"assignee missing", "creator", `{"title":"x"}`, []string{"assignee_id:required"}},
		{"assignee unknown", "creator", `{"title":"x","assignee_id":"usr_nobody"}`, []string{"assignee_id:unknown_user"}},
		{"assignee deactivated", "creator", `{"title":"x","assignee_id":"` + w.id("gone") + `"}`, []string{"assignee_id:user_inactive"}},
		{"related unknown", "creator", `{"title":"x",` + assignee + `,"related_user_ids":["` + w.id("related") + `","usr_nobody"]}`,
			[]string{"related_user_ids[1]:unknown_user"}},
		{"customer unknown", "creator", `{"title":"x",` + assignee + `,"customer_id":"cus_nobody"}`, []string{"customer_id:unknown_customer"}},
		{"customer out of sight", "creator", `{"title":"x",` + assignee + `,"customer_id":"` + theirs.ID + `"}`, []string{"customer_id:unknown_customer"}},
		{"customer in sight", "admin", `{"title":"x",` + assignee + `,"customer_id":"` + theirs.ID + `"}`, nil},
		{"all at once", "creator", `{"title":"","type":"x","assignee_id":"usr_nobody","customer_id":"cus_nobody"}`,
			[]string{"title:required", "type:invalid_value", "assignee_id:unknown_user", "customer_id:unknown_customer"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tk, err := w.tasks.Create(t.Context(), w.as(tt.by), w.input(tt.body))
			if tt.want == nil {
				if err != nil {
					t.Fatalf("err = %v, want none", err)
				}
				if tk.Type != task.TypeTodo || tk.Priority != task.PriorityNormal {
					t.Errorf("task = %+v", tk)
				}
				return
			}
			if !errors.Is(err, domain.ErrInvalid) || domain.CodeOf(err) != "validation_failed" {
				t.Fatalf("err = %v, want validation_failed", err)
			}
			if got := fields(err); !slices.Equal(got, tt.want) {
				t.Errorf("problems = %v, want %v", got, tt.want)
			}
		})
	}
	// Nothing of the refused tasks was written.
	page, err := w.tasks.List(t.Context(), w.as("admin"), task.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != 3 {
		t.Errorf("%d tasks written, want the 3 accepted", len(page.Items))
	}
}

func TestAccess(t *testing.T) {
	w := newWorld(t, "vi")
	tests := []struct {
		caller              string
		see, change, delete error // nil: allowed
	}{
		{"admin", nil, nil, nil},
		{"assignee", nil, nil, domain.ErrForbidden},
		{"related", nil, domain.ErrForbidden, domain.ErrForbidden},
		{"creator", nil, nil, nil},
		{"leader", nil, nil, domain.ErrForbidden},
		{"leader2", domain.ErrNotFound, domain.ErrNotFound, domain.ErrNotFound},
		{"stranger", domain.ErrNotFound, domain.ErrNotFound, domain.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.caller, func(t *testing.T) {
			tk := w.create("creator", fmt.Sprintf(`{"title":"Việc","assignee_id":%q,"related_user_ids":[%q]}`, w.id("assignee"), w.id("related")))
			c := w.as(tt.caller)
			if _, err := w.tasks.Get(t.Context(), c, tk.ID); !is(err, tt.see) {
				t.Errorf("get: err = %v, want %v", err, tt.see)
			}
			changed, err := w.tasks.Update(t.Context(), c, tk.ID, w.input(`{"status":"in_progress"}`))
			if !is(err, tt.change) {
				t.Errorf("update: err = %v, want %v", err, tt.change)
			}
			if err == nil && (changed.Status != task.StatusInProgress || changed.Version != 2) {
				t.Errorf("update: %+v", changed)
			}
			if err := w.tasks.Delete(t.Context(), c, tk.ID); !is(err, tt.delete) {
				t.Errorf("delete: err = %v, want %v", err, tt.delete)
			}
			_, err = w.tasks.Get(t.Context(), w.as("admin"), tk.ID)
			if gone := errors.Is(err, domain.ErrNotFound); gone != (tt.delete == nil) {
				t.Errorf("after delete: err = %v", err)
			}
		})
	}
	// Any unknown id is not found, whoever asks.
	if _, err := w.tasks.Get(t.Context(), w.as("admin"), "task_nope#A"); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("odd id: err = %v", err)
	}
}

func is(err, want error) bool {
	if want == nil {
		return err == nil
	}
	return errors.Is(err, want)
}

func TestCompletion(t *testing.T) {
	w := newWorld(t, "vi")
	tk := w.create("creator", `{"title":"Gửi báo giá","assignee_id":"`+w.id("assignee")+`"}`)
	steps := []struct {
		body      string
		completed bool
		same      bool // completed_at stays as it was
	}{
		{`{"status":"done"}`, true, false},
		{`{"title":"Gửi báo giá lần 2"}`, true, true},
		{`{"status":"done"}`, true, true},
		{`{"status":"open"}`, false, false},
		{`{"status":"done"}`, true, false},
		{`{"status":"cancelled"}`, false, false},
	}
	var before *task.Task = tk
	for i, st := range steps {
		got, err := w.tasks.Update(t.Context(), w.as("assignee"), tk.ID, w.input(st.body))
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if (got.CompletedAt != nil) != st.completed {
			t.Fatalf("step %d %s: completed_at = %v", i, st.body, got.CompletedAt)
		}
		switch {
		case st.same && !got.CompletedAt.Equal(*before.CompletedAt):
			t.Errorf("step %d: completed_at moved from %v to %v", i, before.CompletedAt, got.CompletedAt)
		case st.completed && !st.same && !got.CompletedAt.Equal(got.UpdatedAt):
			t.Errorf("step %d: completed_at %v, want the time of the change %v", i, got.CompletedAt, got.UpdatedAt)
		}
		stored, _ := w.tasks.Get(t.Context(), w.as("assignee"), tk.ID)
		if (stored.CompletedAt != nil) != st.completed || stored.Version != int64(i+2) {
			t.Fatalf("step %d: stored %+v", i, stored)
		}
		before = got
	}
	// Changing a status to nothing is refused.
	if _, err := w.tasks.Update(t.Context(), w.as("assignee"), tk.ID, w.input(`{"status":""}`)); !slices.Equal(fields(err), []string{"status:invalid_value"}) {
		t.Errorf("empty status: err = %v", err)
	}
}

func TestReassignNotifies(t *testing.T) {
	w := newWorld(t, "vi")
	tk := w.create("creator", fmt.Sprintf(`{"title":"Chăm sóc","assignee_id":%q,"related_user_ids":[%q]}`, w.id("assignee"), w.id("related")))
	if n := len(w.notes("related")); n != 1 {
		t.Fatalf("related user told %d times of the new task, want 1", n)
	}
	// A change that keeps the assignee tells nobody.
	if _, err := w.tasks.Update(t.Context(), w.as("creator"), tk.ID, w.input(`{"priority":"high"}`)); err != nil {
		t.Fatal(err)
	}
	got, err := w.tasks.Update(t.Context(), w.as("creator"), tk.ID, w.input(`{"assignee_id":"`+w.id("stranger")+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	if got.AssigneeID != w.id("stranger") || got.Version != 3 {
		t.Fatalf("task = %+v", got)
	}
	tests := []struct {
		user  string
		kinds []string // newest first
	}{
		{"stranger", []string{inbox.KindTaskAssigned}},
		{"related", []string{inbox.KindTaskRelated, inbox.KindTaskRelated}},
		{"assignee", []string{inbox.KindTaskAssigned}},
		{"creator", nil},
	}
	for _, tt := range tests {
		var kinds []string
		for _, n := range w.notes(tt.user) {
			kinds = append(kinds, n.Kind)
		}
		if !slices.Equal(kinds, tt.kinds) {
			t.Errorf("%s told %v, want %v", tt.user, kinds, tt.kinds)
		}
	}
	// The new assignee sees the task; the old one no longer does.
	if _, err := w.tasks.Get(t.Context(), w.as("stranger"), tk.ID); err != nil {
		t.Errorf("new assignee: %v", err)
	}
	if _, err := w.tasks.Get(t.Context(), w.as("assignee"), tk.ID); !errors.Is(err, domain.ErrNotFound) {
		t.Errorf("old assignee: err = %v, want not found", err)
	}
	// A related user added later is told; those already there are not.
	other := w.id("leader")
	if _, err := w.tasks.Update(t.Context(), w.as("admin"), tk.ID, w.input(fmt.Sprintf(`{"related_user_ids":[%q,%q]}`, w.id("related"), other))); err != nil {
		t.Fatal(err)
	}
	if n := w.notes("leader"); len(n) != 1 || n[0].Kind != inbox.KindTaskRelated {
		t.Errorf("added related user told %+v", n)
	}
	if n := len(w.notes("related")); n != 2 {
		t.Errorf("related user told %d times, want still 2", n)
	}
}

func TestCreateAsOnce(t *testing.T) {
	w := newWorld(t, "en")
	// A customer the assignee can't see: automation is not held to a caller's sight.
	cu := w.customer("Anh Nam", "stranger")
	o := w.org()
	flow := domain.Actor{Kind: domain.ActorCareFlow, ID: "cf_1", Name: "Birthday"}
	in := w.input(fmt.Sprintf(`{"title":"Call Anh Nam","due_on":"2026-03-02","type":"care","assignee_id":%q,"related_user_ids":[%q,%q],"customer_id":%q}`,
		w.id("assignee"), w.id("related"), w.id("assignee"), cu.ID))
	id := "task_cf_1_" + cu.ID + "_2026"
	var first *task.Task
	for i, wantCreated := range []bool{true, false, false} {
		tk, created, err := w.tasks.CreateAs(t.Context(), o, flow, id, in, task.Source{Kind: "care_flow", ID: "cf_1"})
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
		if created != wantCreated {
			t.Fatalf("call %d: created = %v, want %v", i, created, wantCreated)
		}
		if first == nil {
			first = tk
		}
		if tk.ID != id || tk.Version != 1 || !tk.CreatedAt.Equal(first.CreatedAt) || tk.Source == nil || tk.Source.ID != "cf_1" || tk.CreatedBy != flow {
			t.Fatalf("call %d: task = %+v", i, tk)
		}
	}
	for _, tt := range []struct {
		user, kind, title string
	}{
		{"assignee", inbox.KindTaskAssigned, "You were assigned a task: Call Anh Nam"},
		{"related", inbox.KindTaskRelated, "You were added to a task: Call Anh Nam"},
	} {
		notes := w.notes(tt.user)
		if len(notes) != 1 || notes[0].Kind != tt.kind || notes[0].Title != tt.title || notes[0].CustomerID != cu.ID {
			t.Errorf("%s told %+v, want once %s", tt.user, notes, tt.kind)
			continue
		}
		if !strings.Contains(notes[0].Body, "Birthday") || !strings.Contains(notes[0].Body, "2026-03-02") {
			t.Errorf("%s: body %q", tt.user, notes[0].Body)
		}
	}
	page, err := w.tasks.List(t.Context(), w.as("admin"), task.Filter{})
	if err != nil || len(page.Items) != 1 {
		t.Fatalf("list: %v, %v", page, err)
	}
	// Deleted, it is not made again by a late retry.
	if err := w.tasks.Delete(t.Context(), w.as("admin"), id); err != nil {
		t.Fatal(err)
	}
	tk, created, err := w.tasks.CreateAs(t.Context(), o, flow, id, in, task.Source{Kind: "care_flow", ID: "cf_1"})
	if err != nil || created || tk != nil {
		t.Fatalf("after delete: %+v, %v, %v; want nothing made", tk, created, err)
	}
	if n := len(w.notes("assignee")); n != 1 {
		t.Errorf("assignee told %d times, want 1", n)
	}
	// Automation input is validated like a user's, and a bad id refused.
	if _, _, err := w.tasks.CreateAs(t.Context(), o, flow, "task_x", w.input(`{"title":"x"}`), task.Source{}); !slices.Equal(fields(err), []string{"assignee_id:required"}) {
		t.Errorf("invalid input: err = %v", err)
	}
	if _, _, err := w.tasks.CreateAs(t.Context(), o, flow, "a#b", in, task.Source{}); err == nil {
		t.Error("an id with # was accepted")
	}
}

func TestStaleVersion(t *testing.T) {
	w := newWorld(t, "vi")
	tk := w.create("admin", `{"title":"Họp","assignee_id":"`+w.id("assignee")+`"}`)
	if _, err := w.tasks.Update(t.Context(), w.as("assignee"), tk.ID, w.input(`{"status":"in_progress","version":1}`)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		body string
		want string
	}{
		{"stale", `{"status":"done","version":1}`, "version_conflict"},
		{"future", `{"status":"done","version":9}`, "version_conflict"},
		{"current", `{"status":"done","version":2}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := w.tasks.Update(t.Context(), w.as("admin"), tk.ID, w.input(tt.body))
			if domain.CodeOf(err) != tt.want {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if tt.want != "" && !errors.Is(err, domain.ErrConflict) {
				t.Errorf("kind = %v, want conflict", err)
			}
		})
	}
	got, _ := w.tasks.Get(t.Context(), w.as("admin"), tk.ID)
	if got.Version != 3 || got.Status != task.StatusDone {
		t.Errorf("task = %+v", got)
	}
}
