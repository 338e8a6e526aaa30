package leads

import (
	"context"
	"slices"

	"tend/internal/domain"
	"tend/internal/leadpayload"
	"tend/internal/workspace"
)

// TestLead is a test lead an admin sends through a source: its fields by
// the names the provider would give them; a sample when none.
type TestLead struct {
	Fields map[string]string `json:"fields"`
}

// sampleLead is the test lead sent when none is given.
var sampleLead = map[string]string{"Họ và tên": "Khách thử nghiệm", "Số điện thoại": "0900000000", "Email": "thu.nghiem@example.vn"}

// SendTest sends a test lead through the source's real path (held, queued,
// taken, its fields matched and checked as a customer would be), marked
// as a test: it shows in the source's log, makes no customer and is not
// distributed (admins only).
func (s *Service) SendTest(ctx context.Context, c *workspace.Caller, sourceID string, in TestLead) (*Held, error) {
	if err := c.RequireAdmin(); err != nil {
		return nil, err
	}
	r, err := s.loadFor(ctx, c, sourceID)
	if err != nil {
		return nil, err
	}
	given := in.Fields
	if len(given) == 0 {
		given = sampleLead
	}
	if len(given) > 200 {
		return nil, domain.Invalid("fields", "too_many", "max", "200")
	}
	names := make([]string, 0, len(given))
	for name := range given {
		if fault := domain.TextFault(name+given[name], true); fault != "" || name == "" {
			return nil, domain.Invalid("fields."+name, "invalid_value")
		}
		names = append(names, name)
	}
	slices.Sort(names)
	fields := make([]leadpayload.Field, 0, len(names))
	for _, name := range names {
		fields = append(fields, leadpayload.Field{Name: name, Values: []string{given[name]}})
	}
	return s.hold(ctx, r, incoming{Same: "test:" + domain.NewID("t"), Window: formWindow, Fields: fields, Test: true})
}
