package cellvalue_test

import (
	"errors"
	"testing"
	"time"

	"tend/internal/cellvalue"
)

var dateCases = []struct {
	in   string
	want string // yyyy-mm-dd, "" for an error
}{
	{"13/02/2024", "2024-02-13"},
	{"3/2/2024", "2024-02-03"},
	{"13-02-2024", "2024-02-13"},
	{"13.02.2024", "2024-02-13"},
	{"2024-02-13", "2024-02-13"},
	{"2024/2/3", "2024-02-03"},
	{"29/02/2024", "2024-02-29"},
	{"13/02/24", "2024-02-13"},
	{"13/02/49", "2049-02-13"},
	{"13/02/50", "1950-02-13"},
	{"01/01/00", "2000-01-01"},
	{" 13/02/2024 ", "2024-02-13"},
	{"13/02/2024 08:30", "2024-02-13"},
	{"2024-02-13T08:30:00+07:00", "2024-02-13"},
	{"45335", "2024-02-13"},
	{"45335.75", "2024-02-13"},
	{"1", "1900-01-01"},
	{"59", "1900-02-28"},
	{"61", "1900-03-01"},
	{"2958465", "9999-12-31"},
	// errors
	{"", ""},
	{"02/13/2024", ""},
	{"31/02/2024", ""},
	{"29/02/2023", ""},
	{"00/01/2024", ""},
	{"13/00/2024", ""},
	{"60", ""}, // Excel's 29/02/1900 that never was
	{"0", ""},
	{"2958466", ""},
	{"13/02-2024", ""},
	{"13/02", ""},
	{"2024-02-13 25:00", ""},
	{"13/02/2024 8h30", ""},
	{"hôm qua", ""},
	{"-45335", ""},
	{"13/02/202", ""},
	{"123/02/2024", ""},
	{"20240213", ""},
	{"0999-01-01", ""},
}

func TestDate(t *testing.T) {
	for _, c := range dateCases {
		got, err := cellvalue.Date(c.in)
		if c.want == "" {
			if !errors.Is(err, cellvalue.ErrDate) {
				t.Errorf("Date(%q) = %v, %v; want ErrDate", c.in, got, err)
			}
			continue
		}
		if err != nil || got.Format(time.DateOnly) != c.want || got.Location() != time.UTC || got.Hour() != 0 {
			t.Errorf("Date(%q) = %v, %v; want %s at midnight UTC", c.in, got, err, c.want)
		}
	}
}

func TestDateTime(t *testing.T) {
	hcm := time.FixedZone("ICT", 7*3600)
	cases := []struct {
		in   string
		want string // RFC 3339, "" for an error
	}{
		{"13/02/2024 08:30", "2024-02-13T08:30:00+07:00"},
		{"13/02/2024 8:30:15", "2024-02-13T08:30:15+07:00"},
		{"13/02/2024", "2024-02-13T00:00:00+07:00"},
		{"2024-02-13 23:59:59", "2024-02-13T23:59:59+07:00"},
		{"2024-02-13T08:30:00Z", "2024-02-13T08:30:00Z"},
		{"2024-02-13T08:30:00.123-05:00", "2024-02-13T08:30:00-05:00"},
		{"2024-02-13T08:30+0530", "2024-02-13T08:30:00+05:30"},
		{"45335.75", "2024-02-13T18:00:00+07:00"},
		{"45335.5", "2024-02-13T12:00:00+07:00"},
		{"45335", "2024-02-13T00:00:00+07:00"},
		{"13/02/2024 24:00", ""},
		{"13/02/2024 08:60", ""},
		{"13/02/2024 08:30 +25:00", ""},
		{"13/02/2024 08", ""},
		{"13/02/2024T", ""},
		{"13/02/2024x08:30", ""},
	}
	for _, c := range cases {
		got, err := cellvalue.DateTime(c.in, hcm)
		if c.want == "" {
			if !errors.Is(err, cellvalue.ErrDate) {
				t.Errorf("DateTime(%q) = %v, %v; want ErrDate", c.in, got, err)
			}
			continue
		}
		if err != nil || got.Format(time.RFC3339) != c.want {
			t.Errorf("DateTime(%q) = %v, %v; want %s", c.in, got.Format(time.RFC3339), err, c.want)
		}
	}
	if got, err := cellvalue.DateTime("13/02/2024 08:30", nil); err != nil || got.Location() != time.UTC {
		t.Errorf("DateTime with no location = %v, %v; want UTC", got, err)
	}
}

func FuzzDate(f *testing.F) {
	for _, c := range dateCases {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := cellvalue.Date(s)
		if err != nil {
			if !errors.Is(err, cellvalue.ErrDate) {
				t.Fatalf("Date(%q) error %v is not ErrDate", s, err)
			}
			return
		}
		if d.Location() != time.UTC || d.Hour() != 0 || d.Minute() != 0 || d.Second() != 0 || d.Nanosecond() != 0 {
			t.Fatalf("Date(%q) = %v, not midnight UTC", s, d)
		}
		// The date reads back the same written day first.
		again, err := cellvalue.Date(d.Format("02/01/2006"))
		if err != nil || !again.Equal(d) {
			t.Fatalf("Date(%q) = %v, which reads back as %v, %v", s, d, again, err)
		}
		if _, err := cellvalue.DateTime(s, time.UTC); err != nil {
			t.Fatalf("Date(%q) accepted but DateTime refused: %v", s, err)
		}
	})
}
