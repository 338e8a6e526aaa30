package localrun_test

import (
	"fmt"
	"strings"
	"testing"
)

type badCase struct {
	body   any
	status int
	path   string // "" for problems about the whole body
	code   string
}

// Every write endpoint refuses bad input with problem+json naming the exact
// element, in the caller's language, and writes nothing.
func TestBadInputOnEveryEndpoint(t *testing.T) {
	s := start(t, false)
	a := newTenantA(s)
	admin := a.admin
	cases := map[string][]badCase{
		"POST /v1/users": {
			{map[string]any{"name": "X"}, 422, "email", "required"},
			{map[string]any{"name": "X", "email": "không-phải-email"}, 422, "email", "invalid_email"},
			{map[string]any{"name": "X", "email": "x@y.vn", "role": "boss"}, 422, "role", "invalid_role"},
			{map[string]any{"name": "X", "email": "x@y.vn", "birthday": "2026-02-30"}, 422, "birthday", "invalid_date"},
			{map[string]any{"name": "X", "email": "x@y.vn", "team_ids": []string{"team_nope"}}, 422, "team_ids[0]", "unknown_team"},
			{map[string]any{"name": "X", "email": "x@y.vn", "active": "yes"}, 422, "active", "expected_boolean"},
			{map[string]any{"name": "X", "email": "x@y.vn", "nickname": "x"}, 422, "nickname", "unknown_json_field"},
			{`{"name": "X",`, 400, "", "invalid_json"},
			{`["not", "an", "object"]`, 400, "", "body_not_object"},
		},
		"PATCH /v1/users/{id}": {
			{map[string]any{"phone": "12"}, 422, "phone", "invalid_phone"},
			{map[string]any{"name": ""}, 422, "name", "required"},
			{map[string]any{"version": 99}, 409, "", "version_conflict"},
		},
		"POST /v1/teams": {
			{map[string]any{}, 422, "name", "required"},
			{map[string]any{"name": "T", "leader_id": "usr_nope"}, 422, "leader_id", "unknown_user"},
			{map[string]any{"name": "T", "member_ids": []any{1}}, 422, "member_ids", "expected_text"},
		},
		"PATCH /v1/teams/{id}": {
			{map[string]any{"leader_id": a.user}, 422, "leader_id", "wrong_role"},
		},
		"POST /v1/warehouses": {
			{map[string]any{"name": strings.Repeat("x", 201)}, 422, "name", "too_long"},
			{map[string]any{"name": "W", "manager_ids": []string{a.user}}, 422, "manager_ids[0]", "wrong_role"},
		},
		"PATCH /v1/warehouses/{id}": {
			{map[string]any{"name": "  "}, 422, "name", "required"},
		},
		"POST /v1/pipelines": {
			{map[string]any{"name": "P"}, 422, "steps", "required"},
			{map[string]any{"name": "P", "steps": []map[string]string{{"name": "A"}, {"name": "a"}}}, 422, "steps[1].name", "duplicate_name"},
			{map[string]any{"name": "P", "steps": []map[string]string{{"name": ""}}}, 422, "steps[0].name", "required"},
		},
		"PATCH /v1/pipelines/{id}": {
			{map[string]any{"steps": []map[string]string{{"id": "st_nope", "name": "A"}}}, 422, "steps[0].id", "unknown_step"},
		},
		"POST /v1/fields": {
			{map[string]any{"key": "Bad Key", "label": "L", "type": "text"}, 422, "key", "invalid_key"},
			{map[string]any{"key": "phone", "label": "L", "type": "text"}, 422, "key", "reserved_key"},
			{map[string]any{"key": "k", "label": "L", "type": "colour"}, 422, "type", "invalid_field_type"},
			{map[string]any{"key": "k", "label": "L", "type": "select"}, 422, "options", "required"},
			{map[string]any{"key": "k", "label": "L", "type": "select", "options": []string{"a", "a"}}, 422, "options[1]", "duplicate_option"},
			{map[string]any{"key": "secret_a", "label": "L", "type": "text"}, 422, "key", "field_exists"},
			{map[string]any{"key": "k", "label": "L", "type": "date", "calendar": "julian"}, 422, "calendar", "invalid_calendar"},
			{map[string]any{"key": "k", "label": "L", "type": "text", "calendar": "lunar"}, 422, "calendar", "lunar_calendar_only_for_date"},
		},
		"PATCH /v1/fields/{key}": {
			{map[string]any{"type": "number"}, 422, "type", "read_only"},
			{map[string]any{"calendar": "lunar"}, 422, "calendar", "read_only"},
			{map[string]any{"options": []string{"a"}}, 422, "options", "options_not_allowed"},
		},
		"PUT /v1/settings/duplicates": {
			{map[string]any{}, 422, "criteria", "required"},
			{map[string]any{"criteria": []string{"email", "zodiac"}}, 422, "criteria[1]", "unknown_criterion"},
		},
		"PUT /v1/settings/workspace": {
			{map[string]any{"timezone": "Mars/Olympus"}, 422, "timezone", "invalid_timezone"},
			{map[string]any{"language": "fr"}, 422, "language", "invalid_language"},
			{map[string]any{"quiet_hours": map[string]string{"from": "25:00", "to": "08:00"}}, 422, "quiet_hours.from", "invalid_clock"},
		},
		"POST /v1/customers": {
			{map[string]any{}, 422, "name", "required"},
			{map[string]any{"name": "C", "phone": "0912"}, 422, "phone", "invalid_phone"},
			{map[string]any{"name": "C", "email": "a@b"}, 422, "email", "invalid_email"},
			{map[string]any{"name": "C", "tax_code": "12345"}, 422, "tax_code", "invalid_tax_code"},
			{map[string]any{"name": "C", "birthday": "15/06/1990"}, 422, "birthday", "invalid_date"},
			{map[string]any{"name": "C", "owner_id": "usr_nope"}, 422, "owner_id", "unknown_user"},
			{map[string]any{"name": "C", "warehouse_id": "wh_nope"}, 422, "warehouse_id", "unknown_warehouse"},
			{map[string]any{"name": "C", "tags": "vip"}, 422, "tags", "expected_text_list"},
			{map[string]any{"name": "C", "fields": map[string]any{"nope": 1}}, 422, "fields.nope", "unknown_field"},
			{map[string]any{"name": "C", "fields": map[string]any{"secret_a": 42}}, 422, "fields.secret_a", "expected_text"},
			{map[string]any{"name": "C", "pipelines": map[string]string{a.pipeline: "st_nope"}}, 422, "pipelines." + a.pipeline, "unknown_step"},
			{map[string]any{"name": "C", "code": "KH999"}, 422, "code", "read_only"},
			{map[string]any{"name": "C", "colour": "red"}, 422, "colour", "unknown_field"},
			{`"just a string"`, 400, "", "body_not_object"},
		},
		"PATCH /v1/customers/{id}": {
			{map[string]any{"name": nil}, 422, "name", "required"},
			{map[string]any{"email_opt_out": "no"}, 422, "email_opt_out", "expected_boolean"},
			{map[string]any{"version": "one"}, 422, "version", "expected_integer"},
		},
		"POST /v1/customers/{id}/step": {
			{map[string]any{}, 422, "pipeline_id", "required"},
			{map[string]any{"pipeline_id": a.pipeline, "step_id": "st_nope"}, 422, "step_id", "unknown_step"},
		},
		"POST /v1/customers/bulk/step": {
			{map[string]any{"pipeline_id": a.pipeline, "step_id": a.step}, 422, "ids", "required"},
			{map[string]any{"ids": manyIDs(501), "pipeline_id": a.pipeline, "step_id": a.step}, 422, "ids", "too_many"},
		},
		"PUT /v1/customers/{id}/shares": {
			{map[string]any{}, 422, "user_ids", "required"},
			{map[string]any{"user_ids": []string{"usr_nope"}}, 422, "user_ids[0]", "unknown_user"},
		},
		"POST /v1/customers/{id}/pin": {
			{map[string]any{"days": 0}, 422, "days", "out_of_range"},
			{map[string]any{"until": "2001-01-01T00:00:00Z"}, 422, "until", "must_be_future"},
			{map[string]any{"until": "tomorrow"}, 422, "until", "invalid_datetime"},
		},
		"POST /v1/customers/{id}/notes": {
			{map[string]any{"body": "   "}, 422, "body", "required"},
		},
		"POST /v1/customers/{id}/activities": {
			{map[string]any{"name": "Gọi"}, 422, "type", "required"},
			{map[string]any{"name": "Gọi", "type": "fax"}, 422, "type", "invalid_activity_type"},
			{map[string]any{"type": "call"}, 422, "name", "required"},
		},
		"POST /v1/customers/{id}/calls": {
			{map[string]any{"direction": "sideways"}, 422, "direction", "invalid_direction"},
			{map[string]any{"duration": "forever"}, 422, "duration", "invalid_duration"},
			{map[string]any{"recording_url": "ftp://x"}, 422, "recording_url", "invalid_url"},
		},
		"POST /v1/customers/{id}/appointments": {
			{map[string]any{"title": "Hẹn"}, 422, "at", "required"},
			{map[string]any{"at": "2030-01-01T03:00:00Z", "title": "Hẹn", "remind_before": "30 phút"}, 422, "remind_before", "invalid_duration"},
			{map[string]any{"at": "2030-01-01T03:00:00Z", "title": "Hẹn", "status": "maybe"}, 422, "status", "invalid_status"},
		},
		"PATCH /v1/customers/{id}/appointments/{appointment_id}": {
			{map[string]any{"title": ""}, 422, "title", "required"},
			{map[string]any{"version": 7}, 409, "", "version_conflict"},
		},
		"POST /v1/automations": {
			{map[string]any{"name": "x", "trigger": map[string]any{"type": "daily"}, "actions": []map[string]any{{"type": "unpin"}}}, 422, "trigger.at", "invalid_clock"},
			{map[string]any{"name": "x", "trigger": map[string]any{"type": "created"}, "conditions": [][]map[string]any{{{"field": "revenue", "op": "contains", "value": "1"}}},
				"actions": []map[string]any{{"type": "unpin"}}}, 422, "conditions[0][0].op", "operator_not_allowed"},
			{map[string]any{"name": "x", "trigger": map[string]any{"type": "created"}, "actions": []map[string]any{{"type": "set_field", "field": "secret_a", "value": 7}}}, 422, "actions[0].value", "expected_text"},
		},
		"POST /v1/automations/preview": {
			{map[string]any{"trigger": map[string]any{"type": "created"}, "conditions": [][]map[string]any{{{"field": "birthday", "op": "within_next_days", "value": -3}}},
				"actions": []map[string]any{{"type": "unpin"}}}, 422, "conditions[0][0].value", "expected_days"},
		},
		"PATCH /v1/automations/{id}": {
			{map[string]any{"actions": []map[string]any{{"type": "teleport"}}}, 422, "actions[0].type", "invalid_action"},
			{map[string]any{"version": 99}, 409, "", "version_conflict"},
		},
		"POST /v1/orders": {
			{map[string]any{}, 422, "customer_id", "required"},
			{map[string]any{"customer_id": a.customer, "status": "paid"}, 422, "status", "invalid_status"},
			{map[string]any{"customer_id": a.customer, "items": []map[string]any{{"product": "x", "quantity": 0, "price": 1}}}, 422, "items[0].quantity", "out_of_range"},
		},
		"PATCH /v1/orders/{id}": {
			{map[string]any{"amount": -1}, 422, "amount", "out_of_range"},
		},
		"POST /v1/lead-sources": {
			{map[string]any{"name": "S"}, 422, "mapping", "required"},
			{map[string]any{"name": "S", "mapping": map[string]string{"phone": "$.p"}}, 422, "mapping.name", "required"},
			{map[string]any{"name": "S", "mapping": map[string]string{"name": "full_name"}}, 422, "mapping.name", "invalid_json_path"},
			{map[string]any{"name": "S", "mapping": map[string]string{"name": "$.n", "shoe": "$.s"}}, 422, "mapping.shoe", "unknown_field"},
			{map[string]any{"name": "S", "warehouse_id": "wh_x", "mapping": map[string]string{"name": "$.n"}}, 422, "warehouse_id", "unknown_warehouse"},
			{map[string]any{"name": "S", "returning_to_step": true, "mapping": map[string]string{"name": "$.n"}}, 422, "returning_to_step", "returning_needs_step"},
		},
		"PATCH /v1/lead-sources/{id}": {
			{map[string]any{"mapping": map[string]string{"name": "$["}}, 422, "mapping.name", "invalid_json_path"},
			{map[string]any{"returning_to_step": "yes"}, 422, "returning_to_step", "expected_boolean"},
		},
		"POST /v1/distribution-rules": {
			{map[string]any{"name": "D", "type": "lottery", "warehouse_id": a.warehouse, "staff": []map[string]any{{"user_id": a.user}}}, 422, "type", "invalid_distribution_type"},
			{map[string]any{"name": "D", "type": "weighted", "warehouse_id": a.warehouse, "staff": []map[string]any{{"user_id": a.user, "weight": 0}}}, 422, "staff[0].weight", "out_of_range"},
			{map[string]any{"name": "D", "type": "round_robin", "warehouse_id": a.warehouse, "staff": []map[string]any{{"user_id": "usr_x"}}}, 422, "staff[0].user_id", "unknown_user"},
			{map[string]any{"name": "D", "type": "round_robin", "warehouse_id": a.warehouse, "delay": "forever", "staff": []map[string]any{{"user_id": a.user}}}, 422, "delay", "invalid_duration"},
			{map[string]any{"name": "D", "type": "round_robin", "staff": []map[string]any{{"user_id": a.user}}}, 422, "warehouse_id", "required"},
		},
		"PATCH /v1/distribution-rules/{id}": {
			{map[string]any{"reclaim_after": "48h"}, 422, "reclaim_after", "only_for_reclaim"},
			{map[string]any{"version": 42}, 409, "", "version_conflict"},
		},
		"POST /hooks/leads/{source_id}": {
			{map[string]any{"n": "x"}, 401, "", "bad_signature"},
		},
		"POST /hooks/calls/{source_id}": {
			{map[string]any{"phone": "x"}, 401, "", "bad_signature"},
		},
		"POST /hooks/f/{token}": {
			{map[string]any{"ho_ten": "x"}, 404, "", "not_found"},
		},
		"POST /v1/lead-sources/{id}/test": {
			{map[string]any{"fields": map[string]string{"Họ tên": "a\u0000b"}}, 422, "fields.Họ tên", "control_character"},
			{map[string]any{"lead": "x"}, 422, "lead", "unknown_json_field"},
		},
		"POST /v1/workspaces": {
			{map[string]any{"name": "X"}, 409, "", "already_member"},
		},
		"POST /v1/templates/email": {
			{map[string]any{"name": "x", "subject": "s", "body": "Xin chào {{ten_la}}"}, 422, "body", "unknown_merge_field"},
			{map[string]any{"name": "x", "body": "b"}, 422, "subject", "required"},
			{map[string]any{"name": "Mẫu A", "subject": "x", "body": "x"}, 409, "", "template_name_taken"},
		},
		"PATCH /v1/templates/email/{id}": {
			{map[string]any{"subject": "a\nb"}, 422, "subject", "single_line"},
			{map[string]any{"version": 99}, 409, "", "version_conflict"},
		},
		"POST /v1/templates/sms": {
			{map[string]any{"name": "x", "subject": "s", "body": "b"}, 422, "subject", "unknown_json_field"},
			{map[string]any{"name": "x", "body": strings.Repeat("a", 1001)}, 422, "body", "too_long"},
		},
		"PATCH /v1/templates/sms/{id}": {
			{map[string]any{"body": ""}, 422, "body", "required"},
		},
		"POST /v1/tasks": {
			{map[string]any{"assignee_id": a.user}, 422, "title", "required"},
			{map[string]any{"title": "x", "assignee_id": "usr_nope"}, 422, "assignee_id", "unknown_user"},
			{map[string]any{"title": "x", "assignee_id": a.user, "priority": "urgent"}, 422, "priority", "invalid_value"},
			{map[string]any{"title": "x", "assignee_id": a.user, "due_on": "mai"}, 422, "due_on", "invalid_date"},
		},
		"PATCH /v1/tasks/{id}": {
			{map[string]any{"status": "finished"}, 422, "status", "invalid_value"},
			{map[string]any{"version": 99}, 409, "", "version_conflict"},
		},
		"POST /v1/care-flows": {
			careFlowCase(a, map[string]any{"when": map[string]any{"type": "anniversary", "field": "phone", "at": "08:00"}}, "when.field", "not_a_date_field"),
			careFlowCase(a, map[string]any{"when": map[string]any{"type": "anniversary", "field": "birthday", "at": "8h"}}, "when.at", "invalid_clock"),
			careFlowCase(a, map[string]any{"condition": map[string]any{}}, "condition", "all_or_groups"),
			careFlowCase(a, map[string]any{"actions": []map[string]any{{"type": "send_email", "template_id": "tpl_nope", "to_fields": []string{"email"}}}},
				"actions[0].template_id", "not_found"),
			careFlowCase(a, map[string]any{"actions": []map[string]any{{"type": "create_task", "title": "Gọi #ten_la", "assignee": "owner"}}},
				"actions[0].title", "unknown_merge_field"),
			careFlowCase(a, map[string]any{"actions": []map[string]any{{"type": "add_care_card", "owner": "performer"}}}, "actions[0].type", "orders_only"),
			careFlowCase(a, map[string]any{"actions": []map[string]any{{"type": "send_sms", "template_id": a.smsTpl, "to_fields": []string{"email"}}}},
				"actions[0].to_fields[0]", "not_a_recipient_field"),
			careFlowCase(a, map[string]any{"colour": "red"}, "colour", "unknown_json_field"),
		},
		"POST /v1/imports/preview": {
			{map[string]any{}, 415, "", "multipart_required"},
		},
		"POST /v1/imports/uploads": {
			{map[string]any{"file_name": "x.xlsx"}, 422, "file_name", "unknown_json_field"},
		},
		"POST /v1/imports": {
			{map[string]any{}, 422, "upload_id", "required"},
			{map[string]any{"upload_id": "upl_nope"}, 422, "upload_id", "unknown_upload"},
			{map[string]any{"upload_id": "upl_nope", "options": map[string]any{"duplicates": "merge"}}, 422, "options.duplicates", "invalid_duplicates_option"},
			{map[string]any{"upload_id": "upl_nope", "options": map[string]any{"owner": "x"}}, 422, "options.owner", "unknown_json_field"},
			{map[string]any{"upload_id": "upl_nope", "mapping": map[string]any{"SĐT": 5}}, 422, `mapping["SĐT"]`, "expected_text"},
		},
		"PUT /v1/care-flows/order": {
			{map[string]any{"ids": []string{"cf_nope"}}, 422, "ids[0]", "not_found"},
			{map[string]any{}, 422, "ids", "required"},
		},
		"PUT /v1/settings/list": {
			{map[string]any{"columns": []string{"name", "secret_b"}}, 422, "columns[1]", "unknown_field"},
			{map[string]any{"columns": []string{"name", "name"}}, 422, "columns[1]", "duplicate"},
			{map[string]any{"columns": []string{"name"}, "sort": "colour"}, 422, "sort", "invalid_sort"},
			{map[string]any{"columns": []string{"name"}, "limit": 501}, 422, "limit", "invalid_limit"},
		},
		"POST /v1/saved-filters": {
			{map[string]any{"filter": [][]map[string]any{}}, 422, "name", "required"},
			{map[string]any{"name": "x", "filter": [][]map[string]any{{{"field": "secret_a", "op": "gt", "value": 1}}}}, 422, "filter[0][0].op", "operator_not_allowed"},
			{map[string]any{"name": "x", "sort": "-colour"}, 422, "sort", "invalid_sort"},
			{map[string]any{"name": "Bộ lọc A"}, 409, "", "saved_filter_name_taken"},
		},
		"PATCH /v1/saved-filters/{id}": {
			{map[string]any{"filter": [][]map[string]any{{{"field": "mau_sac", "op": "eq", "value": "x"}}}}, 422, "filter[0][0].field", "unknown_field"},
			{map[string]any{"name": " "}, 422, "name", "required"},
			{map[string]any{"version": 99}, 409, "", "version_conflict"},
		},
		"POST /v1/share-rules": {
			{map[string]any{"name": "X", "campaign_id": a.campaign, "user_ids": []string{a.user}, "every": "1m"}, 422, "every", "interval_out_of_range"},
			{map[string]any{"name": "X", "campaign_id": "cmp_nope", "user_ids": []string{a.user}}, 422, "campaign_id", "unknown_campaign"},
			{map[string]any{"name": "X", "campaign_id": a.campaign, "user_ids": []string{a.user, "usr_nope"}}, 422, "user_ids[1]", "unknown_user"},
			{map[string]any{"name": "X", "campaign_id": a.campaign, "user_ids": []string{a.user}, "type": "round_robin"}, 422, "type", "invalid_value"},
		},
		"PATCH /v1/share-rules/{id}": {
			{map[string]any{"every": "25h"}, 422, "every", "interval_out_of_range"},
			{map[string]any{"assigned_to": "usr_nope"}, 422, "assigned_to", "unknown_user"},
			{map[string]any{"version": 99}, 409, "", "version_conflict"},
		},
		"PATCH /v1/care-flows/{id}": {
			{map[string]any{"module": "orders"}, 422, "module", "cannot_change"},
			{map[string]any{"version": 99}, 409, "", "version_conflict"},
		},
		"POST /v1/campaigns": {
			{map[string]any{}, 422, "name", "required"},
			{map[string]any{"name": strings.Repeat("x", 201)}, 422, "name", "too_long"},
			{map[string]any{"name": "C", "budget": -1}, 422, "budget", "out_of_range"},
			{map[string]any{"name": "C", "cost": "nhiều"}, 422, "cost", "expected_integer"},
			{map[string]any{"name": "C", "owner_id": "usr_x"}, 422, "owner_id", "unknown_user"},
			{map[string]any{"name": "C", "starts_on": "2026-02-30"}, 422, "starts_on", "invalid_date"},
			{map[string]any{"name": "C", "starts_on": "2026-12-20", "ends_on": "2026-12-01"}, 422, "ends_on", "ends_before_start"},
			{map[string]any{"name": "C", "key_map": map[string]string{"12": "joined"}}, 422, "key_map.12", "invalid_key_press"},
			{map[string]any{"name": "C", "key_map": map[string]string{"1": "won"}}, 422, "key_map.1", "invalid_status"},
			{map[string]any{"name": "C", "roi": 3}, 422, "roi", "unknown_json_field"},
		},
		"PATCH /v1/campaigns/{id}": {
			{map[string]any{"name": " "}, 422, "name", "required"},
			{map[string]any{"revenue": 1e16}, 422, "revenue", "out_of_range"},
			{map[string]any{"version": 99}, 409, "", "version_conflict"},
		},
		"POST /v1/campaigns/{id}/members": {
			{map[string]any{}, 422, "customer_id", "choose_one"},
			{map[string]any{"customer_id": "cus_nope"}, 422, "customer_id", "unknown_customer"},
			{map[string]any{"customer_id": a.customer, "status": "won"}, 422, "status", "invalid_status"},
			{map[string]any{"customer_ids": []string{""}}, 422, "customer_ids[0]", "required"},
			{map[string]any{"filter": [][]map[string]any{{{"field": "mau_sac", "op": "eq", "value": "x"}}}}, 422, "filter[0][0].field", "unknown_field"},
			{map[string]any{"customer_id": a.customer}, 409, "", "already_in_campaign"},
		},
		"PATCH /v1/campaigns/{id}/members/{customer_id}": {
			{map[string]any{"status": "won"}, 422, "status", "invalid_status"},
			{map[string]any{"care_status": "hot"}, 422, "care_status", "invalid_status"},
		},
		"POST /v1/customers/bulk/campaign": {
			{map[string]any{"ids": []string{a.customer}, "care_status": "multi_assigned"}, 422, "campaign_id", "required"},
			{map[string]any{"ids": []string{a.customer}, "campaign_id": "cmp_x", "care_status": "multi_assigned"}, 422, "campaign_id", "unknown_campaign"},
			{map[string]any{"ids": []string{a.customer}, "campaign_id": a.campaign, "care_status": "hot"}, 422, "care_status", "invalid_status"},
			{map[string]any{"campaign_id": a.campaign, "care_status": "multi_assigned"}, 422, "ids", "choose_one"},
		},
		"POST /v1/campaigns/{id}/send": {
			{map[string]any{"channel": "fax", "template_id": a.emailTpl}, 422, "channel", "invalid_channel"},
			{map[string]any{"channel": "email"}, 422, "template_id", "required"},
			{map[string]any{"channel": "sms", "template_id": a.emailTpl}, 422, "template_id", "unknown_template"},
			{map[string]any{"channel": "email", "template_id": a.emailTpl, "statuses": []string{"won"}}, 422, "statuses[0]", "invalid_status"},
		},
		"POST /v1/projects": {
			{map[string]any{}, 422, "name", "required"},
			{map[string]any{"name": "P", "member_ids": []string{"usr_nope"}}, 422, "member_ids[0]", "unknown_user"},
			{map[string]any{"name": "P", "statuses": []map[string]any{{"name": "Mới", "kind": "new"}}}, 422, "statuses[0].kind", "invalid_value"},
			{map[string]any{"name": "P", "statuses": []map[string]any{}}, 422, "statuses", "required"},
			{map[string]any{"name": "P", "phases": []map[string]any{{"name": "G1", "starts_on": "2030-02-01", "ends_on": "2030-01-31"}}}, 422, "phases[0].ends_on", "ends_before_start"},
			{map[string]any{"name": "P", "phases": []map[string]any{{"name": "G1", "starts_on": "2030-02-01"}}}, 422, "phases[0].ends_on", "required"},
			{map[string]any{"name": "P", "phases": []map[string]any{{"name": "G1", "colour": "đỏ"}}}, 422, "phases[0].colour", "unknown_json_field"},
			{map[string]any{"name": "P", "created_at": "2030-01-01T00:00:00Z"}, 422, "created_at", "read_only"},
			{map[string]any{"name": 5}, 422, "name", "expected_text"},
		},
		"PATCH /v1/projects/{id}": {
			{map[string]any{"name": " "}, 422, "name", "required"},
			{map[string]any{"owner_id": "usr_nope"}, 422, "owner_id", "unknown_user"},
			{map[string]any{"version": 99}, 409, "", "version_conflict"},
		},
		"POST /v1/projects/{id}/tasks": {
			{map[string]any{}, 422, "title", "required"},
			{map[string]any{"title": "T", "phase_id": "phs_nope"}, 422, "phase_id", "unknown_phase"},
			{map[string]any{"title": "T", "status": "done"}, 422, "status", "unknown_status"},
			{map[string]any{"title": "T", "assignee_id": "usr_nope"}, 422, "assignee_id", "not_project_member"},
			{map[string]any{"title": "T", "progress": 101}, 422, "progress", "out_of_range"},
			{map[string]any{"title": "T", "progress": "nửa"}, 422, "progress", "expected_integer"},
			{map[string]any{"title": "T", "due_on": "2030-02-30"}, 422, "due_on", "invalid_date"},
			{map[string]any{"title": "T", "parent_id": "ptask_nope"}, 422, "parent_id", "unknown_task"},
			{map[string]any{"title": "T", "related_user_ids": []string{}}, 422, "related_user_ids", "unknown_json_field"},
		},
		"POST /v1/tasks/{id}/comments": {
			{map[string]any{}, 422, "body", "required"},
			{map[string]any{"body": "x", "mention_ids": []string{"usr_nope"}}, 422, "mention_ids[0]", "not_project_member"},
			{map[string]any{"body": "x", "mention_ids": "usr_nope"}, 422, "mention_ids", "expected_text_list"},
		},
		"POST /hooks/campaigns/{campaign_id}/responses": {
			{map[string]any{"phone": "0912345678", "key": "1"}, 401, "", "bad_signature"},
		},
	}
	// Writes with no body to get wrong.
	noBody := map[string]bool{
		"DELETE /v1/users/{id}": true, "DELETE /v1/teams/{id}": true, "DELETE /v1/warehouses/{id}": true,
		"DELETE /v1/pipelines/{id}": true, "DELETE /v1/fields/{key}": true, "DELETE /v1/customers/{id}": true,
		"POST /v1/customers/{id}/restore": true, "DELETE /v1/customers/{id}/pin": true,
		"DELETE /v1/customers/{id}/appointments/{appointment_id}": true,
		"DELETE /v1/automations/{id}":                             true, "DELETE /v1/orders/{id}": true,
		"DELETE /v1/lead-sources/{id}": true, "DELETE /v1/distribution-rules/{id}": true, "POST /v1/lead-sources/{id}/rotate-secret": true,
		"DELETE /v1/templates/email/{id}": true, "DELETE /v1/templates/sms/{id}": true, "DELETE /v1/tasks/{id}": true,
		"DELETE /v1/care-flows/{id}": true, "POST /v1/care-flows/{id}/activate": true, "POST /v1/care-flows/{id}/deactivate": true,
		"POST /v1/care-flows/{id}/clone": true, "POST /v1/reports/rebuild": true, "DELETE /v1/saved-filters/{id}": true,
		"DELETE /v1/campaigns/{id}":   true,
		"DELETE /v1/share-rules/{id}": true,
		"DELETE /v1/projects/{id}":    true, "POST /v1/tasks/{id}/claim": true,
		// They read no body; an unknown notification is checked in inbox_test.go.
		"POST /v1/notifications/{id}/read": true, "POST /v1/notifications/read-all": true,
	}
	var before map[string]any
	admin.do("GET", "/v1/customers/"+a.customer, nil).ok(200).into(&before)
	for _, rt := range s.app.API.Routes() {
		key := rt.Method + " " + rt.Pattern
		if rt.Method == "GET" || noBody[key] {
			continue
		}
		list, ok := cases[key]
		if !ok {
			t.Errorf("no bad-input case for %s: add one", key)
			continue
		}
		for _, tc := range list {
			t.Run(key, func(t *testing.T) {
				for _, lang := range []string{"vi", "en"} {
					c := *admin
					c.lang = lang
					p := c.do(rt.Method, a.path(rt.Pattern), tc.body).problem(tc.status)
					if tc.path == "" {
						if p.Code != tc.code {
							t.Fatalf("code = %s, want %s (%+v)", p.Code, tc.code, p)
						}
						continue
					}
					hasError(t, p, tc.path, tc.code)
					if len(p.Errors) != 1 {
						t.Fatalf("%d errors, want exactly the one at %s: %+v", len(p.Errors), tc.path, p.Errors)
					}
				}
			})
		}
	}
	var after map[string]any
	admin.do("GET", "/v1/customers/"+a.customer, nil).ok(200).into(&after)
	if after["version"] != before["version"] {
		t.Fatalf("refused requests changed the customer: version %v → %v", before["version"], after["version"])
	}
}

// Messages follow Accept-Language, else the workspace's language.
func TestProblemLanguage(t *testing.T) {
	s := start(t, false)
	admin, _ := s.workspace("Ngôn ngữ")
	vi := admin.do("POST", "/v1/customers", map[string]any{}).problem(422)
	if vi.Errors[0].Message != "Bắt buộc nhập." || vi.Detail != "Dữ liệu không hợp lệ." {
		t.Fatalf("default (workspace vi): %+v", vi)
	}
	en := admin.with("Accept-Language", "en-US,en;q=0.9,vi;q=0.5").do("POST", "/v1/customers", map[string]any{}).problem(422)
	if en.Errors[0].Message != "Required." {
		t.Fatalf("Accept-Language en: %+v", en)
	}
	admin.do("PUT", "/v1/settings/workspace", map[string]any{"language": "en"}).ok(200)
	if p := admin.do("GET", "/v1/customers/cus_nope", nil).problem(404); p.Detail != "No such customer." {
		t.Fatalf("workspace en: %q", p.Detail)
	}
	if p := admin.with("Accept-Language", "vi").do("GET", "/v1/customers/cus_nope", nil).problem(404); p.Detail != "Không tìm thấy khách hàng." {
		t.Fatalf("Accept-Language vi: %q", p.Detail)
	}
}

// careFlowCase is a care flow good but for what bad replaces.
func careFlowCase(a *tenantA, bad map[string]any, path, code string) badCase {
	body := map[string]any{"module": "customers", "name": "Sinh nhật",
		"when":      map[string]any{"type": "anniversary", "field": "birthday", "at": "08:00"},
		"condition": map[string]any{"all": true},
		"actions":   []map[string]any{{"type": "send_email", "template_id": a.emailTpl, "to_fields": []string{"email"}}}}
	for k, v := range bad {
		body[k] = v
	}
	return badCase{body, 422, path, code}
}

func manyIDs(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("cus_%d", i)
	}
	return out
}
