package custindex_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"tend/internal/custindex"
	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/store/heatmeter"
	"tend/internal/tendtest"
)

// A burst of creates into one workspace where 30% of customers are called
// Nguyễn, as DynamoDB would bill it. A create writes about seven token
// items (three name words, the code, the e-mail, the phone forwards and
// backwards) and one item per sort field, each twice as a transaction is
// billed. Were a token its own partition, "nguyen" would take 30% of the
// creates' token writes (0.6 units a create): 1,700 creates a second. The
// shard of every entry is its customer's, not its value's, so the tokens
// spread evenly whatever the names: each shard takes about its share.
//
// The counts: at 14 token units a create, evenly spread, 16 token shards
// take 1,100 creates a second, 64 take 4,500, 128 take 9,100: the 5,000
// leads a second of make capacity's leads_per_workspace with room for the
// hottest shard of a burst (every search reads each shard, so no more). A
// sort field takes 2 units a create: 16 shards take 8,000; updated_at,
// moved by every change (a lead is written three times), takes 64.
func TestBurstOfCreatesSpreadsOverTheShards(t *testing.T) {
	ctx := t.Context()
	clock := tendtest.NewClock(time.Date(2026, 5, 4, 2, 0, 0, 0, time.UTC))
	w := tendtest.MustOpen(t, tendtest.Options{Name: "Nhà Nguyễn", Clock: clock})
	meter := heatmeter.New(w.DB)
	svc := customer.New(meter, clock, nil)
	o := w.Org()
	actor := domain.Actor{Kind: "system", ID: "import", Name: "Import"}
	rng := rand.New(rand.NewPCG(4, 30))
	families := []string{"Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"}
	middles := []string{"Văn", "Thị", "Minh", "Đức", "Thu", "Ngọc"}
	givens := []string{"An", "Bình", "Chi", "Dũng", "Hà", "Hải", "Hùng", "Lan", "Linh", "Mai", "Nam", "Phương", "Quang", "Trang", "Tuấn"}
	const creates = 1600
	for i := range creates {
		family := "Nguyễn"
		if i%10 >= 3 {
			family = families[rng.IntN(len(families))]
		}
		name := family + " " + middles[rng.IntN(len(middles))] + " " + givens[rng.IntN(len(givens))]
		in, err := customer.ParseInput(fmt.Appendf(nil, `{"name":%q,"phone":"0912%06d","email":"khach%d@example.vn"}`, name, i, i))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.CreateCustomerAs(ctx, o, in, actor, nil); err != nil {
			t.Fatal(err)
		}
	}
	want := map[string]int{"GSI1 T#{tenant}#TOK#{n}": custindex.TokenShards, "GSI1 T#{tenant}#PHN#{n}": custindex.PhoneShards}
	for _, f := range custindex.SortFields {
		want["GSI1 T#{tenant}#SRT#"+f+"#{n}"] = custindex.ShardsOf(f)
	}
	for _, r := range heatmeter.Report(meter.Charges(), creates) {
		shards, ok := want[r.Pattern]
		if !ok {
			continue
		}
		delete(want, r.Pattern)
		even := float64(shards) * heatmeter.PartitionWCU / r.WritePerWork
		t.Logf("%s: %.1f units a create over %d shards: %.0f creates/s evenly spread, %.0f measured (hottest shard %.1f× its share)",
			r.Pattern, r.WritePerWork, r.Keys, even, r.Ceiling, r.HotShare*float64(shards))
		const least = 5000.0
		// Ids are random: a shard or two of 256 may get none of the sample.
		// The hottest shard of a sample this size holds up to about three
		// times its share over 256 shards (six creates a shard on
		// average): what the hash gives, not the names, which would put
		// 30% of the writes (38 shares) on one.
		if r.Keys < shards*9/10 || even < least || r.HotShare*float64(shards) > 3 {
			t.Errorf("%s: %d keys of %d, %.0f creates/s evenly spread (want %.0f), hottest %s with %.1f× its share", r.Pattern, r.Keys, shards, even, least, r.HotKey, r.HotShare*float64(shards))
		}
	}
	for p := range want {
		t.Errorf("pattern %s never written", p)
	}
}
