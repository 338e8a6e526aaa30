package careflow

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"tend/internal/check"
	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/phone"
	"tend/internal/rules"
	"tend/internal/task"
	"tend/internal/templates"
	"tend/internal/workspace"
)

// refs are what a flow names outside itself, looked up before it is
// checked: its templates and distribution rules.
type refs struct {
	templates map[string]*templates.Template // by id
	rules     map[string]bool                // distribution rule ids
}

// compiled is a flow ready to run against a workspace.
type compiled struct {
	flow *Flow
	set  *rules.Set // nil when the condition is "all"
}

// checkFlow validates a flow against the workspace and compiles it, reporting
// every problem with its path.
func checkFlow(f *Flow, o *workspace.Org, r refs) (*compiled, error) {
	var p domain.Problems
	switch fault := domain.TextFault(f.Name, false); {
	case strings.TrimSpace(f.Name) == "":
		p.Add("name", "required")
	case fault != "":
		p.Add("name", fault)
	case len([]rune(f.Name)) > MaxName:
		p.Add("name", "too_long", "max", fmt.Sprint(MaxName))
	}
	if len([]rune(f.Description)) > 2000 {
		p.Add("description", "too_long", "max", "2000")
	}
	switch f.Module {
	case ModuleCustomers, ModuleOrders:
	case "":
		p.Add("module", "required")
	default:
		p.Add("module", "invalid_value")
	}
	checkWhen(f, o, &p)
	c := &compiled{flow: f}
	switch {
	case f.Condition.All && len(f.Condition.Groups) > 0:
		p.Add("condition", "all_or_groups")
	case !f.Condition.All && len(f.Condition.Groups) == 0:
		p.Add("condition", "all_or_groups")
	case !f.Condition.All:
		// An orders flow's conditions read the order's customer.
		set, err := rules.Compile(f.Condition.Groups, o.Schema(), "condition.groups")
		if err != nil {
			p.Merge("", fieldsOf(err))
		}
		c.set = set
	}
	if len(f.Actions) == 0 {
		p.Add("actions", "required")
	}
	for i, a := range f.Actions {
		checkAction(f, a, o, r, fmt.Sprintf("actions[%d]", i), &p)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return c, nil
}

func checkWhen(f *Flow, o *workspace.Org, p *domain.Problems) {
	w := f.When
	if _, ok := domain.ParseClock(w.At); !ok {
		p.Add("when.at", "invalid_clock")
	}
	switch w.Type {
	case WhenAnniversary, WhenDate:
		switch {
		case w.Field == "":
			p.Add("when.field", "required")
		case !isDateField(f.Module, o, w.Field):
			p.Add("when.field", "not_a_date_field", "field", w.Field)
		}
		if w.OffsetDays < -365 || w.OffsetDays > 365 {
			p.Add("when.offset_days", "out_of_range")
		}
		if w.Every != "" {
			p.Add("when.every", "only_for_schedule")
		}
		switch {
		case w.Type == WhenDate && w.Window != "":
			p.Add("when.window", "only_for_anniversary")
		case w.Window != "" && w.Window != "day" && w.Window != "week":
			p.Add("when.window", "invalid_value")
		}
	case WhenSchedule:
		if w.Every != "day" && w.Every != "week" && w.Every != "month" {
			p.Add("when.every", "invalid_value")
		}
		if w.Field != "" || w.OffsetDays != 0 || w.Window != "" {
			p.Add("when", "schedule_takes_every_and_at")
		}
	case "":
		p.Add("when.type", "required")
	default:
		p.Add("when.type", "invalid_value")
	}
}

// isDateField reports whether key is a date or time field of the module's
// records: an order's date, or a customer's date and time fields.
func isDateField(m Module, o *workspace.Org, key string) bool {
	if m == ModuleOrders {
		return key == "ordered_at"
	}
	t, ok := o.FieldType(key)
	if !ok {
		if f, sys := domain.SystemField(key); sys {
			t, ok = f.Type, true
		}
	}
	return ok && (t == domain.TypeDate || t == domain.TypeDateTime)
}

func checkAction(f *Flow, a Action, o *workspace.Org, r refs, at string, p *domain.Problems) {
	switch a.Type {
	case ActionUpdateFields:
		checkUpdate(a, o, at, p)
	case ActionSendEmail:
		checkMessage(f, a, o, r, templates.KindEmail, at, p)
	case ActionSendSMS:
		checkMessage(f, a, o, r, templates.KindSMS, at, p)
	case ActionCreateTask:
		checkTask(f, a, o, at, p)
	case ActionHandOver:
		switch {
		case (a.UserID == "") == (a.DistributionRuleID == ""):
			p.Add(at, "user_or_distribution_rule")
		case a.UserID != "":
			checkUser(o, a.UserID, at+".user_id", p)
		case !r.rules[a.DistributionRuleID]:
			p.Add(at+".distribution_rule_id", "not_found", "what", "distribution_rule")
		}
	case ActionAddCareCard:
		if f.Module != ModuleOrders {
			p.Add(at+".type", "orders_only")
			return
		}
		if a.Owner != "performer" {
			checkUser(o, a.Owner, at+".owner", p)
		}
		checkDays(a.CareInDays, at+".care_in_days", p)
		if len(a.Fields) > 20 {
			p.Add(at+".fields", "too_many", "max", "20")
		}
	case "":
		p.Add(at+".type", "required")
	default:
		p.Add(at+".type", "invalid_action", "type", a.Type)
	}
}

func checkUpdate(a Action, o *workspace.Org, at string, p *domain.Problems) {
	if len(a.Fields) == 0 {
		p.Add(at+".fields", "required")
	}
	keys := make([]string, 0, len(a.Fields))
	for k := range a.Fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !customer.WritableField(o, k) {
			p.Add(at+".fields."+k, "unknown_field", "field", k)
			continue
		}
		// Check the value as an edit of a blank customer would.
		if err := customer.SetField(o, &domain.Customer{Name: "x"}, k, a.Fields[k], time.Time{}); err != nil {
			p.Add(at+".fields."+k, problemCode(err))
		}
	}
}

func problemCode(err error) string {
	if e, ok := err.(*domain.Error); ok && len(e.Fields) > 0 {
		return e.Fields[0].Code
	}
	return "invalid_value"
}

// checkMessage checks an email or SMS action: its template, its
// recipients.
func checkMessage(f *Flow, a Action, o *workspace.Org, r refs, kind templates.Kind, at string, p *domain.Problems) {
	t, ok := r.templates[a.TemplateID]
	switch {
	case a.TemplateID == "":
		p.Add(at+".template_id", "required")
	case !ok || t.Kind != kind:
		p.Add(at+".template_id", "not_found", "what", "template")
	}
	want := domain.TypeEmail
	if kind == templates.KindSMS {
		want = domain.TypePhone
		if a.AttachPDF {
			p.Add(at+".attach_pdf", "email_only")
		}
		if len(a.ToAddresses) > 0 {
			p.Add(at+".to_addresses", "email_only")
		}
		if len([]rune(a.Sender)) > 11 {
			p.Add(at+".sender", "too_long", "max", "11")
		}
	} else {
		if a.Advertising || a.Sender != "" {
			p.Add(at, "sms_only")
		}
	}
	for i, k := range a.ToFields {
		if t, ok := o.FieldType(k); !ok || t != want {
			p.Add(fmt.Sprintf("%s.to_fields[%d]", at, i), "not_a_recipient_field", "field", k)
		}
	}
	for i, u := range a.ToUsers {
		if u != "owner" {
			checkUser(o, u, fmt.Sprintf("%s.to_users[%d]", at, i), p)
		}
	}
	for i, addr := range a.ToAddresses {
		if !check.ValidEmail(addr) {
			p.Add(fmt.Sprintf("%s.to_addresses[%d]", at, i), "invalid_email")
		}
	}
	n := len(a.ToFields) + len(a.ToUsers) + len(a.ToAddresses)
	switch {
	case n == 0:
		p.Add(at+".to_fields", "no_recipients")
	case n > MaxRecipients:
		p.Add(at, "too_many_recipients", "max", fmt.Sprint(MaxRecipients))
	}
	_ = f
}

func checkTask(f *Flow, a Action, o *workspace.Org, at string, p *domain.Problems) {
	switch fault := domain.TextFault(a.Title, false); {
	case strings.TrimSpace(a.Title) == "":
		p.Add(at+".title", "required")
	case fault != "":
		p.Add(at+".title", fault)
	case len([]rune(a.Title)) > 500:
		p.Add(at+".title", "too_long", "max", "500")
	}
	templates.Check(o, string(f.Module), at+".title", a.Title, true, p)
	templates.Check(o, string(f.Module), at+".description", a.Description, true, p)
	checkDays(a.DueInDays, at+".due_in_days", p)
	if a.TaskType != "" && !slices.Contains(task.Types, a.TaskType) {
		p.Add(at+".task_type", "invalid_value")
	}
	if a.Priority != "" && !slices.Contains(task.Priorities, a.Priority) {
		p.Add(at+".priority", "invalid_value")
	}
	switch a.Assignee {
	case "":
		p.Add(at+".assignee", "required")
	case "owner":
	default:
		checkUser(o, a.Assignee, at+".assignee", p)
	}
	for i, u := range a.RelatedUserIDs {
		checkUser(o, u, fmt.Sprintf("%s.related_user_ids[%d]", at, i), p)
	}
}

func checkDays(d *int, at string, p *domain.Problems) {
	if d != nil && (*d < 0 || *d > 365) {
		p.Add(at, "out_of_range")
	}
}

func checkUser(o *workspace.Org, id, at string, p *domain.Problems) {
	if u, ok := o.User(id); !ok || !u.Active {
		p.Add(at, "unknown_user", "value", id)
	}
}

// validPhone reports whether s is a number an SMS can go to.
func validPhone(s string) (string, bool) {
	n, err := phone.Normalize(s)
	return n, err == nil
}
