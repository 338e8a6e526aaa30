package domain

import "time"

// Role decides what a user may see and change.
type Role string

const (
	RoleAdmin            Role = "admin"             // quản trị
	RoleTeamLeader       Role = "team_leader"       // trưởng nhóm
	RoleWarehouseManager Role = "warehouse_manager" // trưởng kho
	RoleStaff            Role = "staff"             // nhân viên
)

// Roles lists every role.
var Roles = []Role{RoleAdmin, RoleTeamLeader, RoleWarehouseManager, RoleStaff}

// ValidRole reports whether r is a known role.
func ValidRole(r Role) bool {
	for _, k := range Roles {
		if k == r {
			return true
		}
	}
	return false
}

// User is a member of a workspace.
type User struct {
	ID       string `json:"id"`
	TenantID string `json:"tenant_id"`
	Name     string `json:"name"`
	Email    string `json:"email"`
	Phone    string `json:"phone"`
	Role     Role   `json:"role"`
	// TeamIDs are the teams the user is a member of (kept on the teams).
	TeamIDs []string `json:"team_ids"`
	// Active users can call the API and receive customers [cho phép vào].
	Active bool `json:"active"`
	// Away users temporarily receive no new leads.
	Away     bool `json:"away"`
	Birthday Date `json:"birthday"`
	// AuthSubject is the identity provider's subject (Cognito "sub") the
	// user signs in as.
	AuthSubject string    `json:"auth_subject,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	Version     int64     `json:"version"`
}

// IsAdmin reports whether u administers the workspace.
func (u *User) IsAdmin() bool { return u.Role == RoleAdmin }

// Team is a group of users with a leader [đội nhóm].
type Team struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	LeaderID  string    `json:"leader_id"`
	MemberIDs []string  `json:"member_ids"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Version   int64     `json:"version"`
}

// Warehouse is a pool classifying where customers come from [kho dữ liệu].
type Warehouse struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	ManagerIDs []string  `json:"manager_ids"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
	Version    int64     `json:"version"`
}

// Pipeline is an ordered list of steps [quy trình, bước].
type Pipeline struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Steps     []Step    `json:"steps"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Version   int64     `json:"version"`
}

// Step is one stage of a pipeline.
type Step struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Step returns the step with id, if the pipeline has it.
func (p *Pipeline) Step(id string) (Step, bool) {
	for _, s := range p.Steps {
		if s.ID == id {
			return s, true
		}
	}
	return Step{}, false
}
