// Package benchlists measures customer lists at a million customers: a
// bulk loader writes a workspace's customers straight into a SQLite file
// (the items the services would write, built by the packages that own
// them), cached between runs, and a runner times each kind of list request
// the sales teams make over it, counting the read units the heat meter
// charges. `make bench-lists` runs it at 1M; its test runs the same code
// at 2,000.
package benchlists

import (
	"fmt"
	"math/rand/v2"
	"time"

	"tend/internal/domain"
)

// Family names, most common first, with the share of customers who bear
// each (per mille): about 30% are Nguyễn, which makes the name's search
// token the hottest key a workspace has.
var families = []struct {
	name  string
	share int
}{
	{"Nguyễn", 300}, {"Trần", 110}, {"Lê", 95}, {"Phạm", 70}, {"Hoàng", 50}, {"Huỳnh", 40}, {"Phan", 40},
	{"Vũ", 40}, {"Võ", 35}, {"Đặng", 30}, {"Bùi", 30}, {"Đỗ", 30}, {"Hồ", 30}, {"Ngô", 30}, {"Dương", 25}, {"Lý", 25},
}

var (
	middles = []string{"Văn", "Thị", "Đức", "Minh", "Ngọc", "Thanh", "Hữu", "Quang", "Thu", "Kim"}
	givens  = []string{"An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng", "Hương",
		"Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phong", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang",
		"Tuấn", "Việt", "Vy", "Yến"}
)

// The customers the requests look for: one rare name, and the last
// customer (the oldest in the default order) carries a tag no one else has.
const (
	RareName = "Tôn Thất Thuyết"
	LastTag  = "cuoi-cung"
)

// Shape is who the customers belong to.
type Shape struct {
	Owners     []string // staff user ids; every 10th customer has no owner
	Warehouses []string
	Epoch      time.Time // the newest customer was created a minute before
}

// Customer is the i-th of n customers: the same for the same i, n and
// shape, so that a cached data set can be checked and a request aimed at
// one customer.
func Customer(i, n int, sh Shape) domain.Customer {
	r := rand.New(rand.NewPCG(uint64(i), 17))
	created := sh.Epoch.Add(-time.Duration(n-i) * time.Minute)
	c := domain.Customer{
		ID:        fmt.Sprintf("cus_bench%08d", i),
		Code:      fmt.Sprintf("KH%07d", i),
		Name:      name(r),
		Phone:     Phone(i),
		Source:    "bench",
		Tags:      []string{},
		Fields:    domain.Values{},
		Pipelines: map[string]string{},
		CreatedAt: created,
		UpdatedAt: created.Add(time.Duration(r.IntN(90*24)) * time.Hour),
		Version:   1,
	}
	if i == n/2 {
		c.Name = RareName
	}
	if i%3 != 0 {
		c.Email = Email(i)
	}
	if i%10 != 0 && len(sh.Owners) > 0 {
		c.OwnerID = sh.Owners[i%len(sh.Owners)]
	}
	if len(sh.Warehouses) > 0 {
		c.WarehouseID = sh.Warehouses[i%len(sh.Warehouses)]
	}
	if r.IntN(5) > 0 {
		c.Revenue = int64(r.IntN(500)+1) * 100_000
	}
	if r.IntN(10) < 7 {
		t := sh.Epoch.Add(-time.Duration(r.IntN(365*24)) * time.Hour)
		c.LastCareAt = &t
	}
	if r.IntN(5) == 0 {
		t := sh.Epoch.Add(time.Duration(r.IntN(60*24)) * time.Hour)
		c.NextAppointmentAt = &t
	}
	if r.IntN(100) == 0 {
		c.Tags = append(c.Tags, "vip")
	}
	if i == 0 {
		c.Tags = append(c.Tags, LastTag)
	}
	return c
}

// Phone is the i-th customer's phone number (all distinct).
func Phone(i int) string { return fmt.Sprintf("+849%08d", (i*7919+12345)%100_000_000) }

// Email is the i-th customer's email (every third customer has none).
func Email(i int) string { return fmt.Sprintf("kh%07d@example.vn", i) }

func name(r *rand.Rand) string {
	pick := r.IntN(1000)
	family := families[len(families)-1].name
	for _, f := range families {
		if pick < f.share {
			family = f.name
			break
		}
		pick -= f.share
	}
	return family + " " + middles[r.IntN(len(middles))] + " " + givens[r.IntN(len(givens))]
}
