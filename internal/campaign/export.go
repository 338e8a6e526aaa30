package campaign

import (
	"context"
	"errors"
	"iter"
	"net/url"
	"slices"
	"strings"
	"time"

	"tend/internal/campaignexport"
	"tend/internal/domain"
	"tend/internal/workspace"
)

// ExportQuery is what an export of a campaign's members asks for: the
// file's format, the member statuses (every status when none) and the
// days members joined on, in the workspace's zone (a zero end is open).
type ExportQuery struct {
	Format   string      `json:"format"`
	Statuses []string    `json:"statuses,omitempty"` // in the seed's order, each once
	From     domain.Date `json:"from"`
	To       domain.Date `json:"to"`
}

// ParseExportQuery reads the query of GET /v1/campaigns/{id}/export:
//
//	format  xlsx (the default), html or pdf
//	status  a status, or several separated by commas (every status when absent or empty)
//	from    YYYY-MM-DD: members who joined on that day or later
//	to      YYYY-MM-DD: members who joined on that day or earlier (the whole day)
//
// A bad value is a validation problem at its parameter's name; a range
// whose from is after its to is range_reversed at from.
func ParseExportQuery(q url.Values) (ExportQuery, error) {
	var p domain.Problems
	out := ExportQuery{Format: campaignexport.XLSX}
	if f := q.Get("format"); f != "" {
		if campaignexport.ContentType(f) == "" {
			p.Add("format", "invalid_export_format", "value", f)
		}
		out.Format = f
	}
	out.Statuses = parseStatuses(&p, q["status"])
	out.From = parseDay(&p, "from", q.Get("from"))
	out.To = parseDay(&p, "to", q.Get("to"))
	if !out.From.IsZero() && !out.To.IsZero() && out.To.Before(out.From) {
		p.Add("from", "range_reversed")
	}
	if err := p.Err(); err != nil {
		return ExportQuery{}, err
	}
	return out, nil
}

// parseStatuses reads the status parameter's values, each a comma-separated
// list; the first value that is not a status is the problem.
func parseStatuses(p *domain.Problems, values []string) []string {
	picked := map[string]bool{}
	for _, v := range values {
		if v == "" && len(values) == 1 {
			return nil // status= is no filter, as no status is
		}
		for part := range strings.SplitSeq(v, ",") {
			part = strings.TrimSpace(part)
			if !slices.Contains(Statuses, part) {
				p.Add("status", "invalid_member_status", "value", part)
				return nil
			}
			picked[part] = true
		}
	}
	var out []string
	for _, st := range Statuses {
		if picked[st] {
			out = append(out, st)
		}
	}
	return out
}

func parseDay(p *domain.Problems, name, s string) domain.Date {
	if s == "" {
		return domain.Date{}
	}
	d, err := domain.ParseDate(s)
	if err != nil {
		p.Add(name, "invalid_date")
	}
	return d
}

// MemberFilter is the query's filter with its days in loc: from the start
// of From to the end of To (MemberFilter's JoinedTo is exclusive: the
// start of the day after To).
func (q ExportQuery) MemberFilter(loc *time.Location) MemberFilter {
	f := MemberFilter{Statuses: q.Statuses}
	if !q.From.IsZero() {
		t := q.From.In(loc)
		f.JoinedFrom = &t
	}
	if !q.To.IsZero() {
		t := q.To.AddDays(1).In(loc)
		f.JoinedTo = &t
	}
	return f
}

// Export is what an export of a campaign's members is made of.
type Export struct {
	// Campaign is the campaign with its totals (its counters).
	Campaign *Campaign
	// Generated is when the export was made; Location the workspace's zone.
	Generated time.Time
	Location  *time.Location
	// Members yields the members the query picks and the caller may see,
	// read from the store as they are taken.
	Members iter.Seq2[*Member, error]
	// org names the members' owners.
	org *workspace.Org
}

// Export reads a campaign for an export of its members: everyone in the
// workspace may read a campaign, and sees in it only the customers they
// may see.
func (s *Service) Export(ctx context.Context, c *workspace.Caller, id string, q ExportQuery) (*Export, error) {
	camp, err := s.Get(ctx, c, id)
	if err != nil {
		return nil, err
	}
	loc := c.Org.Workspace.Location()
	return &Export{Campaign: camp, Generated: s.clock.Now(), Location: loc,
		Members: s.VisibleMembers(ctx, c, id, q.MemberFilter(loc)), org: c.Org}, nil
}

// visibleBatch is how many members are checked against the caller's
// access at once: what the export holds in memory at most.
const visibleBatch = 500

// errStopped ends the walk over the members when the consumer of
// VisibleMembers stops.
var errStopped = errors.New("campaign: stopped")

// VisibleMembers yields, in customer-id order, the campaign's members the
// filter picks and whose customer the caller may see (as Members shows
// them), checking access a batch at a time; an error is yielded last.
func (s *Service) VisibleMembers(ctx context.Context, c *workspace.Caller, campaignID string, f MemberFilter) iter.Seq2[*Member, error] {
	return func(yield func(*Member, error) bool) {
		batch := make([]*Member, 0, visibleBatch)
		flush := func() error {
			if len(batch) == 0 {
				return nil
			}
			ids := make([]string, len(batch))
			for i, m := range batch {
				ids[i] = m.CustomerID
			}
			visible, err := s.customers.Visible(ctx, c, ids)
			if err != nil {
				return err
			}
			for _, m := range batch {
				if visible[m.CustomerID] && !yield(m, nil) {
					return errStopped
				}
			}
			batch = batch[:0]
			return nil
		}
		err := s.EachMember(ctx, c.Tenant(), campaignID, f, func(m *Member) error {
			if batch = append(batch, m); len(batch) < visibleBatch {
				return nil
			}
			return flush()
		})
		if err == nil {
			err = flush()
		}
		if err != nil && !errors.Is(err, errStopped) {
			yield(nil, err)
		}
	}
}
