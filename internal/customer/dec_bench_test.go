package customer_test

import (
	"encoding/json"
	"tend/internal/customer"
	"tend/internal/store"
	"testing"
)

func BenchmarkDecodeCustomer(b *testing.B) {
	doc := []byte(`{"id":"cus_5k2m9x0q4d7r1t3v","code":"KH000123","name":"Khách hàng 123","phone":"+84900000123","email":"kh123@example.vn","fax":"","tax_code":"","business_address":"","office_address":"","birthday":"1990-04-12","founding_date":null,"description":"","warehouse_id":"","owner_id":"usr_x","source":"","tags":["t23"],"email_opt_out":false,"sms_opt_out":false,"fields":{"customer_type":"Thường"},"pipelines":{},"shared_with":[],"pinned_at":null,"pinned_until":null,"last_care_at":null,"revenue":0,"next_appointment_at":null,"last_order_at":null,"created_at":"2026-03-01T00:00:00Z","updated_at":"2026-03-01T00:00:00Z","version":1,"tenant_id":"ws_x","claims":{"email":"kh123@example.vn"}}`)
	var sink any
	b.ReportAllocs()
	for range b.N {
		im, err := customer.DecodeImage(store.Item{Type: "customer", Doc: doc})
		if err != nil {
			b.Fatal(err)
		}
		sink = im
	}
	_ = sink
	_ = json.Valid
}
