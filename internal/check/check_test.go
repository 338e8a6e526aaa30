package check_test

import (
	"slices"
	"strings"
	"testing"

	"tend/internal/check"
	"tend/internal/domain"
)

func codes(p *domain.Problems) []string {
	var out []string
	for _, f := range p.Fields {
		out = append(out, f.Path+":"+f.Code)
	}
	return out
}

func TestChecks(t *testing.T) {
	tests := []struct {
		name string
		run  func(p *domain.Problems) string
		want string
		errs []string
	}{
		{"text trimmed", func(p *domain.Problems) string { return check.Text(p, "name", "  Hoa  ", 10, true) }, "Hoa", nil},
		{"text required", func(p *domain.Problems) string { return check.Text(p, "name", " ", 10, true) }, "", []string{"name:required"}},
		{"text too long in letters", func(p *domain.Problems) string { return check.Text(p, "name", "Nguyễn", 5, false) }, "Nguyễn", []string{"name:too_long"}},
		{"text on one line", func(p *domain.Problems) string { return check.Text(p, "name", "a\nb", 10, false) }, "a\nb", []string{"name:single_line"}},
		{"lines keep their breaks", func(p *domain.Problems) string { return check.Lines(p, "note", "a\n\tb", 10, false) }, "a\n\tb", nil},
		{"email lower-cased", func(p *domain.Problems) string { return check.Email(p, "email", " Lan@Example.VN ", true) }, "lan@example.vn", nil},
		{"email refused", func(p *domain.Problems) string { return check.Email(p, "email", "lan@", false) }, "lan@", []string{"email:invalid_email"}},
		{"phone normalised", func(p *domain.Problems) string { return check.Phone(p, "phone", "0912 345 678") }, "+84912345678", nil},
		{"legacy phone", func(p *domain.Problems) string { return check.Phone(p, "phone", "0169 876 5432") }, "+84398765432", nil},
		{"phone refused", func(p *domain.Problems) string { return check.Phone(p, "phone", "12") }, "12", []string{"phone:invalid_phone"}},
		{"dedupe", func(p *domain.Problems) string {
			return strings.Join(check.Dedupe([]string{" a", "b", "", "a"}), ",")
		}, "a,b", nil},
	}
	for _, tc := range tests {
		var p domain.Problems
		if got := tc.run(&p); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
		if got := codes(&p); !slices.Equal(got, tc.errs) {
			t.Errorf("%s: problems %v, want %v", tc.name, got, tc.errs)
		}
	}
	if check.Index("steps", 2) != "steps[2]" {
		t.Error("Index")
	}
}
