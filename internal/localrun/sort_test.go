package localrun_test

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"tend/internal/benchlists"
	"tend/internal/domain"
)

// sortValue is what the test sorts a customer by for field: "" for none.
func sortValue(c domain.Customer, field string) string {
	at := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format("2006-01-02T15:04:05.000000000")
	}
	switch field {
	case "name":
		return domain.Fold(c.Name)
	case "code":
		return c.Code
	case "revenue":
		if c.Revenue == 0 {
			return ""
		}
		return fmt.Sprintf("%020d", c.Revenue)
	case "last_care_at":
		return at(c.LastCareAt)
	case "next_appointment_at":
		return at(c.NextAppointmentAt)
	}
	return at(&c.UpdatedAt)
}

// sortedIDs sorts customers as a list must: by value, ties by id, both
// reversed when descending; customers without a value last either way.
func sortedIDs(cs []domain.Customer, field string, desc bool) []string {
	cs = slices.Clone(cs)
	slices.SortFunc(cs, func(a, b domain.Customer) int {
		va, vb := sortValue(a, field), sortValue(b, field)
		if (va == "") != (vb == "") {
			if va == "" {
				return 1
			}
			return -1
		}
		c := strings.Compare(va, vb)
		if c == 0 {
			c = strings.Compare(a.ID, b.ID)
		}
		if desc {
			c = -c
		}
		return c
	})
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

// pages reads every page of a list, limit customers at a time.
func (c *client) pages(query string, limit int) []string {
	c.t.Helper()
	var out []string
	cursor := ""
	for range 1000 {
		q := fmt.Sprintf("%s&limit=%d", query, limit)
		if cursor != "" {
			q += "&cursor=" + url.QueryEscape(cursor)
		}
		var p struct {
			Items   []customer `json:"items"`
			Next    string     `json:"next_cursor"`
			Partial bool       `json:"partial"`
		}
		c.do("GET", "/v1/customers"+q, nil).ok(200).into(&p)
		if len(p.Items) < limit && p.Next != "" && !p.Partial {
			c.t.Fatalf("%s: a short page of %d with a cursor, not partial", q, len(p.Items))
		}
		out = append(out, ids(p.Items)...)
		if cursor = p.Next; cursor == "" {
			return out
		}
	}
	c.t.Fatalf("%s: no end of pages", query)
	return nil
}

// Every sort, both ways, pages through random customers (names with many
// Nguyễn, a fifth without revenue, many never cared for or without an
// appointment) exactly as a sort in the test orders them, never repeating
// or skipping one: an admin's list walks the sort index, a staff member's
// walks it passing over others' customers, a filtered list and a staff
// member with a handful of shared customers sort their few candidates in
// memory.
func TestSortsPageAsTheTestSorts(t *testing.T) {
	s := start(t, false)
	const n = 200
	admin, staff, _ := bigWorkspace(s, "Công ty Sắp", n)
	few := admin.user("Nhân Viên Ba", "staff")
	var all, mine, shared []domain.Customer
	sh := benchlists.Shape{Owners: []string{"", staff.userID}, Epoch: testEpoch}
	for i := range n {
		c := benchlists.Customer(i, n, sh)
		all = append(all, c)
		if c.OwnerID == staff.userID {
			mine = append(mine, c)
		}
		if i%40 == 7 {
			// Sharing is a change: it moves updated_at.
			var after struct {
				UpdatedAt time.Time `json:"updated_at"`
			}
			admin.do("PUT", "/v1/customers/"+c.ID+"/shares", map[string]any{"user_ids": []string{few.userID}}).ok(200)
			admin.do("GET", "/v1/customers/"+c.ID, nil).ok(200).into(&after)
			all[i].UpdatedAt, c.UpdatedAt = after.UpdatedAt, after.UpdatedAt
			if c.OwnerID == staff.userID {
				mine[len(mine)-1].UpdatedAt = after.UpdatedAt
			}
			shared = append(shared, c)
		}
	}
	mineFilter := "&filter=" + url.QueryEscape(`[[{"field":"owner","op":"eq","value":"`+staff.userID+`"}]]`)
	for _, field := range []string{"name", "code", "revenue", "last_care_at", "next_appointment_at", "updated_at"} {
		for _, desc := range []bool{false, true} {
			sort := field
			if desc {
				sort = "-" + field
			}
			t.Run(sort, func(t *testing.T) {
				if got, want := admin.pages("?sort="+sort, 29), sortedIDs(all, field, desc); !slices.Equal(got, want) {
					t.Errorf("admin: %d customers, first %v; want %d, first %v", len(got), head(got), len(want), head(want))
				}
				want := sortedIDs(mine, field, desc)
				if got := staff.pages("?sort="+sort, 13); !slices.Equal(got, want) {
					t.Errorf("staff: %d customers, first %v; want %d, first %v", len(got), head(got), len(want), head(want))
				}
				if got := admin.pages("?sort="+sort+mineFilter, 13); !slices.Equal(got, want) {
					t.Errorf("admin filtered: %d customers, first %v; want %d, first %v", len(got), head(got), len(want), head(want))
				}
				if got, want := few.pages("?sort="+sort, 2), sortedIDs(shared, field, desc); !slices.Equal(got, want) {
					t.Errorf("shared with: %v; want %v", got, want)
				}
			})
		}
	}
}

func head(ids []string) []string { return ids[:min(5, len(ids))] }

// A staff member with more customers than a list sorts in memory (2,000)
// pages through the whole workspace's sort index, keeping their own and
// those shared with them, told by the index items: the same order as the
// test's sort, and no one else's customer. Their search, in the search
// index's order, keeps to the same customers.
func TestLargeScopeSortsThroughTheIndex(t *testing.T) {
	s := start(t, false)
	const n = 4600 // the staff member owns the odd ones: 2,300
	admin, staff, _ := bigWorkspace(s, "Công ty Rộng", n)
	var mine []domain.Customer
	sh := benchlists.Shape{Owners: []string{"", staff.userID}, Epoch: testEpoch}
	const shared = 2 // another's customer, shared with the staff member
	for i := range n {
		if c := benchlists.Customer(i, n, sh); c.OwnerID == staff.userID || i == shared {
			mine = append(mine, c)
		}
	}
	sharedID := benchlists.Customer(shared, n, sh).ID
	admin.do("PUT", "/v1/customers/"+sharedID+"/shares", map[string]any{"user_ids": []string{staff.userID}}).ok(200)
	var nguyens []string
	for _, c := range mine {
		if strings.HasPrefix(c.Name, "Nguyễn ") {
			nguyens = append(nguyens, c.ID)
		}
	}
	slices.Sort(nguyens)
	got := staff.pages("?q=nguyen", 100)
	slices.Sort(got)
	if !slices.Equal(got, nguyens) {
		t.Errorf("search: %d customers, first %v; want %d, first %v", len(got), head(got), len(nguyens), head(nguyens))
	}
	for _, sort := range []string{"name", "-revenue"} {
		field, desc := strings.TrimPrefix(sort, "-"), strings.HasPrefix(sort, "-")
		if got, want := staff.pages("?sort="+sort, 500), sortedIDs(mine, field, desc); !slices.Equal(got, want) {
			t.Errorf("%s: %d customers, first %v; want %d, first %v", sort, len(got), head(got), len(want), head(want))
		}
	}
}
