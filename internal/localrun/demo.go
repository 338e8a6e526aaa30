package localrun

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/store"
	"tend/internal/workspace"
)

// Demo names the demo workspace and its people.
type Demo struct {
	TenantID  string            `json:"tenant_id"`
	AdminID   string            `json:"admin_id"`
	Users     map[string]string `json:"users"` // role-ish name → user id
	Warehouse string            `json:"warehouse_id"`
	Pipeline  string            `json:"pipeline_id"`
	Steps     map[string]string `json:"steps"` // step name → id
	Customers []string          `json:"customer_ids"`
	Renewal   string            `json:"renewal_pipeline_id"`
}

var demoKey = store.Key{PK: "LOCAL", SK: "DEMO"}

// demo returns the demo workspace's names, if it was created.
func (a *App) demo(ctx context.Context) (*Demo, error) {
	it, err := a.DB.Get(ctx, demoKey)
	if err != nil {
		return nil, err
	}
	var d Demo
	if err := json.Unmarshal(it.Doc, &d); err != nil {
		return nil, fmt.Errorf("localrun: demo record: %w", err)
	}
	return &d, nil
}

// DemoInfo returns the demo workspace, created on first start.
func (a *App) DemoInfo(ctx context.Context) (*Demo, error) { return a.demo(ctx) }

// ensureDemo creates the demo workspace unless it exists.
func (a *App) ensureDemo(ctx context.Context) error {
	if _, err := a.demo(ctx); err == nil {
		return nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	d, err := a.seed(ctx)
	if err != nil {
		return err
	}
	b, _ := json.Marshal(d)
	return a.DB.Put(ctx, store.Item{Key: demoKey, Type: "local", Version: 1, Doc: b}, store.NotExist)
}

func ptr[T any](v T) *T { return &v }

// seed builds a small but real workspace: an admin, a team leader with
// three staff, a warehouse, a sales pipeline, two custom fields and a few
// customers.
func (a *App) seed(ctx context.Context) (*Demo, error) {
	ws, admin, err := a.Workspaces.CreateWorkspace(ctx, workspace.NewWorkspace{Name: "Công ty Demo Tend", AdminName: "Quản trị viên", AdminEmail: "admin@demo.tend.example"})
	if err != nil {
		return nil, err
	}
	d := &Demo{TenantID: ws.ID, AdminID: admin.ID, Users: map[string]string{"admin": admin.ID}, Steps: map[string]string{}}
	c, err := a.Workspaces.Authenticate(ctx, admin.AuthSubject)
	if err != nil {
		return nil, err
	}
	people := []struct {
		key, name, email string
		role             domain.Role
	}{
		{"leader", "Trần Thị Lan", "lan@demo.tend.example", domain.RoleTeamLeader},
		{"staff1", "Nguyễn Văn Minh", "minh@demo.tend.example", domain.RoleStaff},
		{"staff2", "Lê Thị Hoa", "hoa@demo.tend.example", domain.RoleStaff},
		{"staff3", "Phạm Quốc Huy", "huy@demo.tend.example", domain.RoleStaff},
	}
	for _, p := range people {
		u, err := a.Workspaces.CreateUser(ctx, c, workspace.UserInput{Name: ptr(p.name), Email: ptr(p.email), Role: ptr(p.role)})
		if err != nil {
			return nil, fmt.Errorf("user %s: %w", p.name, err)
		}
		d.Users[p.key] = u.ID
	}
	if c, err = a.Workspaces.Authenticate(ctx, admin.AuthSubject); err != nil {
		return nil, err
	}
	if _, err := a.Workspaces.SaveTeam(ctx, c, "", workspace.TeamInput{Name: ptr("Nhóm kinh doanh 1"), LeaderID: ptr(d.Users["leader"]),
		MemberIDs: &[]string{d.Users["staff1"], d.Users["staff2"], d.Users["staff3"]}}); err != nil {
		return nil, err
	}
	wh, err := a.Workspaces.SaveWarehouse(ctx, c, "", workspace.WarehouseInput{Name: ptr("Facebook Ads")})
	if err != nil {
		return nil, err
	}
	d.Warehouse = wh.ID
	steps := []domain.Step{{Name: "Mới"}, {Name: "Đang tư vấn"}, {Name: "Chốt đơn"}, {Name: "Cần chăm sóc lại"}, {Name: "Thất bại"}}
	pl, err := a.Workspaces.SavePipeline(ctx, c, "", workspace.PipelineInput{Name: ptr("Bán hàng"), Steps: &steps})
	if err != nil {
		return nil, err
	}
	d.Pipeline = pl.ID
	for _, s := range pl.Steps {
		d.Steps[s.Name] = s.ID
	}
	renewal := []domain.Step{{Name: "Chờ gia hạn"}, {Name: "Đã tái mua"}}
	rp, err := a.Workspaces.SavePipeline(ctx, c, "", workspace.PipelineInput{Name: ptr("Gia hạn / tái mua"), Steps: &renewal})
	if err != nil {
		return nil, err
	}
	d.Renewal = rp.ID
	fields := []workspace.FieldInput{
		{Key: ptr("customer_type"), Label: ptr("Loại khách hàng"), Type: ptr(domain.TypeSelect), Options: &[]string{"Thường", "Tiềm năng", "VIP"}},
		{Key: ptr("company_size"), Label: ptr("Quy mô công ty"), Type: ptr(domain.TypeNumber)},
	}
	for _, f := range fields {
		if _, err := a.Workspaces.SaveField(ctx, c, "", f); err != nil {
			return nil, err
		}
	}
	if c, err = a.Workspaces.Authenticate(ctx, admin.AuthSubject); err != nil {
		return nil, err
	}
	customers := []string{
		`{"name":"Nguyễn Văn An","phone":"0912 345 678","email":"an.nguyen@example.vn","owner_id":%q,"warehouse_id":%q,"source":"Facebook","fields":{"customer_type":"Tiềm năng"},"pipelines":{%q:%q}}`,
		`{"name":"Công ty TNHH Hoa Sen","phone":"024 3825 1234","email":"lienhe@hoasen.example.vn","tax_code":"0101234567","owner_id":%q,"warehouse_id":%q,"source":"Hotline","fields":{"customer_type":"VIP","company_size":120},"pipelines":{%q:%q}}`,
		`{"name":"Trần Thị Bích","phone":"0168 123 4567","email":"bich.tran@example.vn","birthday":"1992-12-20","owner_id":%q,"warehouse_id":%q,"fields":{"customer_type":"Thường"},"pipelines":{%q:%q}}`,
		`{"name":"Lê Hoàng Nam","phone":"0987 654 321","owner_id":%q,"warehouse_id":%q,"pipelines":{%q:%q}}`,
	}
	owners := []string{d.Users["staff1"], d.Users["staff2"], d.Users["staff3"], d.Users["staff1"]}
	stepNames := []string{"Mới", "Đang tư vấn", "Chốt đơn", "Mới"}
	for i, tmpl := range customers {
		raw := fmt.Sprintf(tmpl, owners[i], wh.ID, pl.ID, d.Steps[stepNames[i]])
		in, err := customer.ParseInput([]byte(raw))
		if err != nil {
			return nil, err
		}
		cu, err := a.Customers.CreateCustomer(ctx, c, in)
		if err != nil {
			return nil, fmt.Errorf("customer %d: %w", i, err)
		}
		d.Customers = append(d.Customers, cu.ID)
	}
	a.Log.Info("demo workspace created", "tenant", ws.ID, "admin", admin.ID)
	return d, nil
}
