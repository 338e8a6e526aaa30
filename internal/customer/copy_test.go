package customer_test

import (
	"reflect"
	"testing"
	"time"

	"tend/internal/customer"
	"tend/internal/domain"
)

func fullCustomer() *domain.Customer {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	p := func() *time.Time { t := at; return &t }
	return &domain.Customer{ID: "c", Code: "KH1", Name: "A", Phone: "+84912345678", Email: "a@b.vn", Fax: "+842438251234",
		TaxCode: "0101234567", BusinessAddress: "x", OfficeAddress: "y", Birthday: domain.Date{Year: 1990, Month: 1, Day: 2},
		FoundingDate: domain.Date{Year: 2000, Month: 3, Day: 4}, Description: "d", WarehouseID: "wh", OwnerID: "u", Source: "s",
		Tags: []string{"t"}, EmailOptOut: true, SMSOptOut: true, Fields: domain.Values{"k": "v", "m": []string{"a"}, "n": 2.0},
		Pipelines: map[string]string{"p": "s"}, SharedWith: []string{"u2"}, PinnedAt: p(), PinnedUntil: p(), LastCareAt: p(),
		Revenue: 5, NextAppointmentAt: p(), LastOrderAt: p(), AssignedAt: p(), OwnerCaredAt: p(), CreatedAt: at, UpdatedAt: at, DeletedAt: p(), Version: 3}
}

// A copy is deep, and Same notices a change to any field a write
// can touch: every field of the struct is tried, so a field added later
// without being compared fails this test.
func TestCopyAndSameCustomer(t *testing.T) {
	orig := fullCustomer()
	cp := customer.Clone(orig)
	if !customer.Same(orig, cp) {
		t.Fatal("a copy differs from its original")
	}
	cp.Tags[0], cp.Pipelines["p"], cp.Fields["m"].([]string)[0] = "x", "x", "x"
	*cp.PinnedAt = cp.PinnedAt.Add(time.Hour)
	if orig.Tags[0] != "t" || orig.Pipelines["p"] != "s" || orig.Fields["m"].([]string)[0] != "a" || !orig.PinnedAt.Equal(*fullCustomer().PinnedAt) {
		t.Fatal("changing the copy changed the original")
	}
	bookkeeping := map[string]bool{"ID": true, "CreatedAt": true, "UpdatedAt": true, "Version": true}
	typ := reflect.TypeFor[domain.Customer]()
	for i := range typ.NumField() {
		f := typ.Field(i)
		if bookkeeping[f.Name] {
			continue
		}
		changed := fullCustomer()
		v := reflect.ValueOf(changed).Elem().Field(i)
		switch f.Type.Kind() {
		case reflect.String:
			v.SetString(v.String() + "!")
		case reflect.Bool:
			v.SetBool(!v.Bool())
		case reflect.Int64:
			v.SetInt(v.Int() + 1)
		case reflect.Slice:
			v.Set(reflect.ValueOf([]string{"other"}))
		case reflect.Map:
			if f.Type == reflect.TypeFor[domain.Values]() {
				v.Set(reflect.ValueOf(domain.Values{"k": "other"}))
			} else {
				v.Set(reflect.ValueOf(map[string]string{"p": "other"}))
			}
		case reflect.Pointer:
			v.Set(reflect.Zero(f.Type))
		case reflect.Struct:
			v.Set(reflect.ValueOf(domain.Date{Year: 1999, Month: 9, Day: 9}))
		default:
			t.Fatalf("field %s of kind %s: teach this test to change it", f.Name, f.Type.Kind())
		}
		if customer.Same(fullCustomer(), changed) {
			t.Errorf("Same misses a change of %s", f.Name)
		}
	}
}
