package workspace

import (
	"slices"
	"tend/internal/store"
	"time"
)

// Duplicate-check criteria [tiêu chí check trùng] (SPEC §7).
const (
	CriterionName          = "name"
	CriterionCode          = "code"
	CriterionEmail         = "email"
	CriterionPhone         = "phone"
	CriterionFax           = "fax"
	CriterionTaxCode       = "tax_code"
	CriterionOfficeAddress = "office_address"
	CriterionDescription   = "description"
	CriterionBirthday      = "birthday"
)

// Criteria lists every criterion an admin may enable.
var Criteria = []string{CriterionName, CriterionCode, CriterionEmail, CriterionPhone, CriterionFax,
	CriterionTaxCode, CriterionOfficeAddress, CriterionDescription, CriterionBirthday}

const settingDuplicates = "duplicates"

// DuplicatesKey is the item holding a workspace's DuplicateSettings.
func DuplicatesKey(t string) store.Key { return settingKey(t, settingDuplicates) }

// TypeSetting is the item type of a workspace setting.
const TypeSetting = typeSetting

// DuplicateSettings are the criteria on which a new or edited customer may
// not collide with another.
type DuplicateSettings struct {
	Criteria  []string  `json:"criteria"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
	Version   int64     `json:"version"`
}

// Enabled reports whether a criterion is checked.
func (d DuplicateSettings) Enabled(criterion string) bool {
	return slices.Contains(d.Criteria, criterion)
}

// GetDuplicateSettings returns the criteria in force.
func (s *Service) GetDuplicateSettings(c *Caller) DuplicateSettings {
	d := c.Org.Duplicates
	if d.Criteria == nil {
		d.Criteria = []string{}
	}
	return d
}
