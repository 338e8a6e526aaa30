package action

import (
	"fmt"
	"slices"
	"strings"
	"tend/internal/check"
	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/phone"
	"tend/internal/task"
	"tend/internal/templates"
	"tend/internal/workspace"
	"time"
)

// Refs are what actions name outside themselves, looked up before they
// are checked or carried out: templates and distribution rules.
type Refs struct {
	Templates map[string]*templates.Template // by id
	Rules     map[string]bool                // distribution rule ids
}

// Check checks an action of a flow or rule over a module ("customers",
// "orders") against the workspace, reporting each problem under at
// ("actions[2]").
func Check(module string, a Action, o *workspace.Org, r Refs, at string, p *domain.Problems) {
	switch a.Type {
	case UpdateFields:
		checkUpdate(a, o, at, p)
	case SendEmail:
		checkMessage(a, o, r, templates.KindEmail, at, p)
	case SendSMS:
		checkMessage(a, o, r, templates.KindSMS, at, p)
	case CreateTask:
		checkTask(module, a, o, at, p)
	case HandOver:
		switch {
		case (a.UserID == "") == (a.DistributionRuleID == ""):
			p.Add(at, "user_or_distribution_rule")
		case a.UserID != "":
			checkUser(o, a.UserID, at+".user_id", p)
		case !r.Rules[a.DistributionRuleID]:
			p.Add(at+".distribution_rule_id", "not_found", "what", "distribution_rule")
		}
	case AddCareCard:
		if module != "orders" {
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
func checkMessage(a Action, o *workspace.Org, r Refs, kind templates.Kind, at string, p *domain.Problems) {
	t, ok := r.Templates[a.TemplateID]
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
}

func checkTask(module string, a Action, o *workspace.Org, at string, p *domain.Problems) {
	switch fault := domain.TextFault(a.Title, false); {
	case strings.TrimSpace(a.Title) == "":
		p.Add(at+".title", "required")
	case fault != "":
		p.Add(at+".title", fault)
	case len([]rune(a.Title)) > 500:
		p.Add(at+".title", "too_long", "max", "500")
	}
	templates.Check(o, module, at+".title", a.Title, true, p)
	templates.Check(o, module, at+".description", a.Description, true, p)
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
