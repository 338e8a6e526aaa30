package domain_test

import (
	"strings"
	"testing"

	"tend/internal/domain"
)

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Nguyễn Văn Ánh", "nguyen van anh"},
		{"  ĐẶNG   thu\tHÀ ", "dang thu ha"},
		{"Nguye\u0302\u0303n", "nguyen"}, // decomposed accents
		{"Trường", "truong"},
		{"ABC@Example.VN", "abc@example.vn"},
	}
	for _, tc := range tests {
		if got := domain.Fold(tc.in); got != tc.want {
			t.Errorf("Fold(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// The on-the-fly comparisons agree with folding both sides, on plain ASCII
// (the fast path) and on everything else.
func TestFoldedComparisons(t *testing.T) {
	values := []string{"Nguyễn Văn Ánh", "anh@Example.vn", "Facebook", "khách  quen", "A", "", " x", "Đà Nẵng", "abc abc"}
	needles := []string{"nguyen", "van anh", "example.vn", "@example.vn", "facebook", "khach quen", "a", "", "da nang", "abc", "x"}
	for _, v := range values {
		f := domain.Fold(v)
		for _, n := range needles {
			checks := []struct {
				name      string
				got, want bool
			}{
				{"contains", domain.FoldedContains(v, n), strings.Contains(f, n)},
				{"prefix", domain.FoldedHasPrefix(v, n), strings.HasPrefix(f, n)},
				{"suffix", domain.FoldedHasSuffix(v, n), strings.HasSuffix(f, n)},
				{"equal", domain.FoldedEqual(v, n), f == n},
			}
			for _, c := range checks {
				if c.got != c.want {
					t.Errorf("%s(%q, %q) = %v, want %v", c.name, v, n, c.got, c.want)
				}
			}
		}
	}
}

func FuzzFoldedContains(f *testing.F) {
	f.Add("Nguyễn Văn Ánh", "van")
	f.Add("a  b", "a b")
	f.Add("Khách hàng 5", "khach hang 97")
	f.Add("  Tab\tX ", "tab x")
	f.Fuzz(func(t *testing.T, s, needle string) {
		n := domain.Fold(needle)
		fs := domain.Fold(s)
		if got, want := domain.FoldedContains(s, n), strings.Contains(fs, n); got != want {
			t.Fatalf("FoldedContains(%q, %q) = %v, want %v", s, n, got, want)
		}
		if got, want := domain.FoldedEqual(s, n), fs == n; got != want {
			t.Fatalf("FoldedEqual(%q, %q) = %v, want %v", s, n, got, want)
		}
		if got, want := domain.FoldedHasPrefix(s, n), strings.HasPrefix(fs, n); got != want {
			t.Fatalf("FoldedHasPrefix(%q, %q) = %v, want %v", s, n, got, want)
		}
		if got, want := domain.FoldedHasSuffix(s, n), strings.HasSuffix(fs, n); got != want {
			t.Fatalf("FoldedHasSuffix(%q, %q) = %v, want %v", s, n, got, want)
		}
	})
}
