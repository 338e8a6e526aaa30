package cellvalue_test

import (
	"errors"
	"slices"
	"testing"

	"tend/internal/cellvalue"
)

func TestBool(t *testing.T) {
	cases := []struct {
		in   string
		want bool
		err  bool
	}{
		{"có", true, false}, {"Có", true, false}, {"co", true, false}, {"CÓ", true, false},
		{"không", false, false}, {"Khong", false, false}, {"KHÔNG", false, false},
		{"yes", true, false}, {"No", false, false}, {"TRUE", true, false}, {"false", false, false},
		{"x", true, false}, {"X", true, false}, {"", false, false}, {"  ", false, false},
		{"1", true, false}, {"0", false, false}, {"đúng", true, false}, {"Sai", false, false},
		{"y", true, false}, {"N", false, false}, {" có ", true, false},
		{"có lẽ", false, true}, {"2", false, true}, {"ok", false, true}, {"-", false, true},
	}
	for _, c := range cases {
		got, err := cellvalue.Bool(c.in)
		if c.err {
			if !errors.Is(err, cellvalue.ErrBool) {
				t.Errorf("Bool(%q) = %v, %v; want ErrBool", c.in, got, err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("Bool(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
}

var cities = []string{"Hà Nội", "Hồ Chí Minh", "Đà Nẵng", "Hà Nội, Việt Nam"}

func TestOption(t *testing.T) {
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"ha noi", "Hà Nội", true},
		{"  HÀ NỘI ", "Hà Nội", true},
		{"Hà  Nội", "Hà Nội", true},
		{"da nang", "Đà Nẵng", true},
		{"Ho Chi Minh", "Hồ Chí Minh", true},
		{"hanoi", "", false},
		{"Huế", "", false},
		{"", "", false},
	}
	for _, c := range cases {
		got, ok := cellvalue.Option(cities, c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("Option(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func TestOptions(t *testing.T) {
	cases := []struct {
		in               string
		matched, unknown []string
	}{
		{"ha noi, da nang", []string{"Hà Nội", "Đà Nẵng"}, []string{}},
		{"ha noi;Hồ Chí Minh|da nang", []string{"Hà Nội", "Hồ Chí Minh", "Đà Nẵng"}, []string{}},
		{"ha noi\nhue\r\nHà Nội", []string{"Hà Nội"}, []string{"hue"}},
		{"Hà Nội, Việt Nam", []string{"Hà Nội, Việt Nam"}, []string{}},
		{" , ;", []string{}, []string{}},
		{"", []string{}, []string{}},
		{"Huế, Cần Thơ", []string{}, []string{"Huế", "Cần Thơ"}},
	}
	for _, c := range cases {
		matched, unknown := cellvalue.Options(cities, c.in)
		if !slices.Equal(matched, c.matched) || !slices.Equal(unknown, c.unknown) || matched == nil || unknown == nil {
			t.Errorf("Options(%q) = %q, %q; want %q, %q", c.in, matched, unknown, c.matched, c.unknown)
		}
	}
}
