package customer

import (
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"tend/internal/domain"
)

// randomCustomer fills a customer's audited fields at random, empties
// included.
func randomCustomer(r *rand.Rand) *domain.Customer {
	pick := func(vals ...string) string { return vals[r.IntN(len(vals))] }
	tm := func() *time.Time {
		if r.IntN(3) == 0 {
			return nil
		}
		t := time.Date(2026, 1, 1+r.IntN(3), r.IntN(2), 0, 0, 0, time.UTC)
		return &t
	}
	list := func() []string {
		switch r.IntN(3) {
		case 0:
			return nil
		case 1:
			return []string{}
		}
		return []string{pick("a", "b"), pick("c", "d")}
	}
	c := &domain.Customer{
		ID: "c1", Version: int64(r.IntN(9)), Name: pick("", "An", "Bình"), Phone: pick("", "+84912345678"), Email: pick("", "a@b.vn"),
		Fax: pick("", "+842438251234"), TaxCode: pick("", "0101234567"), BusinessAddress: pick("", "x"), OfficeAddress: pick("", "y"),
		Description: pick("", "d"), WarehouseID: pick("", "wh1", "wh2"), OwnerID: pick("", "u1", "u2"), Source: pick("", "fb"),
		Code: pick("", "KH1"), Tags: list(), SharedWith: list(), EmailOptOut: r.IntN(2) == 0, SMSOptOut: r.IntN(2) == 0,
		Revenue: int64(r.IntN(2) * 5), PinnedAt: tm(), PinnedUntil: tm(), LastCareAt: tm(), NextAppointmentAt: tm(),
		LastOrderAt: tm(), DeletedAt: tm(), AssignedAt: tm(), OwnerCaredAt: tm(), UpdatedAt: *timeOr(tm()), CreatedAt: *timeOr(tm()),
	}
	if r.IntN(2) == 0 {
		c.Birthday = domain.Date{Year: 1990, Month: 1, Day: 1 + r.IntN(2)}
	}
	if r.IntN(3) > 0 {
		c.Fields = domain.Values{}
		for _, k := range []string{"k1", "k2", "k3"} {
			switch r.IntN(5) {
			case 0:
				c.Fields[k] = pick("", "v", "w")
			case 1:
				c.Fields[k] = float64(r.IntN(2))
			case 2:
				c.Fields[k] = r.IntN(2) == 0
			case 3:
				c.Fields[k] = list()
			}
		}
	}
	if r.IntN(3) > 0 {
		c.Pipelines = map[string]string{}
		for _, p := range []string{"p1", "p2"} {
			if r.IntN(2) == 0 {
				c.Pipelines[p] = pick("", "s1", "s2")
			}
		}
	}
	return c
}

func timeOr(t *time.Time) *time.Time {
	if t == nil {
		return &time.Time{}
	}
	return t
}

// diff says what the JSON oracle says, for new customers and for changes.
func TestDiffMatchesJSONOracle(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	asJSON := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for i := range 5000 {
		a, b := randomCustomer(r), randomCustomer(r)
		if i%5 == 0 {
			a = nil
		}
		if i%7 == 0 && a != nil {
			cp := copyCustomer(*a)
			b = &cp
		}
		got, want := asJSON(diff(a, b)), asJSON(jsonDiff(a, b))
		if got != want {
			t.Fatalf("case %d:\n got %s\nwant %s", i, got, want)
		}
	}
}
