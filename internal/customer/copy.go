package customer

import (
	"maps"
	"slices"
	"time"

	"tend/internal/domain"
)

// copyCustomer returns a deep copy of c without a JSON round trip: lists,
// maps and custom values are copied, times pointed to are copied.
func copyCustomer(c domain.Customer) domain.Customer {
	c.Tags = slices.Clone(c.Tags)
	c.SharedWith = slices.Clone(c.SharedWith)
	c.Pipelines = maps.Clone(c.Pipelines)
	if c.Fields != nil {
		f := make(domain.Values, len(c.Fields))
		for k, v := range c.Fields {
			if list, ok := v.([]string); ok {
				v = slices.Clone(list)
			}
			f[k] = v
		}
		c.Fields = f
	}
	c.PinnedAt, c.PinnedUntil = copyTime(c.PinnedAt), copyTime(c.PinnedUntil)
	c.LastCareAt, c.NextAppointmentAt = copyTime(c.LastCareAt), copyTime(c.NextAppointmentAt)
	c.LastOrderAt, c.DeletedAt = copyTime(c.LastOrderAt), copyTime(c.DeletedAt)
	c.AssignedAt, c.OwnerCaredAt = copyTime(c.AssignedAt), copyTime(c.OwnerCaredAt)
	return c
}

func copyTime(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	cp := *t
	return &cp
}

// Same reports whether two customers hold the same values in every
// field a change could touch (bookkeeping such as the version aside).
func Same(a, b *domain.Customer) bool {
	return a.Name == b.Name && a.Phone == b.Phone && a.Email == b.Email && a.Fax == b.Fax && a.TaxCode == b.TaxCode &&
		a.BusinessAddress == b.BusinessAddress && a.OfficeAddress == b.OfficeAddress && a.Birthday == b.Birthday &&
		a.FoundingDate == b.FoundingDate && a.Description == b.Description && a.WarehouseID == b.WarehouseID &&
		a.OwnerID == b.OwnerID && a.Source == b.Source && a.EmailOptOut == b.EmailOptOut && a.SMSOptOut == b.SMSOptOut &&
		a.Revenue == b.Revenue && a.Code == b.Code &&
		slices.Equal(a.Tags, b.Tags) && slices.Equal(a.SharedWith, b.SharedWith) && maps.Equal(a.Pipelines, b.Pipelines) &&
		sameTime(a.PinnedAt, b.PinnedAt) && sameTime(a.PinnedUntil, b.PinnedUntil) && sameTime(a.LastCareAt, b.LastCareAt) &&
		sameTime(a.NextAppointmentAt, b.NextAppointmentAt) && sameTime(a.LastOrderAt, b.LastOrderAt) &&
		sameTime(a.DeletedAt, b.DeletedAt) && sameTime(a.AssignedAt, b.AssignedAt) &&
		sameTime(a.OwnerCaredAt, b.OwnerCaredAt) && sameValues(a.Fields, b.Fields)
}

func sameTime(a, b *time.Time) bool {
	return (a == nil) == (b == nil) && (a == nil || a.Equal(*b))
}

func sameValues(a, b domain.Values) bool {
	if len(a) != len(b) {
		return false
	}
	for k, av := range a {
		bv, ok := b[k]
		if !ok {
			return false
		}
		al, aList := av.([]string)
		bl, bList := bv.([]string)
		switch {
		case aList || bList:
			if !(aList && bList && slices.Equal(al, bl)) {
				return false
			}
		case av != bv:
			return false
		}
	}
	return true
}
