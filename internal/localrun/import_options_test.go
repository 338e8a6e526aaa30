package localrun_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"

	"tend/internal/store/faultstore"
)

// utf16LE is text as Excel saves "Unicode text": UTF-16 LE with a BOM.
func utf16LE(s string) []byte {
	out := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(s)) {
		out = binary.LittleEndian.AppendUint16(out, u)
	}
	return out
}

// CSV files as Excel and others save them import with their Vietnamese
// text intact: UTF-8 with a BOM and semicolons, UTF-16 with tabs.
func TestImportCSVEncodings(t *testing.T) {
	s := start(t, false)
	admin, _ := s.workspace("Công ty CSV")
	for _, tc := range []struct {
		name string
		file []byte
	}{
		{"utf8-bom.csv", []byte("\ufeffHọ và tên;Điện thoại;Ghi chú\r\nTrần Thị Ánh;0912 345 001;\"Khách; có dấu chấm phẩy\"\r\n")},
		{"utf16.txt", utf16LE("Họ và tên\tĐiện thoại\tGhi chú\r\nNguyễn Đức Hưng\t0912345002\tỞ Đà Nẵng\r\n")},
	} {
		id := admin.startImport(tc.name, tc.file, nil)
		s.drain()
		if j := admin.importJob(id); j.Status != "done" || j.Imported != 1 || len(j.Errors) != 0 {
			t.Fatalf("%s: %+v", tc.name, j)
		}
	}
	byName := map[string]string{}
	for _, cu := range admin.list("?limit=10").Items {
		var full map[string]any
		admin.do("GET", "/v1/customers/"+cu.ID, nil).ok(200).into(&full)
		byName[cu.Name] = cu.Phone + " " + fmt.Sprint(full["description"])
	}
	if byName["Trần Thị Ánh"] != "+84912345001 Khách; có dấu chấm phẩy" || byName["Nguyễn Đức Hưng"] != "+84912345002 Ở Đà Nẵng" {
		t.Fatalf("imported %q", byName)
	}
}

// duplicates: update writes the row over the customer it repeats (a
// later row repeating the same customer is reported with the row that
// updated it); create_anyway is refused while the workspace checks
// duplicates, and creates the copy once it doesn't.
func TestImportDuplicateOptions(t *testing.T) {
	s := start(t, false)
	admin, _ := s.workspace("Công ty Trùng")
	old := admin.createCustomer(map[string]any{"name": "Khách Cũ", "phone": "0912 000 001", "email": "cu@example.vn"})
	file := []byte("Họ và tên,SĐT,Ghi chú\nKhách Cũ Đổi Tên,0912000001,Cập nhật từ tệp\nKhách Lặp,+84912000001,\nKhách Mới,0912000002,\n")
	id := admin.startImport("trung.csv", file, map[string]string{"options": `{"duplicates":"update"}`})
	s.drain()
	j := admin.importJob(id)
	if j.Imported != 1 || j.Updated != 1 || j.Skipped != 1 || j.Refused != 0 || len(j.Errors) != 1 ||
		j.Errors[0] != (rowError{3, "phone", "SĐT", "duplicate_in_file", "Số điện thoại trùng với dòng 2 của tệp."}) {
		t.Fatalf("update: %+v", j)
	}
	var cu map[string]any
	admin.do("GET", "/v1/customers/"+old.ID, nil).ok(200).into(&cu)
	if cu["name"] != "Khách Cũ Đổi Tên" || cu["description"] != "Cập nhật từ tệp" || cu["email"] != "cu@example.vn" {
		t.Fatalf("the updated customer: %v (an empty cell leaves a value as it was)", cu)
	}

	for _, lang := range []string{"vi", "en"} {
		c := *admin
		c.lang = lang
		p := c.postFile("/v1/imports", "x.csv", file, map[string]string{"options": `{"duplicates":"create_anyway"}`}).problem(422)
		hasError(t, p, "options.duplicates", "duplicates_enforced")
		want := map[string]string{"vi": "Không thể tạo khách hàng trùng khi đang bật kiểm tra trùng (email, phone); hãy chọn skip hoặc update, hoặc tắt các tiêu chí đó.",
			"en": "Duplicates can't be created while the duplicate check is on (email, phone); choose skip or update, or turn those criteria off."}[lang]
		if p.Errors[0].Message != want {
			t.Fatalf("%s: %q", lang, p.Errors[0].Message)
		}
	}
	admin.do("PUT", "/v1/settings/duplicates", map[string]any{"criteria": []string{}}).ok(200)
	id = admin.startImport("ban-sao.csv", []byte("Họ và tên,SĐT\nBản Sao,0912000001\n"), map[string]string{"options": `{"duplicates":"create_anyway"}`})
	s.drain()
	if j := admin.importJob(id); j.Imported != 1 || j.Skipped != 0 {
		t.Fatalf("create_anyway: %+v", j)
	}
	same := 0
	for _, c := range admin.list("?limit=50").Items {
		if c.Phone == "+84912000001" {
			same++
		}
	}
	if same != 2 {
		t.Fatalf("%d customers with the phone, want the copy too", same)
	}
}

// Options place the new customers: a warehouse and step, or a
// distribution rule's rotation.
func TestImportIntoARule(t *testing.T) {
	s := start(t, false)
	admin, _ := s.workspace("Công ty Chia")
	staff := admin.user("Nhân Viên Chia", "staff")
	wh := admin.create("/v1/warehouses", map[string]any{"name": "Kho Nhập"})
	rule := admin.create("/v1/distribution-rules", map[string]any{"name": "Xoay vòng", "type": "round_robin", "warehouse_id": wh,
		"staff": []map[string]any{{"user_id": staff.userID}}})
	id := admin.startImport("chia.csv", []byte("Họ và tên,SĐT\nKhách Chia 1,0912000011\nKhách Chia 2,0912000012\n"),
		map[string]string{"options": fmt.Sprintf(`{"warehouse_id":%q,"distribution_rule_id":%q}`, wh, rule)})
	s.drain()
	if j := admin.importJob(id); j.Imported != 2 {
		t.Fatalf("%+v", j)
	}
	for _, cu := range admin.list("?limit=10").Items {
		if cu.OwnerID != staff.userID || cu.WarehouseID != wh {
			t.Fatalf("customer %+v, want given by the rule to %s in %s", cu, staff.userID, wh)
		}
	}
}

// A chunk delivered twice at once, a crash after a chunk's writes but
// before its checkpoint, and a write that reports failure after it
// happened: every row still takes effect once, and the counts are exact.
func TestImportChunkRedelivered(t *testing.T) {
	s := start(t, false)
	admin, _ := s.workspace("Công ty Giao Lại")
	const n = 1600
	rows := make([][]any, n)
	for i := range rows {
		rows[i] = []any{fmt.Sprintf("Khách %04d", i), fmt.Sprintf("0913%06d", i)}
	}
	id := admin.startImport("lai.xlsx", xlsxFile(t, []string{"Tên khách hàng", "Số điện thoại"}, rows), nil)
	s.stepJob() // prepares the rows
	msgs, err := s.app.Jobs.Waiting(t.Context())
	if err != nil || len(msgs) != 1 {
		t.Fatalf("waiting: %d, %v", len(msgs), err)
	}
	// Chunk 1, twice at once (SQS may deliver a message twice).
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			if err := s.app.Ticker.HandleJob(t.Context(), msgs[0]); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if j := admin.importJob(id); j.Processed != 500 || j.Imported != 500 {
		t.Fatalf("after chunk 1 twice: %+v", j)
	}
	// Chunk 2 crashes after its rows, before its checkpoint.
	var once sync.Once
	s.faults.set(func(w faultstore.Write) faultstore.Fault {
		if _, ok := w.PutsOf("import_job"); ok {
			f := faultstore.None
			once.Do(func() { f = faultstore.Before })
			return f
		}
		return faultstore.None
	})
	for s.stepJob() {
		if j := admin.importJob(id); j.Processed == 1000 {
			break
		}
	}
	// Chunk 3: a customer's write happens, then reports failure.
	var twice sync.Once
	s.faults.set(func(w faultstore.Write) faultstore.Fault {
		if _, ok := w.PutsOf("import_marker"); ok {
			f := faultstore.None
			twice.Do(func() { f = faultstore.After })
			return f
		}
		return faultstore.None
	})
	for range 10 {
		s.setClock(s.app.Clock.Now().Add(time.Hour)) // past every retry's backoff
		s.drain()
	}
	s.faults.set(nil)
	j := admin.importJob(id)
	if j.Status != "done" || j.Processed != n || j.Imported != n || j.Skipped != 0 || j.ErrorsTotal != 0 {
		t.Fatalf("import %+v", j)
	}
	count := 0
	for cursor := ""; ; {
		page := admin.list("?limit=500&cursor=" + cursor)
		count += len(page.Items)
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	if count != n {
		t.Fatalf("%d customers, want %d: a row took effect twice or not at all", count, n)
	}
}

// Anyone who may create customers may import: a staff member's customers
// are theirs, they see their own imports only, can't give customers to
// others nor update customers that aren't theirs; admins see every import.
func TestImportRBAC(t *testing.T) {
	s := start(t, false)
	admin, _ := s.workspace("Công ty Quyền")
	an := admin.user("Nhân Viên An", "staff")
	binh := admin.user("Nhân Viên Bình", "staff")
	theirs := binh.createCustomer(map[string]any{"name": "Khách Của Bình", "phone": "0914000001"})
	file := []byte("Họ và tên,SĐT\nKhách Của An,0914000002\nĐổi Tên Khách Bình,0914000001\n")
	id := an.startImport("an.csv", file, map[string]string{"options": `{"duplicates":"update"}`})
	s.drain()
	j := an.importJob(id)
	if j.UserID != an.userID || j.Imported != 1 || j.Updated != 0 || j.Skipped != 1 || j.Errors[0].Code != "duplicate_customer" {
		t.Fatalf("staff import: %+v", j)
	}
	for _, cu := range an.list("?limit=10").Items {
		if cu.Name != "Khách Của An" || cu.OwnerID != an.userID {
			t.Fatalf("an sees %+v", cu)
		}
	}
	var still customer
	binh.do("GET", "/v1/customers/"+theirs.ID, nil).ok(200).into(&still)
	if still.Name != "Khách Của Bình" {
		t.Fatalf("a staff member's import changed another's customer: %+v", still)
	}
	binh.do("GET", "/v1/imports/"+id, nil).problem(404)
	binh.do("GET", "/v1/imports/"+id+"/errors.xlsx", nil).problem(404)
	var page struct {
		Items []importJob `json:"items"`
	}
	binh.do("GET", "/v1/imports", nil).ok(200).into(&page)
	if len(page.Items) != 0 {
		t.Fatalf("binh lists %+v", page.Items)
	}
	an.do("GET", "/v1/imports", nil).ok(200).into(&page)
	if len(page.Items) != 1 || page.Items[0].ID != id {
		t.Fatalf("an lists %+v", page.Items)
	}
	admin.do("GET", "/v1/imports", nil).ok(200).into(&page)
	if len(page.Items) != 1 || page.Items[0].ID != id {
		t.Fatalf("the admin lists %+v", page.Items)
	}
	p := an.postFile("/v1/imports", "x.csv", file, map[string]string{"options": fmt.Sprintf(`{"owner_id":%q}`, binh.userID)}).problem(422)
	hasError(t, p, "options.owner_id", "owner_not_allowed")
	p = an.postFile("/v1/imports", "x.csv", file, map[string]string{"options": `{"distribution_rule_id":"dr_x"}`}).problem(422)
	hasError(t, p, "options.distribution_rule_id", "owner_not_allowed")
}

// An upload by link: a file too large for the API's payload limit goes to
// the link, the import names it; only its maker can.
func TestImportByUpload(t *testing.T) {
	s := start(t, false)
	admin, _ := s.workspace("Công ty Tải Lên")
	other := admin.user("Người Khác", "staff")
	var up struct {
		UploadID string `json:"upload_id"`
		URL      string `json:"url"`
		Method   string `json:"method"`
	}
	admin.do("POST", "/v1/imports/uploads", map[string]any{}).ok(201).into(&up)
	if status, body := get(t, up.Method, up.URL, []byte("Họ và tên,SĐT\nKhách Tải Lên,0915000001\n")); status != 200 {
		t.Fatalf("PUT %s: %d %s", up.URL, status, body)
	}
	other.do("POST", "/v1/imports", map[string]any{"upload_id": up.UploadID}).problem(422)
	var started struct{ ID string }
	admin.do("POST", "/v1/imports", map[string]any{"upload_id": up.UploadID, "file_name": "tai-len.csv"}).ok(202).into(&started)
	s.drain()
	if j := admin.importJob(started.ID); j.Status != "done" || j.Imported != 1 || j.FileName != "tai-len.csv" {
		t.Fatalf("%+v", j)
	}
	if status, _ := get(t, "PUT", strings.Replace(up.URL, "sig=", "sig=0", 1), []byte("x")); status != 403 {
		t.Fatalf("an altered link: %d, want 403", status)
	}
}

// A job whose message is lost (or whose sender crashed after its
// checkpoint) is sent again by the tick once it has not moved for
// StallAfter, and finishes; a file posted twice with one Idempotency-Key
// starts one import.
func TestImportResumesAfterALostMessage(t *testing.T) {
	s := start(t, false)
	admin, _ := s.workspace("Công ty Mất Tin")
	keyed := admin.with("Idempotency-Key", "nhap-1")
	file := []byte("Họ và tên,SĐT\nKhách Một,0917000001\nKhách Hai,0917000002\n")
	var first, again struct{ ID string }
	keyed.postFile("/v1/imports", "mat.csv", file, nil).ok(202).into(&first)
	r := keyed.postFile("/v1/imports", "mat.csv", file, nil).ok(202).into(&again)
	if again.ID != first.ID || r.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("the repeat started %s (replayed %q), want %s again", again.ID, r.Header.Get("Idempotent-Replayed"), first.ID)
	}
	// The job's first message is lost.
	if had, err := s.app.Jobs.HandleOne(t.Context(), func(context.Context, []byte) error { return nil }); !had || err != nil {
		t.Fatalf("no message to lose: %v", err)
	}
	s.drain()
	if j := admin.importJob(first.ID); j.Status != "queued" {
		t.Fatalf("without its message the job is %s", j.Status)
	}
	s.setClock(s.app.Clock.Now().Add(11 * time.Minute))
	s.drain()
	if j := admin.importJob(first.ID); j.Status != "done" || j.Imported != 2 {
		t.Fatalf("after the tick: %+v", j)
	}
	var page struct {
		Items []importJob `json:"items"`
	}
	admin.do("GET", "/v1/imports", nil).ok(200).into(&page)
	if len(page.Items) != 1 {
		t.Fatalf("%d imports, want the one", len(page.Items))
	}
}
