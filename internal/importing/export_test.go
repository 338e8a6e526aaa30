package importing

import (
	"time"

	"tend/internal/customer"
	"tend/internal/domain"
	"tend/internal/workspace"
)

// RowInput is rowInput, for the tests.
func RowInput(o *workspace.Org, cols []Column, cells []string, loc *time.Location) (*customer.Input, []domain.FieldError) {
	return rowInput(o, cols, cells, loc)
}
