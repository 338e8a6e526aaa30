package localrun_test

import (
	"fmt"
	"net/url"
	"sync"
	"testing"
)

func TestDuplicateCheck(t *testing.T) {
	s := start(t, false)
	admin, _ := s.workspace("Check trùng")
	owner := admin.user("Chị Xuân", "staff")
	var res struct {
		Criteria           []string       `json:"criteria"`
		ExistingDuplicates map[string]int `json:"existing_duplicates"`
	}
	admin.do("PUT", "/v1/settings/duplicates", map[string]any{"criteria": []string{"email", "phone", "tax_code", "name"}}).ok(200).into(&res)
	a := admin.createCustomer(map[string]any{"name": "Anh A", "email": "anha@gmail.com", "phone": "0912 345 678",
		"tax_code": "0101234567", "owner_id": owner.userID})

	tests := []struct {
		name, lang string
		body       map[string]any
		path, msg  string
	}{
		{"email, Vietnamese", "vi", map[string]any{"name": "B", "email": "ANHA@gmail.com"}, "email",
			"Email đã tồn tại trong khách hàng Anh A thuộc chủ sở hữu Chị Xuân"},
		{"email, English", "en", map[string]any{"name": "B", "email": "anha@gmail.com"}, "email",
			"Email already exists in customer Anh A owned by Chị Xuân"},
		{"phone written otherwise", "vi", map[string]any{"name": "B", "phone": "+84 912.345.678"}, "phone",
			"Số điện thoại đã tồn tại trong khách hàng Anh A thuộc chủ sở hữu Chị Xuân"},
		{"tax code", "en", map[string]any{"name": "B", "tax_code": "0101234567"}, "tax_code",
			"Tax code already exists in customer Anh A owned by Chị Xuân"},
		{"name without case or accents", "vi", map[string]any{"name": "anh  a"}, "name",
			"Tên khách hàng đã tồn tại trong khách hàng Anh A thuộc chủ sở hữu Chị Xuân"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := *admin
			c.lang = tc.lang
			p := c.do("POST", "/v1/customers", tc.body).problem(409)
			if p.Code != "duplicate_customer" || p.Detail != tc.msg {
				t.Fatalf("got %s %q, want %q", p.Code, p.Detail, tc.msg)
			}
			hasError(t, p, tc.path, "duplicate_customer")
		})
	}

	// An edit that collides is refused and changes nothing.
	b := admin.createCustomer(map[string]any{"name": "Chị B", "email": "b@gmail.com"})
	admin.do("PATCH", "/v1/customers/"+b.ID, map[string]any{"email": "anha@gmail.com", "name": "Chị B mới"}).problem(409)
	admin.do("GET", "/v1/customers/"+b.ID, nil).ok(200).into(&b)
	if b.Email != "b@gmail.com" || b.Name != "Chị B" {
		t.Fatalf("a refused edit changed the customer: %+v", b)
	}
	// A customer without an owner is named as such.
	admin.createCustomer(map[string]any{"name": "Vô chủ", "email": "free@gmail.com"})
	if p := admin.do("POST", "/v1/customers", map[string]any{"name": "C", "email": "free@gmail.com"}).problem(409); p.Detail != "Email đã tồn tại trong khách hàng Vô chủ (chưa có chủ sở hữu)" {
		t.Fatalf("unowned holder: %q", p.Detail)
	}
	// Deleting the holder frees the value; restoring it then collides.
	admin.do("DELETE", "/v1/customers/"+a.ID, nil).ok(204)
	taker := admin.createCustomer(map[string]any{"name": "Người mới", "email": "anha@gmail.com"})
	admin.do("POST", "/v1/customers/"+a.ID+"/restore", nil).problem(409)
	admin.do("DELETE", "/v1/customers/"+taker.ID, nil).ok(204)
	admin.do("POST", "/v1/customers/"+a.ID+"/restore", nil).ok(200)

	// Without the criterion, duplicates are allowed; enabling it again
	// reports the ones that exist.
	admin.do("PUT", "/v1/settings/duplicates", map[string]any{"criteria": []string{"phone"}}).ok(200)
	admin.createCustomer(map[string]any{"name": "Trùng email", "email": "anha@gmail.com"})
	admin.do("PUT", "/v1/settings/duplicates", map[string]any{"criteria": []string{"phone", "email"}}).ok(200).into(&res)
	if res.ExistingDuplicates["email"] != 1 {
		t.Fatalf("existing email duplicates = %v, want 1", res.ExistingDuplicates)
	}
	admin.do("POST", "/v1/customers", map[string]any{"name": "Lần nữa", "email": "anha@gmail.com"}).problem(409)
	p := admin.do("PUT", "/v1/settings/duplicates", map[string]any{"criteria": []string{"email", "shoe_size"}}).problem(422)
	hasError(t, p, "criteria[1]", "unknown_criterion")
}

// Two creates of the same email can never both succeed: of 50 at once,
// exactly one gets 201.
func TestDuplicateRace(t *testing.T) {
	s := start(t, false)
	admin, _ := s.workspace("Đua")
	const racers = 50
	statuses := make(chan int, racers)
	var wg sync.WaitGroup
	for i := range racers {
		wg.Go(func() {
			r := admin.do("POST", "/v1/customers", map[string]any{"name": fmt.Sprintf("Racer %d", i), "email": "same@example.vn"})
			statuses <- r.Status
		})
	}
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for st := range statuses {
		count[st]++
	}
	if count[201] != 1 || count[409] != racers-1 {
		t.Fatalf("statuses = %v, want one 201 and %d 409", count, racers-1)
	}
	if got := admin.list("?q=" + url.QueryEscape("same@example.vn")); len(got.Items) != 1 {
		t.Fatalf("%d customers with the email, want 1", len(got.Items))
	}
}

// Legacy 11-digit mobile numbers are stored in their new 10-digit form, so
// an old and a new spelling of one number are the same customer.
func TestLegacyPhoneNumbers(t *testing.T) {
	s := start(t, false)
	admin, _ := s.workspace("Số cũ")
	tests := []struct{ in, want string }{
		{"0168 123 4567", "+84381234567"},
		{"01203456789", "+84703456789"},
		{"0121.345.6789", "+84793456789"},
		{"+84 129 345 6789", "+84823456789"},
		{"0199 345 6789", "+84593456789"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			cu := admin.createCustomer(map[string]any{"name": "Khách " + tc.in, "phone": tc.in})
			if cu.Phone != tc.want {
				t.Fatalf("phone = %s, want %s", cu.Phone, tc.want)
			}
			p := admin.do("POST", "/v1/customers", map[string]any{"name": "Trùng " + tc.in, "phone": "0" + tc.want[3:]}).problem(409)
			hasError(t, p, "phone", "duplicate_customer")
		})
	}
	got := admin.list("?filter=" + url.QueryEscape(`[[{"field":"phone","op":"eq","value":"0168 123 4567"}]]`))
	if len(got.Items) != 1 || got.Items[0].Phone != "+84381234567" {
		t.Fatalf("filter by the legacy number found %v", got.Items)
	}
}
