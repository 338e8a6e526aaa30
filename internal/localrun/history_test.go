package localrun_test

import (
	"fmt"
	"net/url"
	"slices"
	"testing"
	"time"
)

// A customer's history is newest first, entries written at the same time
// (the clock standing still) too: in the reverse of the order they were
// written, page after page.
func TestHistoryAtTheSameTimeIsNewestFirst(t *testing.T) {
	s := start(t, false)
	s.setClock(time.Date(2026, 3, 2, 9, 0, 0, 0, hcm))
	admin, _ := s.workspace("Công ty Lịch Sử")
	cu := admin.createCustomer(map[string]any{"name": "Tên 0"})
	want := []string{}
	for i := 1; i <= 8; i++ {
		name := fmt.Sprintf("Tên %d", i)
		admin.do("PATCH", "/v1/customers/"+cu.ID, map[string]any{"name": name}).ok(200)
		want = append([]string{name}, want...)
	}
	want = append(want, "created")
	var got []string
	cursor := ""
	for {
		var page struct {
			Items []struct {
				Action  string    `json:"action"`
				At      time.Time `json:"at"`
				Changes []struct {
					Field string `json:"field"`
					After any    `json:"after"`
				} `json:"changes"`
			} `json:"items"`
			NextCursor string `json:"next_cursor"`
		}
		admin.do("GET", "/v1/customers/"+cu.ID+"/history?limit=3"+cursor, nil).ok(200).into(&page)
		for _, h := range page.Items {
			if h.Action == "created" {
				got = append(got, h.Action)
				continue
			}
			if len(h.Changes) != 1 || h.Changes[0].Field != "name" {
				t.Fatalf("entry %+v, want one change of the name", h)
			}
			got = append(got, fmt.Sprint(h.Changes[0].After))
		}
		if page.NextCursor == "" {
			break
		}
		cursor = "&cursor=" + url.QueryEscape(page.NextCursor)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("history: %v, want newest first %v", got, want)
	}
}
