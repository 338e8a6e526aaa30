package localrun_test

import (
	"net/url"
	"slices"
	"testing"
)

// on returns a copy of the client that reports to t (a subtest).
func (c *client) on(t testing.TB) *client {
	cp := *c
	cp.t = t
	return &cp
}

// An export with a filter, imported into a fresh workspace with the same
// fields, gives the same customers: names, phones, emails, dates and
// custom field values. It needs the import (POST /v1/imports, GET
// /v1/imports/{id}), which another branch builds.
func TestExportImportRoundTrip(t *testing.T) {
	sh := newExportShop(t)
	an, binh, admin := sh.an, sh.binh, sh.admin
	admin.createCustomer(map[string]any{"name": "Nguyễn Thị Ánh", "phone": "0912345678", "email": "anh@khach.vn", "owner_id": an.userID,
		"tags": []string{"VIP"}, "birthday": "1990-02-13", "description": "Khách quen, thích gọi buổi sáng",
		"fields": map[string]any{"hang": "Vàng", "ngay_ky": "2024-02-13", "so_lan": 3.5, "so_thich": []string{"Đọc sách", "Ẩm thực"},
			"dong_y": true, "gioi_thieu": binh.userID, "ghi_chu_rieng": "=1+2 không phải công thức"}})
	admin.createCustomer(map[string]any{"name": "Đặng Văn Bảo", "phone": "0987654321", "email": "bao@khach.vn", "owner_id": binh.userID,
		"tags": []string{"VIP"}, "fields": map[string]any{"hang": "Bạc", "dong_y": false, "so_lan": 12}})
	admin.createCustomer(map[string]any{"name": "Không Xuất", "phone": "0909000111", "tags": []string{"Thường"}})
	admin.do("PUT", "/v1/settings/list", map[string]any{"columns": []string{"code", "name", "phone", "email", "birthday", "description",
		"owner_id", "hang", "ngay_ky", "so_lan", "so_thich", "dong_y", "gioi_thieu", "ghi_chu_rieng", "created_at"}}).ok(200)
	want := admin.list("?sort=name&filter=" + url.QueryEscape(sh.vipFilter)).Items
	if len(want) != 2 {
		t.Fatalf("the filter holds %d customers, want 2", len(want))
	}

	for _, format := range []string{"xlsx", "csv"} {
		t.Run(format, func(t *testing.T) {
			admin := admin.on(t)
			file := admin.export(t, "?format="+format+"&filter="+url.QueryEscape(sh.vipFilter)).body

			// A fresh workspace with the same fields, and a user of the
			// same email as the one a custom user field names.
			fresh, _ := sh.s.workspace("Công ty Mới " + format)
			fresh = fresh.on(t)
			var fields struct{ Items []map[string]any }
			admin.do("GET", "/v1/fields", nil).ok(200).into(&fields)
			for _, f := range fields.Items {
				if f["system"] == true {
					continue
				}
				body := map[string]any{"key": f["key"], "label": f["label"], "type": f["type"]}
				if opts, ok := f["options"].([]any); ok && len(opts) > 0 {
					body["options"] = opts
				}
				fresh.create("/v1/fields", body)
			}
			binhHere := fresh.create("/v1/users", map[string]any{"name": "Bình Mới", "email": sh.binhEmail, "role": "staff"})

			var job struct {
				ID     string `json:"id"`
				Status string `json:"status"`
			}
			fresh.postFile("/v1/imports", "khach-hang."+format, file, nil).ok(202).into(&job)
			var done struct {
				Status   string           `json:"status"`
				Total    int              `json:"total"`
				Imported int              `json:"imported"`
				Skipped  int              `json:"skipped"`
				Errors   []map[string]any `json:"errors"`
			}
			for range 20 {
				fresh.anonDo("POST", "/dev/drain", nil).ok(200)
				fresh.do("GET", "/v1/imports/"+job.ID, nil).ok(200).into(&done)
				if done.Status == "done" || done.Status == "failed" {
					break
				}
			}
			if done.Status != "done" || done.Imported != 2 || len(done.Errors) != 0 {
				t.Fatalf("import %+v", done)
			}

			got := fresh.list("?sort=name").Items
			if len(got) != len(want) {
				t.Fatalf("imported %d customers, want %d", len(got), len(want))
			}
			for i := range want {
				w, g := want[i], got[i]
				if g.Name != w.Name || g.Phone != w.Phone || g.Email != w.Email {
					t.Errorf("customer %d: %s %s %s, want %s %s %s", i, g.Name, g.Phone, g.Email, w.Name, w.Phone, w.Email)
				}
				var wb, gb struct {
					Birthday    string `json:"birthday"`
					Description string `json:"description"`
				}
				admin.do("GET", "/v1/customers/"+w.ID, nil).ok(200).into(&wb)
				fresh.do("GET", "/v1/customers/"+g.ID, nil).ok(200).into(&gb)
				if wb != gb {
					t.Errorf("%s: birthday and description %+v, want %+v", w.Name, gb, wb)
				}
				for _, k := range sh.customFieldKeys {
					wv, gv := w.Fields[k], g.Fields[k]
					if k == "gioi_thieu" {
						// The user of that email in the fresh workspace.
						if wv != nil && gv != binhHere || wv == nil && gv != nil {
							t.Errorf("%s: %s = %v, want the user of the same email (%v there)", w.Name, k, gv, wv)
						}
						continue
					}
					if wl, ok := wv.([]any); ok {
						gl, _ := gv.([]any)
						if !slices.Equal(wl, gl) {
							t.Errorf("%s: %s = %v, want %v", w.Name, k, gv, wv)
						}
						continue
					}
					if wv != gv {
						t.Errorf("%s: %s = %#v, want %#v", w.Name, k, gv, wv)
					}
				}
			}
		})
	}
}
