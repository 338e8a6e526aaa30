package localrun_test

import "testing"

// Messages name a role by its name in the message's language, not by its
// code.
func TestMessagesNameRoles(t *testing.T) {
	s := start(t, false)
	admin, _ := s.workspace("Công ty Vai Trò")
	staff := admin.user("Chị Mai", "staff")
	cases := []struct {
		lang, method, path string
		body               map[string]any
		at, want           string
	}{
		{"vi", "POST", "/v1/warehouses", map[string]any{"name": "Kho Hà Nội", "manager_ids": []string{staff.userID}},
			"manager_ids[0]", "Nhân viên này phải có vai trò trưởng kho."},
		{"en", "POST", "/v1/warehouses", map[string]any{"name": "Kho Hà Nội", "manager_ids": []string{staff.userID}},
			"manager_ids[0]", "This user must have the role warehouse manager."},
		{"vi", "POST", "/v1/teams", map[string]any{"name": "Nhóm Bắc", "leader_id": staff.userID},
			"leader_id", "Nhân viên này phải có vai trò trưởng nhóm."},
		{"en", "POST", "/v1/teams", map[string]any{"name": "Nhóm Bắc", "leader_id": staff.userID},
			"leader_id", "This user must have the role team leader."},
		{"vi", "POST", "/v1/users", map[string]any{"name": "Anh Long", "email": "long@vaitro.vn", "role": "boss"},
			"role", "Vai trò phải là quản trị (admin), trưởng nhóm (team_leader), trưởng kho (warehouse_manager) hoặc nhân viên (staff)."},
		{"en", "POST", "/v1/users", map[string]any{"name": "Anh Long", "email": "long@vaitro.vn", "role": "boss"},
			"role", "The role must be admin, team leader (team_leader), warehouse manager (warehouse_manager) or staff."},
	}
	for _, c := range cases {
		p := admin.with("Accept-Language", c.lang).do(c.method, c.path, c.body).problem(422)
		if len(p.Errors) != 1 || p.Errors[0].Path != c.at || p.Errors[0].Message != c.want {
			t.Errorf("%s %s (%s): errors %+v, want one at %s saying %q", c.method, c.path, c.lang, p.Errors, c.at, c.want)
		}
	}
}
