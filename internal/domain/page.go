package domain

// Page is one page of a list.
type Page[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
	// Partial says the request ran out of time before the page was full:
	// more may follow at NextCursor (customer lists and lookups only).
	Partial bool `json:"partial,omitempty"`
}

// ListLimit clamps a requested page size: default 50, at most 500.
func ListLimit(n int) int {
	switch {
	case n <= 0:
		return 50
	case n > 500:
		return 500
	}
	return n
}

// InvalidCursor is the error for a page cursor that does not belong to
// the list it was brought to.
func InvalidCursor() *Error {
	return &Error{Kind: ErrInvalid, Code: "validation_failed", Fields: []FieldError{{Path: "cursor", Code: "invalid_cursor"}}}
}
