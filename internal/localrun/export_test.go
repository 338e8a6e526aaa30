package localrun_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"tend/internal/cellvalue"
	customerpkg "tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/workspace"
)

// exportShop is a workspace with custom fields of every kind an import
// reads, two staff members and customers of each.
type exportShop struct {
	s                *system
	tenant           string
	admin, an, binh  *client
	binhEmail        string
	vipFilter        string
	customFieldKeys  []string
	customFieldLabel map[string]string
}

func newExportShop(t *testing.T) *exportShop {
	t.Helper()
	s := start(t, false)
	admin, tenant := s.workspace("Công ty Xuất Dữ Liệu")
	sh := &exportShop{s: s, admin: admin, tenant: tenant, customFieldLabel: map[string]string{}}
	for _, f := range []map[string]any{
		{"key": "hang", "label": "Hạng thành viên", "type": "select", "options": []string{"Vàng", "Bạc"}},
		{"key": "ngay_ky", "label": "Ngày ký hợp đồng", "type": "date"},
		{"key": "so_lan", "label": "Số lần mua", "type": "number"},
		{"key": "so_thich", "label": "Sở thích", "type": "multiselect", "options": []string{"Đọc sách", "Du lịch", "Ẩm thực"}},
		{"key": "dong_y", "label": "Đồng ý nhận tin", "type": "boolean"},
		{"key": "gioi_thieu", "label": "Người giới thiệu", "type": "user"},
		{"key": "ghi_chu_rieng", "label": "Ghi chú riêng", "type": "text"},
	} {
		admin.create("/v1/fields", f)
		sh.customFieldKeys = append(sh.customFieldKeys, f["key"].(string))
		sh.customFieldLabel[f["key"].(string)] = f["label"].(string)
	}
	sh.an = admin.user("Trần Văn An", "staff")
	sh.binh = admin.user("Lê Thị Bình", "staff")
	var u struct{ Email string }
	admin.do("GET", "/v1/users/"+sh.binh.userID, nil).ok(200).into(&u)
	sh.binhEmail = u.Email
	sh.vipFilter = `[[{"field":"tags","op":"has_any","value":["VIP"]}]]`
	return sh
}

// exportJob is an export job as the API answers it.
type exportJob struct {
	ID, Status, Format, URL, Error string
	Rows                           int
	ExpiresAt                      *time.Time `json:"expires_at"`
}

// fetch downloads a job's file from its link (a path on the runner),
// named after the workspace's day.
func (sh *exportShop) fetch(t *testing.T, link string) []byte {
	t.Helper()
	if strings.HasPrefix(link, "/") {
		link = sh.s.srv.URL + link
	}
	resp, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Disposition"), "khach-hang-") {
		t.Fatalf("download: %d %q %s", resp.StatusCode, resp.Header.Get("Content-Disposition"), body)
	}
	return body
}

// download is an export answered at once.
type download struct {
	contentType, disposition string
	body                     []byte
}

func (c *client) export(t *testing.T, query string) download {
	t.Helper()
	r := c.do("GET", "/v1/customers/export"+query, nil).ok(200)
	return download{r.Header.Get("Content-Type"), r.Header.Get("Content-Disposition"), r.Body}
}

func TestExportFilteredInTheCallersColumns(t *testing.T) {
	sh := newExportShop(t)
	an, binh, admin := sh.an, sh.binh, sh.admin
	full := map[string]any{"name": "Nguyễn Thị Ánh", "phone": "0912345678", "email": "anh@khach.vn", "owner_id": an.userID,
		"tags": []string{"VIP", "Hà Nội"}, "birthday": "1990-02-13",
		"fields": map[string]any{"hang": "Vàng", "ngay_ky": "2024-02-13", "so_lan": 3, "so_thich": []string{"Đọc sách", "Du lịch"},
			"dong_y": true, "gioi_thieu": binh.userID, "ghi_chu_rieng": "=1+2 không phải công thức"}}
	admin.createCustomer(full)
	admin.createCustomer(map[string]any{"name": "Đặng Văn Bảo", "phone": "0987654321", "owner_id": an.userID, "tags": []string{"VIP"},
		"fields": map[string]any{"dong_y": false}})
	admin.createCustomer(map[string]any{"name": "Phạm Đức Cường", "owner_id": an.userID, "tags": []string{"Thường"}})
	admin.createCustomer(map[string]any{"name": "Hoàng Yến", "owner_id": binh.userID, "tags": []string{"VIP"}})

	cols := []string{"name", "phone", "hang", "ngay_ky", "so_lan", "so_thich", "dong_y", "gioi_thieu", "birthday", "owner_id", "email",
		"tags", "ghi_chu_rieng"}
	an.do("PUT", "/v1/settings/list", map[string]any{"columns": cols, "sort": "-name"}).ok(200)
	wantHeader := []string{"Tên khách hàng", "Số điện thoại", "Hạng thành viên", "Ngày ký hợp đồng", "Số lần mua", "Sở thích",
		"Đồng ý nhận tin", "Người giới thiệu", "Sinh nhật", "Chủ sở hữu", "Email", "Thẻ", "Ghi chú riêng"}
	// At 18:00 UTC it is already the next day in Vietnam: the file is
	// named after the workspace's day.
	sh.s.setClock(time.Date(2026, 11, 25, 18, 0, 0, 0, time.UTC))

	filter := "&filter=" + url.QueryEscape(sh.vipFilter)
	for _, format := range []string{"xlsx", "csv"} {
		t.Run(format, func(t *testing.T) {
			d := an.export(t, "?format="+format+filter)
			name := "khach-hang-2026-11-26." + format
			if want := `attachment; filename="` + name + `"; filename*=UTF-8''` + name; d.disposition != want {
				t.Fatalf("Content-Disposition %q, want %q", d.disposition, want)
			}
			wantType := map[string]string{"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
				"csv": "text/csv; charset=utf-8"}[format]
			if d.contentType != wantType {
				t.Fatalf("Content-Type %q, want %q", d.contentType, wantType)
			}
			if format == "csv" {
				if !bytes.HasPrefix(d.body, []byte("\xef\xbb\xbf")) {
					t.Fatalf("csv without a UTF-8 BOM: % x", d.body[:8])
				}
				// The text itself, as Excel reads it: UTF-8, unescaped.
				for _, s := range []string{"Tên khách hàng,Số điện thoại", "Nguyễn Thị Ánh", "Đọc sách, Du lịch", "13/02/2024", "'=1+2"} {
					if !bytes.Contains(d.body, []byte(s)) {
						t.Fatalf("csv lacks %q:\n%s", s, d.body)
					}
				}
			}
			header, rows := readSheet(t, d.body)
			if !slices.Equal(header, wantHeader) {
				t.Fatalf("header %q, want %q", header, wantHeader)
			}
			// An's own VIP customers only (not Bình's, not the other
			// one), by name descending as An's settings say.
			if len(rows) != 2 || rows[0][0] != "Nguyễn Thị Ánh" || rows[1][0] != "Đặng Văn Bảo" {
				t.Fatalf("rows %q, want An's two VIP customers by name descending", rows)
			}
			r := rows[0]
			for i, want := range map[int]string{1: "0912345678", 2: "Vàng", 4: "3", 5: "Đọc sách, Du lịch", 6: "Có", 7: sh.binhEmail,
				9: "Trần Văn An", 10: "anh@khach.vn", 11: "VIP, Hà Nội", 12: "=1+2 không phải công thức"} {
				if r[i] != want {
					t.Errorf("%s = %q, want %q", header[i], r[i], want)
				}
			}
			for i, want := range map[int]time.Time{3: time.Date(2024, 2, 13, 0, 0, 0, 0, time.UTC), 8: time.Date(1990, 2, 13, 0, 0, 0, 0, time.UTC)} {
				if got, err := cellvalue.Date(r[i]); err != nil || !got.Equal(want) {
					t.Errorf("%s = %q (%v, %v), want %s", header[i], r[i], got, err, want.Format("02/01/2006"))
				}
			}
			if b, err := cellvalue.Bool(rows[1][6]); err != nil || b {
				t.Errorf("a false boolean reads %q", rows[1][6])
			}
		})
	}

	// Asked as a job, the file is the same.
	var j exportJob
	an.do("GET", "/v1/customers/export?async=true"+filter, nil).ok(202).into(&j)
	sh.s.anon().do("POST", "/dev/drain", nil).ok(200)
	an.do("GET", "/v1/exports/"+j.ID, nil).ok(200).into(&j)
	if j.Status != "done" || j.Rows != 2 || j.Format != "xlsx" {
		t.Fatalf("job %+v", j)
	}
	if header, rows := readSheet(t, sh.fetch(t, j.URL)); !slices.Equal(header, wantHeader) || len(rows) != 2 || rows[0][0] != "Nguyễn Thị Ánh" {
		t.Fatalf("the job's file: %q %q", header, rows)
	}

	// The admin sees every VIP customer, with no settings: every field,
	// system then custom, newest first.
	_, rows := readSheet(t, admin.export(t, "?format=csv"+filter).body)
	header, _ := readSheet(t, admin.export(t, "?format=csv"+filter).body)
	var all []string
	for _, f := range domain.SystemFields {
		all = append(all, f.Label)
	}
	for _, k := range sh.customFieldKeys {
		all = append(all, sh.customFieldLabel[k])
	}
	if !slices.Equal(header, all) {
		t.Fatalf("header without settings %q, want every field %q", header, all)
	}
	var names []string
	for _, r := range rows {
		names = append(names, r[1])
	}
	if !slices.Equal(names, []string{"Hoàng Yến", "Đặng Văn Bảo", "Nguyễn Thị Ánh"}) {
		t.Fatalf("the admin's export holds %q", names)
	}

	// What the list refuses, the export refuses, with the same paths.
	hasError(t, an.do("GET", "/v1/customers/export?filter="+url.QueryEscape(`[[{"field":"tags","op":"gt","value":1}]]`), nil).problem(422),
		"filter[0][0].op", "operator_not_allowed")
	hasError(t, an.do("GET", "/v1/customers/export?sort=colour", nil).problem(422), "sort", "invalid_sort")
	for lang, want := range map[string]string{"vi": "Giá trị không hợp lệ.", "en": "Not a valid value."} {
		c := *an
		c.lang = lang
		if msg := messageOf(t, &c, "GET", "/v1/customers/export?format=pdf", nil, 422, "format"); msg != want {
			t.Errorf("%s: %q, want %q", lang, msg, want)
		}
	}
}

// More than 10,000 rows: the export is a job whose file, once the jobs
// queue has run it, holds every row; only its requester and admins see it.
func TestLargeExportBecomesAJob(t *testing.T) {
	sh := newExportShop(t)
	const n = 10_001
	// Made in the process, through the customer service as the API
	// makes them: ten thousand HTTP round trips would only slow the test.
	o, err := sh.s.app.Workspaces.LoadOrg(t.Context(), sh.tenant)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := o.User(sh.an.userID)
	an := &workspace.Caller{User: u, Org: o}
	for i := range n {
		in, err := customerpkg.ParseInput(fmt.Appendf(nil, `{"name": "Khách số %05d", "owner_id": %q}`, i, u.ID))
		if err == nil {
			_, err = sh.s.app.Customers.CreateCustomer(t.Context(), an, in)
		}
		if err != nil {
			t.Fatalf("customer %d: %v", i, err)
		}
	}
	sh.binh.createCustomer(map[string]any{"name": "Không phải của An", "owner_id": sh.binh.userID})

	var j exportJob
	r := sh.an.do("GET", "/v1/customers/export?format=csv", nil).ok(202).into(&j)
	if j.Status != "queued" || j.Format != "csv" || j.URL != "" || r.Header.Get("Location") != "/v1/exports/"+j.ID {
		t.Fatalf("queued job %+v, Location %q", j, r.Header.Get("Location"))
	}
	sh.binh.do("GET", "/v1/exports/"+j.ID, nil).problem(404)
	sh.s.anon().do("POST", "/dev/drain", nil).ok(200)
	sh.an.do("GET", "/v1/exports/"+j.ID, nil).ok(200).into(&j)
	if j.Status != "done" || j.Rows != n || j.URL == "" || j.ExpiresAt == nil {
		t.Fatalf("finished job %+v", j)
	}
	var byAdmin exportJob
	sh.admin.do("GET", "/v1/exports/"+j.ID, nil).ok(200).into(&byAdmin)
	if byAdmin.Rows != n {
		t.Fatalf("the admin sees %+v", byAdmin)
	}

	body := sh.fetch(t, j.URL)
	_, rows := readSheet(t, body)
	seen := map[string]bool{}
	for _, row := range rows {
		seen[row[1]] = true
	}
	if len(rows) != n || len(seen) != n || seen["Không phải của An"] {
		t.Fatalf("the file holds %d rows, %d distinct names (Bình's customer: %v), want %d of An's", len(rows), len(seen), seen["Không phải của An"], n)
	}
	for i := range n {
		if name := fmt.Sprintf("Khách số %05d", i); !seen[name] {
			t.Fatalf("the file lacks %s", name)
		}
	}
}
