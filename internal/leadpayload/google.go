package leadpayload

import (
	"crypto/subtle"
	"encoding/json"

	"tend/internal/domain"
)

// GoogleLead is a lead a Google Ads lead form posts to its webhook.
type GoogleLead struct {
	LeadID     string
	FormID     string
	CampaignID string
	AdgroupID  string
	CreativeID string
	GCLID      string
	APIVersion string
	IsTest     bool   // a test lead ("Send test data"): kept apart
	Key        string // google_key, the advertiser's secret: check it with GoogleKeyOK
	Fields     []Field
}

// GoogleAdsLead reads a Google Ads lead form webhook. Each of
// user_column_data's columns is a field: named by its column_id when that
// is one of Google's own (upper-case, as FULL_NAME, PHONE_NUMBER, EMAIL,
// CITY, COMPANY_NAME, WORK_EMAIL), else — a custom question — by its
// column_name, the question as the form shows it ("Bạn muốn được gọi vào
// lúc nào?"), so that a mapping (or the matcher) names it by its text;
// a custom column without a column_name keeps its column_id. lead_id is
// required; ids sent as numbers are kept as their digits.
func GoogleAdsLead(body []byte) (*GoogleLead, error) {
	var raw struct {
		Columns    json.RawMessage `json:"user_column_data"`
		APIVersion json.RawMessage `json:"api_version"`
		Key        json.RawMessage `json:"google_key"`
		IsTest     *bool           `json:"is_test"`
	}
	var all map[string]json.RawMessage
	if err := readJSON(body, "Google Ads", &all); err != nil {
		return nil, err
	}
	if json.Unmarshal(body, &raw) != nil {
		return nil, notPayload("Google Ads")
	}
	var p domain.Problems
	l := &GoogleLead{IsTest: raw.IsTest != nil && *raw.IsTest}
	ids(&p, "", all, idOf{"lead_id", &l.LeadID}, idOf{"form_id", &l.FormID}, idOf{"campaign_id", &l.CampaignID},
		idOf{"adgroup_id", &l.AdgroupID}, idOf{"creative_id", &l.CreativeID}, idOf{"gcl_id", &l.GCLID})
	if l.LeadID == "" && !named(&p, "lead_id") {
		p.Add("lead_id", "required")
	}
	var err error
	if l.APIVersion, err = text(raw.APIVersion); err != nil {
		p.Add("api_version", "expected_text")
	}
	if l.Key, err = text(raw.Key); err != nil {
		p.Add("google_key", "expected_text")
	}
	l.Fields = googleColumns(&p, raw.Columns)
	if err := p.Err(); err != nil {
		return nil, err
	}
	return l, nil
}

// googleColumns reads user_column_data into fields.
func googleColumns(p *domain.Problems, raw json.RawMessage) []Field {
	var cols []struct {
		ID    string `json:"column_id"`
		Name  string `json:"column_name"`
		Value string `json:"string_value"`
	}
	if len(raw) > 0 && string(raw) != "null" && json.Unmarshal(raw, &cols) != nil {
		p.Add("user_column_data", "expected_list")
		return nil
	}
	c := newCollector()
	for _, col := range cols {
		name := col.ID
		if !googleColumnID(col.ID) && col.Name != "" {
			name = col.Name
		}
		c.add(name, col.Value)
	}
	fields, err := c.result()
	mergeProblems(p, "user_column_data", err)
	return fields
}

// googleColumnID says whether a column_id is one of Google's own: they
// are upper-case words joined by "_" (FULL_NAME, WORK_PHONE, VEHICLE_MODEL).
func googleColumnID(id string) bool {
	if id == "" || id[0] < 'A' || id[0] > 'Z' {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// GoogleKeyOK says whether a lead's google_key is the source's, in
// constant time; an empty key never matches.
func GoogleKeyOK(want, got string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1
}
