package main

import (
	"strings"
	"testing"
)

func TestReport(t *testing.T) {
	lines := func(events ...string) string { return strings.Join(events, "\n") + "\n" }
	pass := `{"Action":"pass","Package":"tend/internal/sqlite","Test":"TestConformance/PutGetRoundTrip"}`
	pkg := `{"Action":"pass","Package":"tend/internal/sqlite","Elapsed":0.2}`
	skip := `{"Action":"skip","Package":"tend/internal/dynamo","Test":"TestConformance"}`
	fail := `{"Action":"fail","Package":"tend/internal/customer","Test":"TestX"}`
	tests := []struct {
		name, in string
		ci       bool
		code     int
		contains string
	}{
		{"all pass", lines(pass, pkg), true, 0, "PASS sqlite TestConformance/PutGetRoundTrip"},
		{"skip outside CI", lines(pass, skip, pkg), false, 0, "SKIP tend/internal/dynamo TestConformance"},
		{"skip in CI", lines(pass, skip, pkg), true, 1, "skipped tests are not allowed"},
		{"failure", lines(fail, pkg), false, 1, "FAIL tend/internal/customer TestX"},
		{"build output passes through", lines("# tend/internal/x", pkg), false, 0, "# tend/internal/x"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out strings.Builder
			code, err := report(strings.NewReader(tc.in), &out, tc.ci)
			if err != nil || code != tc.code || !strings.Contains(out.String(), tc.contains) {
				t.Fatalf("code %d (err %v), want %d; output:\n%s\nwant it to contain %q", code, err, tc.code, out.String(), tc.contains)
			}
		})
	}
}
