package awspath_test

import (
	"fmt"
	"testing"
	"time"

	"tend/internal/reports"
)

// The reports on AWS (moto): a customer created through the api function
// reaches the counters through the stream function, a record of the stream
// delivered twice counts once, and a rebuild started through the api
// function runs on the jobs function and counts the same.
func TestReportsOnTheAWSPath(t *testing.T) {
	s := deploy(t, time.Date(2026, 11, 23, 7, 0, 0, 0, hanoi), nil)
	spa := openSpa(t, s)
	s.settle()

	var cu struct {
		ID string `json:"id"`
	}
	body := fmt.Sprintf(`{"name":"Khách của Chị Lan","owner_id":%q,"warehouse_id":%q,"source":"Zalo","pipelines":{%q:%q}}`,
		spa.staff.ID, spa.warehouse, spa.pipeline, spa.step)
	if status := s.apiCall("POST", "/v1/customers", body, &cu); status != 201 {
		t.Fatalf("create customer: %d", status)
	}
	records := s.streamRecords()
	if len(records) == 0 {
		t.Fatal("the stream carried nothing for the new customer")
	}
	want := reports.OwnerFigures{Owned: 1, New: 1}
	owned := func(when string) {
		t.Helper()
		var got reports.Owners
		if status := s.apiCall("GET", "/v1/reports/owners", "", &got); status != 200 {
			t.Fatalf("owners report: %d", status)
		}
		for _, r := range got.Rows {
			if r.UserID == spa.staff.ID {
				if r.OwnerFigures != want {
					t.Errorf("%s: %s's figures %+v, want %+v", when, r.UserName, r.OwnerFigures, want)
				}
				return
			}
		}
		t.Errorf("%s: no row for %s in %+v", when, spa.staff.ID, got.Rows)
	}
	s.deliverStream(records)
	s.settle()
	owned("delivered once")
	s.deliverStream(records)
	owned("delivered twice")

	var rb reports.Rebuild
	if status := s.apiCall("POST", "/v1/reports/rebuild", "", &rb); status != 202 || rb.Status != "running" {
		t.Fatalf("rebuild: %d %+v", status, rb)
	}
	s.settle()
	if status := s.apiCall("GET", "/v1/reports/rebuild/"+rb.ID, "", &rb); status != 200 || rb.Status != "done" || rb.Counted != 1 {
		t.Fatalf("rebuild after the jobs ran: %d %+v, want done with the one customer counted", status, rb)
	}
	owned("rebuilt")
}
