package localrun_test

import (
	"fmt"
	"net/url"
	"slices"
	"sort"
	"testing"
)

// org is a workspace with one user of each role and customers spread over
// owners, a warehouse and a share.
type org struct {
	s                             *system
	admin, leader, wm, s1, s2, s3 *client
	wh                            string
	c                             map[string]customer
}

func newOrg(t *testing.T) *org {
	s := start(t, false)
	admin, _ := s.workspace("Phân quyền")
	o := &org{s: s, admin: admin, c: map[string]customer{}}
	o.leader = admin.user("Trưởng Nhóm", "team_leader")
	o.wm = admin.user("Trưởng Kho", "warehouse_manager")
	o.s1 = admin.user("Nhân Viên Một", "staff")
	o.s2 = admin.user("Nhân Viên Hai", "staff")
	o.s3 = admin.user("Nhân Viên Ba", "staff")
	admin.create("/v1/teams", map[string]any{"name": "Nhóm 1", "leader_id": o.leader.userID, "member_ids": []string{o.s1.userID, o.s2.userID}})
	o.wh = admin.create("/v1/warehouses", map[string]any{"name": "Kho Hotline", "manager_ids": []string{o.wm.userID}})
	for name, body := range map[string]map[string]any{
		"c1": {"owner_id": o.s1.userID},
		"c2": {"owner_id": o.s2.userID},
		"c3": {"owner_id": o.s3.userID, "warehouse_id": o.wh},
		"c4": {"owner_id": o.s3.userID},
		"c5": {"warehouse_id": o.wh},
		"c6": {},
	} {
		body["name"] = "Khách " + name
		o.c[name] = admin.createCustomer(body)
	}
	admin.do("PUT", "/v1/customers/"+o.c["c4"].ID+"/shares", map[string]any{"user_ids": []string{o.s1.userID}}).ok(200)
	return o
}

func (o *org) names(cs []customer) []string {
	var out []string
	for _, c := range cs {
		for name, x := range o.c {
			if x.ID == c.ID {
				out = append(out, name)
			}
		}
	}
	sort.Strings(out)
	return out
}

func TestRoleMatrix(t *testing.T) {
	o := newOrg(t)
	users := map[string]*client{"admin": o.admin, "leader": o.leader, "wm": o.wm, "s1": o.s1, "s2": o.s2, "s3": o.s3}
	tests := []struct {
		user     string
		sees     []string // in lists and by id
		writes   []string // may change
		readOnly []string // sees but may not change (shared)
	}{
		{"admin", []string{"c1", "c2", "c3", "c4", "c5", "c6"}, []string{"c1", "c2", "c3", "c4", "c5", "c6"}, nil},
		{"leader", []string{"c1", "c2"}, []string{"c1", "c2"}, nil},
		{"wm", []string{"c3", "c5"}, []string{"c3", "c5"}, nil},
		{"s1", []string{"c1", "c4"}, []string{"c1"}, []string{"c4"}},
		{"s2", []string{"c2"}, []string{"c2"}, nil},
		{"s3", []string{"c3", "c4"}, []string{"c3", "c4"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.user, func(t *testing.T) {
			u := users[tc.user]
			if got := o.names(u.list("").Items); fmt.Sprint(got) != fmt.Sprint(tc.sees) {
				t.Fatalf("list = %v, want %v", got, tc.sees)
			}
			for _, name := range []string{"c1", "c2", "c3", "c4", "c5", "c6"} {
				id := o.c[name].ID
				get := u.do("GET", "/v1/customers/"+id, nil)
				patch := u.do("PATCH", "/v1/customers/"+id, map[string]any{"description": "sửa bởi " + tc.user})
				note := u.do("POST", "/v1/customers/"+id+"/notes", map[string]any{"body": "ghi chú"})
				switch {
				case slices.Contains(tc.writes, name):
					get.ok(200)
					patch.ok(200)
					note.ok(201)
				case slices.Contains(tc.readOnly, name):
					get.ok(200)
					if p := patch.problem(403); p.Code != "shared_read_only" {
						t.Fatalf("%s: patch code %s", name, p.Code)
					}
					note.problem(403)
					u.do("POST", "/v1/customers/"+id+"/step", map[string]any{"pipeline_id": "x", "step_id": "y"}).problem(422)
					u.do("DELETE", "/v1/customers/"+id, nil).problem(403)
				default:
					get.problem(404)
					patch.problem(404)
					note.problem(404)
					u.do("DELETE", "/v1/customers/"+id, nil).problem(404)
					u.do("GET", "/v1/customers/"+id+"/history", nil).problem(404)
				}
			}
		})
	}
}

// Only admins change settings; everyone may read them.
func TestOnlyAdminsChangeSettings(t *testing.T) {
	o := newOrg(t)
	pl := o.admin.create("/v1/pipelines", map[string]any{"name": "P", "steps": []map[string]string{{"name": "A"}}})
	team := o.admin.create("/v1/teams", map[string]any{"name": "T2"})
	writes := []struct{ method, path string }{
		{"POST", "/v1/users"}, {"PATCH", "/v1/users/" + o.s2.userID}, {"DELETE", "/v1/users/" + o.s2.userID},
		{"POST", "/v1/teams"}, {"PATCH", "/v1/teams/" + team}, {"DELETE", "/v1/teams/" + team},
		{"POST", "/v1/warehouses"}, {"PATCH", "/v1/warehouses/" + o.wh}, {"DELETE", "/v1/warehouses/" + o.wh},
		{"POST", "/v1/pipelines"}, {"PATCH", "/v1/pipelines/" + pl}, {"DELETE", "/v1/pipelines/" + pl},
		{"POST", "/v1/fields"}, {"PUT", "/v1/settings/duplicates"}, {"PUT", "/v1/settings/workspace"},
	}
	for _, u := range []*client{o.leader, o.wm, o.s1} {
		for _, w := range writes {
			body := map[string]any{"name": "x", "criteria": []string{}, "key": "k", "label": "l", "type": "text", "email": "x@y.vn"}
			if p := u.do(w.method, w.path, body).problem(403); p.Code != "admin_only" {
				t.Fatalf("%s %s by a non-admin: code %s", w.method, w.path, p.Code)
			}
		}
		for _, path := range []string{"/v1/users", "/v1/teams", "/v1/warehouses", "/v1/pipelines", "/v1/fields", "/v1/settings/duplicates", "/v1/settings/workspace", "/v1/me"} {
			u.do("GET", path, nil).ok(200)
		}
		u.do("GET", "/v1/customers?deleted=true", nil).problem(403)
		u.do("POST", "/v1/customers/"+o.c["c6"].ID+"/restore", nil).problem(403)
	}
	// A user may change their own profile and away flag, not their role.
	var me struct {
		Away bool `json:"away"`
	}
	o.s1.do("PATCH", "/v1/users/"+o.s1.userID, map[string]any{"away": true, "phone": "0909 111 222"}).ok(200).into(&me)
	if !me.Away {
		t.Fatal("away flag not set")
	}
	o.s1.do("PATCH", "/v1/users/"+o.s1.userID, map[string]any{"role": "admin"}).problem(403)
	// Other users' sign-in subjects are not shown to non-admins.
	if got := o.s1.do("GET", "/v1/users/"+o.s2.userID, nil).ok(200).obj(); got["auth_subject"] != nil {
		t.Fatalf("auth_subject shown to a non-admin: %v", got["auth_subject"])
	}
	// The last admin can't be demoted.
	o.admin.do("PATCH", "/v1/users/"+o.admin.userID, map[string]any{"role": "staff"}).problem(409)
}

// Who may give a customer to whom.
func TestAssignmentScope(t *testing.T) {
	o := newOrg(t)
	// Staff own what they create, and can't give it away.
	mine := o.s2.createCustomer(map[string]any{"name": "Của tôi"})
	if mine.OwnerID != o.s2.userID {
		t.Fatalf("owner = %s, want the creator", mine.OwnerID)
	}
	p := o.s2.do("POST", "/v1/customers", map[string]any{"name": "Cho người khác", "owner_id": o.s1.userID}).problem(422)
	hasError(t, p, "owner_id", "owner_not_allowed")
	o.s2.do("PATCH", "/v1/customers/"+mine.ID, map[string]any{"owner_id": o.s3.userID}).problem(422)
	// A team leader gives customers to team members, not to others.
	o.leader.do("PATCH", "/v1/customers/"+mine.ID, map[string]any{"owner_id": o.s1.userID}).ok(200)
	o.leader.do("PATCH", "/v1/customers/"+mine.ID, map[string]any{"owner_id": o.s3.userID}).problem(422)
	// A warehouse manager may leave a customer of the warehouse unowned.
	free := o.wm.createCustomer(map[string]any{"name": "Chưa giao", "owner_id": "", "warehouse_id": o.wh})
	if free.OwnerID != "" {
		t.Fatalf("owner = %q, want none", free.OwnerID)
	}
	// Shares: the owner shares; the sharee then sees it.
	o.s3.do("PUT", "/v1/customers/"+o.c["c3"].ID+"/shares", map[string]any{"user_ids": []string{o.s2.userID}}).ok(200)
	if got := o.names(o.s2.list("").Items); fmt.Sprint(got) != "[c2 c3]" {
		t.Fatalf("s2 sees %v after a share", got)
	}
	o.s1.do("PUT", "/v1/customers/"+o.c["c4"].ID+"/shares", map[string]any{"user_ids": []string{}}).problem(403)
}

// Lookup tells anyone whether a customer exists and who owns it, without
// the record.
func TestLookup(t *testing.T) {
	o := newOrg(t)
	o.admin.do("PATCH", "/v1/customers/"+o.c["c3"].ID, map[string]any{"name": "Công ty Hoàng Long", "phone": "0987 654 321", "office_address": "12 Lê Lợi"}).ok(200)
	var res struct {
		Items []map[string]any `json:"items"`
	}
	// By name, phone and owner's name. (Addresses are not in the search
	// index: a lookup no longer finds a customer by "le loi".)
	for _, q := range []string{"hoang long", "0987654321", "Nhân viên ba"} {
		o.s1.do("GET", "/v1/lookup?q="+url.QueryEscape(q), nil).ok(200).into(&res)
		i := slices.IndexFunc(res.Items, func(m map[string]any) bool { return m["id"] == o.c["c3"].ID })
		if i < 0 {
			t.Fatalf("lookup %q = %v", q, res.Items)
		}
		got := res.Items[i]
		if got["visible"] != false || got["owner"].(map[string]any)["name"] != "Nhân Viên Ba" || got["phone"] != nil {
			t.Fatalf("lookup %q answered %v", q, got)
		}
	}
	o.s3.do("GET", "/v1/lookup?q=hoang", nil).ok(200).into(&res)
	if res.Items[0]["visible"] != true {
		t.Fatal("the owner's own customer is not visible in lookup")
	}
	hasError(t, o.s1.do("GET", "/v1/lookup?q=a", nil).problem(422), "q", "query_too_short")
}
