package localrun_test

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// importRow is what the test knows of one generated row.
type importRow struct {
	kind  string // good, bad_phone, bad_date, bad_option, dup_file, dup_existing
	cells []any
	of    int // dup_file: the earlier row's index
}

// ownLayout generates n rows in a user's own layout: Vietnamese headers
// in another order than the template's, dates written dd/mm/yyyy or as
// date cells, legacy 11-digit and zero-less phone numbers, money with
// thousands dots or as numbers, select values without diacritics. Of
// every 100 rows, 3 are bad (a phone, a date, an option), 2 repeat the
// phone of an earlier good row and 1 the phone of an existing customer.
func ownLayout(n int, existing []string) ([]string, []importRow) {
	header := []string{"Ngày sinh", "SĐT", "Họ và tên", "Hạng thẻ", "E-mail", "Doanh số", "Ghi chú"}
	rows := make([]importRow, n)
	for i := range rows {
		var birthday any = fmt.Sprintf("%02d/%02d/%d", 1+i%28, 1+i%12, 1960+i%40)
		if i%2 == 1 {
			birthday = time.Date(1960+i%40, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC)
		}
		phone := fmt.Sprintf("091%07d", i)
		switch i % 10 {
		case 5:
			phone = fmt.Sprintf("0168%07d", i) // legacy: 0168 is now 038
		case 7:
			phone = fmt.Sprintf("91%07d", i) // Excel dropped the leading zero
		}
		var money any = "1.500.000"
		if i%2 == 1 {
			money = 2500000
		}
		r := importRow{kind: "good"}
		option := []string{"vang", "Bạc", "kim cuong"}[i%3]
		switch i % 100 {
		case 0:
			r.kind, phone = "bad_phone", "12345"
		case 1:
			r.kind, birthday = "bad_date", "31/02/1990"
		case 2:
			r.kind, option = "bad_option", "Bạch kim"
		case 50, 51:
			r.kind, r.of = "dup_file", i-40
			phone = rows[i-40].cells[1].(string)
		case 70:
			r.kind, phone = "dup_existing", existing[(i/100)%len(existing)]
		}
		r.cells = []any{birthday, phone, fmt.Sprintf("Nguyễn Văn %d", i), option, fmt.Sprintf("kh%05d@example.vn", i), money,
			fmt.Sprintf("Khách số %d", i)}
		rows[i] = r
	}
	return header, rows
}

// A 10,000-row file in the user's own layout imports exactly as expected:
// the good rows imported with every value parsed, the bad ones refused
// and the duplicates (of an earlier row, or of a customer) skipped, each
// reported on its row; progress shows as the job goes chunk by chunk; the
// refused rows, fixed in the errors file, import on their own.
func TestImportOwnLayout(t *testing.T) {
	s := start(t, false)
	admin, _ := s.workspace("Công ty Nhập")
	admin.create("/v1/fields", map[string]any{"key": "hang_the", "label": "Hạng thẻ", "type": "select", "options": []string{"Vàng", "Bạc", "Kim cương"}})
	admin.create("/v1/fields", map[string]any{"key": "doanh_so", "label": "Doanh số", "type": "money"})
	existing := make([]string, 100)
	existingID := map[string]string{}
	for k := range existing {
		existing[k] = fmt.Sprintf("0987%06d", k)
		cu := admin.createCustomer(map[string]any{"name": fmt.Sprintf("Khách Cũ %d", k), "phone": existing[k]})
		existingID[existing[k]] = cu.ID
	}
	const n = 10_000
	header, rows := ownLayout(n, existing)
	cells := make([][]any, n)
	for i, r := range rows {
		cells[i] = r.cells
	}
	id := admin.startImport("khach-hang.xlsx", xlsxFile(t, header, cells), nil)

	// Step through the job one message at a time: the first prepares the
	// rows, each next imports a chunk of 500.
	var seen []int
	for s.stepJob() {
		j := admin.importJob(id)
		if j.Status == "done" || j.Processed > 0 {
			seen = append(seen, j.Processed)
		}
	}
	if want := n / 500; len(seen) != want || !slices.IsSorted(seen) || seen[0] != 500 || seen[len(seen)-1] != n {
		t.Fatalf("processed after each chunk: %v, want %d steps of 500 up to %d", seen, want, n)
	}
	s.drain()
	j := admin.importJob(id)
	const bad, dupFile, dupExisting = 300, 200, 100
	if j.Status != "done" || j.Total != n || j.Processed != n || j.Imported != n-bad-dupFile-dupExisting || j.Updated != 0 ||
		j.Skipped != dupFile+dupExisting || j.Refused != bad || j.ErrorsTotal != bad+dupFile+dupExisting {
		t.Fatalf("import %+v", struct {
			Status                                                        string
			Total, Processed, Imported, Updated, Skipped, Refused, Errors int
		}{j.Status, j.Total, j.Processed, j.Imported, j.Updated, j.Skipped, j.Refused, j.ErrorsTotal})
	}
	// The report, row by row, in the workspace's language.
	var want []rowError
	for i, r := range rows {
		line := i + 2
		switch r.kind {
		case "bad_phone":
			want = append(want, rowError{line, "phone", "SĐT", "invalid_phone", "Số điện thoại không hợp lệ."})
		case "bad_date":
			want = append(want, rowError{line, "birthday", "Ngày sinh", "cell_not_a_date", `"31/02/1990" không phải là ngày (ghi dd/mm/yyyy, ví dụ 20/12/1990).`})
		case "bad_option":
			want = append(want, rowError{line, "fields.hang_the", "Hạng thẻ", "not_an_option", `"Bạch kim" không phải là một lựa chọn của trường này.`})
		case "dup_file":
			want = append(want, rowError{line, "phone", "SĐT", "duplicate_in_file", fmt.Sprintf("Số điện thoại trùng với dòng %d của tệp.", r.of+2)})
		case "dup_existing":
			k := (i / 100) % len(existing)
			want = append(want, rowError{line, "phone", "SĐT", "duplicate_customer",
				fmt.Sprintf("Số điện thoại đã tồn tại trong khách hàng Khách Cũ %d (chưa có chủ sở hữu)", k)})
		}
	}
	if !slices.Equal(j.Errors, want) {
		for i := range min(len(j.Errors), len(want)) {
			if j.Errors[i] != want[i] {
				t.Fatalf("error %d of %d: got %+v, want %+v", i, len(want), j.Errors[i], want[i])
			}
		}
		t.Fatalf("%d errors, want %d", len(j.Errors), len(want))
	}
	en := *admin
	en.lang = "en"
	if e := en.importJob(id).Errors[0]; e.Message != "Not a valid phone number." {
		t.Fatalf("in English: %+v", e)
	}

	// The customers, every value as the API would hold it.
	byPhone := map[string]customer{}
	for cursor := ""; ; {
		page := admin.list("?limit=500&cursor=" + cursor)
		for _, cu := range page.Items {
			byPhone[cu.Phone] = cu
		}
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	if len(byPhone) != len(existing)+j.Imported {
		t.Fatalf("%d customers, want %d", len(byPhone), len(existing)+j.Imported)
	}
	for _, tc := range []struct {
		i               int
		phone, birthday string
		option          string
		money           float64
	}{
		{3, "+84910000003", "1963-04-04", "Vàng", 2500000},
		{4, "+84910000004", "1964-05-05", "Bạc", 1500000},
		{5, "+84380000005", "1965-06-06", "Kim cương", 2500000},
		{7, "+84910000007", "1967-08-08", "Bạc", 2500000},
	} {
		cu, ok := byPhone[tc.phone]
		if !ok {
			t.Fatalf("row %d: no customer with phone %s", tc.i, tc.phone)
		}
		var full map[string]any
		admin.do("GET", "/v1/customers/"+cu.ID, nil).ok(200).into(&full)
		if cu.Name != fmt.Sprintf("Nguyễn Văn %d", tc.i) || full["birthday"] != tc.birthday || cu.Fields["hang_the"] != tc.option ||
			cu.Fields["doanh_so"] != tc.money || cu.Email != fmt.Sprintf("kh%05d@example.vn", tc.i) || full["description"] != fmt.Sprintf("Khách số %d", tc.i) {
			t.Fatalf("row %d imported as %+v", tc.i, full)
		}
	}
	// The history names the import.
	var hist struct {
		Items []struct {
			Actor struct{ Kind, ID string } `json:"actor"`
		} `json:"items"`
	}
	admin.do("GET", "/v1/customers/"+byPhone["+84910000003"].ID+"/history", nil).ok(200).into(&hist)
	if len(hist.Items) == 0 || hist.Items[len(hist.Items)-1].Actor.Kind != "import" || hist.Items[len(hist.Items)-1].Actor.ID != id {
		t.Fatalf("history %+v, want the import %s as the author", hist.Items, id)
	}

	// The errors file: the refused rows as written, and what is wrong.
	r := admin.do("GET", "/v1/imports/"+id+"/errors.xlsx", nil).ok(200)
	gotHeader, errRows := readSheet(t, r.Body)
	if !slices.Equal(gotHeader, append(slices.Clone(header), "Lỗi")) || len(errRows) != bad {
		t.Fatalf("errors file: header %q, %d rows; want %q + Lỗi, %d rows", gotHeader, len(errRows), header, bad)
	}
	fixed := make([][]any, len(errRows))
	for k, row := range errRows {
		if row[2] != fmt.Sprintf("Nguyễn Văn %d", []int{0, 1, 2}[k%3]+(k/3)*100) {
			t.Fatalf("errors file row %d: %q", k, row)
		}
		if row[7] != want[0].Message && row[7] != want[1].Message && row[7] != want[2].Message {
			t.Fatalf("errors file row %d says %q", k, row[7])
		}
		out := make([]any, len(row))
		for c, v := range row {
			out[c] = v
		}
		out[0], out[1], out[3] = "01/01/1990", fmt.Sprintf("093%07d", k), "Vàng"
		fixed[k] = out
	}
	id2 := admin.startImport("khach-hang-sua.xlsx", xlsxFile(t, gotHeader, fixed), nil)
	s.drain()
	j2 := admin.importJob(id2)
	if j2.Status != "done" || j2.Imported != bad || j2.Refused != 0 || j2.Skipped != 0 || len(j2.Errors) != 0 || j2.Mapping["Lỗi"] != nil {
		t.Fatalf("the fixed errors file imported as %+v", j2)
	}
}
