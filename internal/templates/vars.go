package templates

import (
	"fmt"
	"strings"
	"time"

	"tend/internal/domain"
	"tend/internal/lunar"
	"tend/internal/rules"
	"tend/internal/workspace"
)

// Modules a template or task text is used in: the merge keys differ.
const (
	ModuleCustomers = "customers"
	ModuleOrders    = "orders"
)

// Merge keys beyond the customer's own fields.
const (
	KeyOwnerName     = "owner_name"
	KeyOwnerEmail    = "owner_email"
	KeyOwnerPhone    = "owner_phone"
	KeyWorkspaceName = "workspace_name"
	KeyToday         = "today"
	KeyOrderCode     = "order_code"
	KeyOrderAmount   = "order_amount"
	KeyOrderStatus   = "order_status"
	KeyOrderDate     = "order_date"
)

// extraKeys are known in every module; orderKeys only in orders.
var (
	extraKeys = []string{KeyOwnerName, KeyOwnerEmail, KeyOwnerPhone, KeyWorkspaceName, KeyToday}
	orderKeys = []string{KeyOrderCode, KeyOrderAmount, KeyOrderStatus, KeyOrderDate}
)

// Order is what a template may show of an order: a small view, so that
// this package does not depend on the orders package.
type Order struct {
	Code        string
	Amount      int64
	Status      string
	OrderedAt   time.Time
	PerformerID string
}

// Record is what a template is rendered for: a customer of a workspace,
// and in the orders module one of their orders. Now is the time of the
// rendering ("today").
type Record struct {
	Org      *workspace.Org
	Customer *domain.Customer
	Order    *Order
	Now      time.Time
}

// Keys lists the merge keys of a workspace in a module ("customers" or
// "orders"): the system customer fields, the custom fields, the owner's
// and workspace's, today, and in orders the order's.
func Keys(o *workspace.Org, module string) []string {
	keys := make([]string, 0, len(domain.SystemFields)+len(extraKeys)+len(orderKeys)+len(o.Fields))
	for _, f := range domain.SystemFields {
		keys = append(keys, f.Key)
	}
	for _, f := range o.Fields {
		keys = append(keys, f.Key)
	}
	keys = append(keys, lunarKeys(o)...)
	keys = append(keys, extraKeys...)
	if module == ModuleOrders {
		keys = append(keys, orderKeys...)
	}
	return keys
}

// Known returns whether a key is a merge field of the workspace in a
// module. It reads the set-up once; keep it while the set-up is the same.
func Known(o *workspace.Org, module string) func(key string) bool {
	set := make(map[string]bool)
	for _, k := range Keys(o, module) {
		set[k] = true
	}
	return func(key string) bool { return set[key] }
}

// Check adds an unknown_merge_field problem at path for each distinct key
// of text that is not a merge field of the workspace in the module. Task
// texts (task=true) are checked in both forms, {{key}} and #key.
func Check(o *workspace.Org, module, path, text string, task bool, p *domain.Problems) {
	refs := Refs(text)
	if task {
		refs = TaskRefs(text)
	}
	if len(refs) == 0 {
		return
	}
	known := Known(o, module)
	seen := map[string]bool{}
	for _, r := range refs {
		if !known(r.Key) && !seen[r.Key] {
			seen[r.Key] = true
			p.Add(path, "unknown_merge_field", "field", r.Key)
		}
	}
}

// Lookup returns the value of a merge key for the record, formatted for
// people in the workspace's language and time zone: dates dd/mm/yyyy,
// times dd/mm/yyyy HH:MM, numbers and money with thousands separators
// ("3.000.000" in Vietnamese, "3,000,000" in English), a date field's
// "<key>_lunar" as its lunar day and month ("15/8 Âm lịch"), yes/no as
// "Có"/"Không" or "Yes"/"No", lists joined with ", ", users by name,
// select values as stored. ok is false for a key that is not a merge field
// of the record (an order key when there is no order); a known field
// without a value is "".
func (r Record) Lookup(key string) (string, bool) {
	o := r.Org
	if o == nil {
		o = &workspace.Org{Workspace: domain.Workspace{Language: domain.DefaultLanguage, Timezone: domain.DefaultTimezone}}
	}
	f := formatter{o: o, lang: o.Workspace.Language, loc: o.Workspace.Location()}
	switch key {
	case KeyOwnerName, KeyOwnerEmail, KeyOwnerPhone:
		return f.owner(r.Customer, key), true
	case KeyWorkspaceName:
		return o.Workspace.Name, true
	case KeyToday:
		if r.Now.IsZero() {
			return "", true
		}
		return formatDate(domain.DateOf(r.Now, f.loc)), true
	case KeyOrderCode, KeyOrderAmount, KeyOrderStatus, KeyOrderDate:
		if r.Order == nil {
			return "", false
		}
		return f.order(r.Order, key), true
	}
	if domain.IsSystemField(key) {
		if r.Customer == nil {
			return "", true
		}
		return f.system(r.Customer, key), true
	}
	if def, ok := o.Field(key); ok {
		if r.Customer == nil {
			return "", true
		}
		return f.custom(def, r.Customer.Fields[key]), true
	}
	if base, ok := strings.CutSuffix(key, LunarSuffix); ok {
		return f.lunarDate(r.Customer, base)
	}
	return "", false
}

// formatter shows values of one workspace.
type formatter struct {
	o    *workspace.Org
	lang string
	loc  *time.Location
}

func (f formatter) owner(c *domain.Customer, key string) string {
	if c == nil {
		return ""
	}
	u, ok := f.o.User(c.OwnerID)
	if !ok {
		return ""
	}
	switch key {
	case KeyOwnerEmail:
		return u.Email
	case KeyOwnerPhone:
		return u.Phone
	}
	return u.Name
}

// orderStatuses name the order statuses for people.
var orderStatuses = map[string][2]string{
	"new":       {"Mới", "New"},
	"completed": {"Hoàn thành", "Completed"},
	"cancelled": {"Đã hủy", "Cancelled"},
}

func (f formatter) order(o *Order, key string) string {
	switch key {
	case KeyOrderCode:
		return o.Code
	case KeyOrderAmount:
		return formatInt(o.Amount, f.lang)
	case KeyOrderStatus:
		if names, ok := orderStatuses[o.Status]; ok {
			if f.lang == "en" {
				return names[1]
			}
			return names[0]
		}
		return o.Status
	}
	if o.OrderedAt.IsZero() {
		return ""
	}
	return formatDate(domain.DateOf(o.OrderedAt, f.loc))
}

// system shows a built-in customer field: people and warehouses by name,
// the rest as the rule engine reads them.
func (f formatter) system(c *domain.Customer, key string) string {
	switch key {
	case domain.FieldOwner:
		return f.o.UserName(c.OwnerID)
	case domain.FieldWarehouse:
		if w, ok := f.o.Warehouse(c.WarehouseID); ok {
			return w.Name
		}
		return ""
	case domain.FieldSharedWith:
		return f.userNames(c.SharedWith)
	case domain.FieldRevenue:
		return formatInt(c.Revenue, f.lang)
	}
	v, ok := rules.ReadSystem(c, key)
	if !ok {
		return ""
	}
	switch x := v.(type) {
	case string:
		return x
	case domain.Date:
		return formatDate(x)
	case time.Time:
		return formatTime(x, f.loc)
	case []string:
		return strings.Join(x, ", ")
	case bool:
		return formatBool(x, f.lang)
	}
	return ""
}

// custom shows a custom field's value, stored as the customer's Fields
// normalise it (see domain.Customer.Fields).
func (f formatter) custom(def domain.FieldDef, v any) string {
	if v == nil {
		return ""
	}
	switch x := v.(type) {
	case string:
		switch def.Type {
		case domain.TypeUser:
			return f.o.UserName(x)
		case domain.TypeDate:
			if def.IsLunar() {
				if ld, err := lunar.Parse(x); err == nil {
					return f.formatLunar(ld)
				}
				return x
			}
			if d, err := domain.ParseDate(x); err == nil {
				return formatDate(d)
			}
		case domain.TypeDateTime:
			if t, err := time.Parse(time.RFC3339, x); err == nil {
				return formatTime(t, f.loc)
			}
		}
		return x
	case float64:
		return formatNumber(x, f.lang)
	case int64:
		return formatInt(x, f.lang)
	case int:
		return formatInt(int64(x), f.lang)
	case bool:
		return formatBool(x, f.lang)
	case []string:
		return strings.Join(x, ", ")
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			parts = append(parts, fmt.Sprint(e))
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprint(v)
}

func (f formatter) userNames(ids []string) string {
	names := make([]string, 0, len(ids))
	for _, id := range ids {
		if n := f.o.UserName(id); n != "" {
			names = append(names, n)
		}
	}
	return strings.Join(names, ", ")
}
