package customer_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/tendtest"
	"tend/internal/workspace"
)

var now = time.Date(2026, 6, 15, 2, 0, 0, 0, time.UTC)

// testOrg makes a workspace with custom fields of every type and a
// pipeline, and returns its set-up.
func testOrg(tb testing.TB) *workspace.Org {
	tb.Helper()
	w := tendtest.MustOpen(tb, tendtest.Options{Name: "Fuzz", Clock: tendtest.NewClock(now)})
	w.Field("kind", "Loại", domain.TypeSelect, "VIP", "Thường")
	w.Field("hobbies", "Sở thích", domain.TypeMultiSelect, "golf", "wine")
	w.Field("score", "Điểm", domain.TypeNumber)
	w.Field("budget", "Ngân sách", domain.TypeMoney)
	w.Field("signed", "Ngày ký", domain.TypeDate)
	w.Field("seen", "Lần gặp", domain.TypeDateTime)
	w.Field("partner", "Đối tác", domain.TypeBoolean)
	w.Field("manager", "Quản lý", domain.TypeUser)
	w.Field("zalo", "Zalo", domain.TypePhone)
	w.Field("cc", "Email phụ", domain.TypeEmail)
	w.Field("note", "Ghi chú", domain.TypeText)
	w.Pipeline("P", "Mới")
	return w.Org()
}

// resubmit turns a previewed customer back into an input, keeping only
// what a client may write.
func resubmit(t *testing.T, c *domain.Customer) []byte {
	b, _ := json.Marshal(c)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	for _, k := range []string{"id", "code", "shared_with", "pinned_at", "pinned_until", "last_care_at", "revenue",
		"next_appointment_at", "last_order_at", "created_at", "updated_at", "version", "deleted_at", "assigned_at", "owner_cared_at"} {
		delete(m, k)
	}
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// FuzzCustomerInput: no body makes the parser or validator panic; every
// refusal names where; an accepted customer, sent again, is accepted and
// comes out the same (normalisation is stable).
func FuzzCustomerInput(f *testing.F) {
	for _, seed := range []string{
		`{"name":"Nguyễn Văn A","phone":"0912 345 678","email":"A@B.VN"}`,
		`{"name":"B","phone":"0168 123 4567","tax_code":"0101234567-001","birthday":"1990-02-28","tags":["a","A"," b "]}`,
		`{"name":"C","fields":{"kind":"VIP","hobbies":["golf","golf"],"score":1.5,"budget":100,"signed":"2026-01-01","seen":"2026-01-01T10:00:00+07:00","partner":true,"zalo":"0909000111","cc":"X@Y.VN","note":"  hi  "}}`,
		`{"name":"D","fields":{"kind":"Gold"}}`,
		`{"name":null}`, `{}`, `[]`, `"x"`, `{"name":"E","pipelines":{"p":"s"}}`, `{"name":"F","version":3}`,
		`{"name":"G","fields":{"budget":1.5}}`, `{"name":"H","email_opt_out":true,"sms_opt_out":false}`,
	} {
		f.Add([]byte(seed))
	}
	org := testOrg(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		in, err := customer.ParseInput(raw)
		if err == nil {
			_, err = in.Preview(org, now)
		}
		if err != nil {
			var de *domain.Error
			if !errors.As(err, &de) {
				t.Fatalf("error is not a user error: %v", err)
			}
			if errors.Is(err, domain.ErrInvalid) && len(de.Fields) == 0 {
				t.Fatalf("validation error without a path: %v", err)
			}
			for _, fe := range de.Fields {
				if fe.Path == "" || fe.Code == "" {
					t.Fatalf("field error without path or code: %+v", fe)
				}
			}
			return
		}
		first, _ := in.Preview(org, now)
		again, err := customer.ParseInput(resubmit(t, first))
		if err != nil {
			t.Fatalf("re-parse of an accepted customer: %v", err)
		}
		second, err := again.Preview(org, now)
		if err != nil {
			t.Fatalf("re-validation of an accepted customer: %v (from %s)", err, raw)
		}
		a, _ := json.Marshal(first)
		b, _ := json.Marshal(second)
		if string(a) != string(b) {
			t.Fatalf("normalisation is not stable:\n%s\n%s", a, b)
		}
	})
}
