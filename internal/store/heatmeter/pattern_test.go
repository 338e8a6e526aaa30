package heatmeter_test

import (
	"testing"

	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/store/heatmeter"
	"tend/internal/workspace"
)

// Real keys, as Tend's stores build them (exported key functions where
// there are some, the shapes of internal/*/keys.go otherwise), map to
// their patterns.
func TestPattern(t *testing.T) {
	ws, cus, usr := domain.NewID("ws"), domain.NewID("cus"), domain.NewID("usr")
	rule, drule := domain.NewID("rule"), domain.NewID("drule")
	tests := []struct {
		pk, want string
	}{
		{"T#" + ws, "T#{tenant}"},
		{workspace.CounterKey(ws, "customer_code").PK, "T#{tenant}#CTR"},
		{"T#" + ws + "#C#" + cus, "T#{tenant}#C#{customer}"},
		{customer.AllPK(ws, 7), "T#{tenant}#CS#{n}"},
		{customer.OwnerPKs(ws, usr)[7], "T#{tenant}#OWN#{user}#{n}"},
		{customer.WarehousePKs(ws, "wh_demo1")[7], "T#{tenant}#WH#{warehouse}#{n}"},
		{customer.SharePK(ws, usr), "T#{tenant}#SH#{user}"},
		{customer.PinnedPK("ws_demo"), "T#{tenant}#PIN"},
		{"T#" + ws + "#UNQ#phone#+84901234567", "T#{tenant}#UNQ#phone#{value}"},
		{"T#" + ws + "#UNQ#email#an@example.vn", "T#{tenant}#UNQ#email#{value}"},
		{"T#" + ws + "#UNQ#tax_code", "T#{tenant}#UNQ#tax_code"},
		{"T#" + ws + "#RLOG#" + rule, "T#{tenant}#RLOG#{rule}"},
		{"T#" + ws + "#DSLOT#" + drule, "T#{tenant}#DSLOT#{drule}"},
		{"T#" + ws + "#DCTR", "T#{tenant}#DCTR"},
		{"T#" + ws + "#BDAY#11", "T#{tenant}#BDAY#{n}"},
		{"T#" + ws + "#RPT#2026#D#2026-11-25", "T#{tenant}#RPT#{n}#D#{date}"},
		{"LEADSRC#" + domain.NewID("src") + "#SEEN#0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "LEADSRC#{source}#SEEN#{hash}"},
		{"SUBJECT#an@example.vn", "SUBJECT#{email}"},
		{"SUBINV#2026-11-25T08:00:00.000000000Z", "SUBINV#{time}"},
		{"T#" + ws + "#RPTA#C:" + cus, "T#{tenant}#RPTA#C:{customer}"},
		{"T#" + ws + "#CFLOG#" + domain.NewID("cf"), "T#{tenant}#CFLOG#{cf}"},
	}
	for _, tc := range tests {
		if got := heatmeter.Pattern(tc.pk); got != tc.want {
			t.Errorf("Pattern(%q) = %q, want %q", tc.pk, got, tc.want)
		}
	}
	if got := heatmeter.PartPattern(heatmeter.Part{Index: "GSI2", PK: customer.OwnerPKs(ws, usr)[0]}); got != "GSI2 T#{tenant}#OWN#{user}#{n}" {
		t.Errorf("PartPattern of an index key = %q", got)
	}
}
