package importing

import (
	"context"
	"errors"
	"io"
	"time"

	"tend/internal/domain"
	"tend/internal/rules"
	"tend/internal/workspace"
)

// PreviewRows is how many rows a preview shows.
const PreviewRows = 20

// Preview is how a file would be imported: each column's field, the
// columns left out, and the first rows as they would be imported.
type Preview struct {
	Mapping  map[string]*string `json:"mapping"`
	Unmapped []string           `json:"unmapped"`
	Rows     []PreviewRow       `json:"rows"`
	Errors   []RowError         `json:"errors"`
}

// PreviewRow is one row as it would be imported: its values by field (as
// the customer would hold them, or as written when the row is refused)
// and its problems. Duplicates are found only when importing.
type PreviewRow struct {
	Row    int            `json:"row"`
	Values map[string]any `json:"values"`
	Errors []RowError     `json:"errors"`
}

// Preview reads a file's header and first rows with the mapping.
func (s *Service) Preview(ctx context.Context, c *workspace.Caller, f File, m Mapping) (*Preview, error) {
	rd, err := openSheet(f.Body, f.Size)
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	cols, err := MapColumns(c.Org, rd.Header(), m, "mapping")
	if err != nil {
		return nil, err
	}
	out := &Preview{Mapping: map[string]*string{}, Unmapped: []string{}, Rows: []PreviewRow{}, Errors: []RowError{}}
	for _, col := range cols {
		if col.Field == "" {
			out.Mapping[col.Header] = nil
			out.Unmapped = append(out.Unmapped, col.Header)
			continue
		}
		out.Mapping[col.Header] = &col.Field
	}
	loc := location(c.Org)
	now := s.now()
	for len(out.Rows) < PreviewRows {
		row, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fileProblem(err)
		}
		pr := PreviewRow{Row: row.Line, Values: map[string]any{}, Errors: []RowError{}}
		in, problems := rowInput(c.Org, cols, row.Cells, loc)
		cu, err := in.Preview(c.Org, now)
		problems = append(problems, fieldErrors(err)...)
		if err != nil && len(fieldErrors(err)) == 0 {
			return nil, err
		}
		for i, col := range cols {
			if col.Field == "" || i >= len(row.Cells) || row.Cells[i] == "" {
				continue
			}
			pr.Values[col.Field] = row.Cells[i]
			if cu != nil && len(problems) == 0 {
				pr.Values[col.Field] = valueOf(cu, col.Field)
			}
		}
		pr.Errors = rowErrors(row.Line, cols, problems)
		out.Errors = append(out.Errors, pr.Errors...)
		out.Rows = append(out.Rows, pr)
	}
	return out, nil
}

// valueOf is a customer's value of a field, as the API shows it.
func valueOf(c *domain.Customer, key string) any {
	if v, ok := rules.ReadSystem(c, key); ok {
		if d, ok := v.(domain.Date); ok {
			return d.String()
		}
		return v
	}
	return c.Fields[key]
}

// fieldErrors are a validation error's problems (none for other errors).
func fieldErrors(err error) []domain.FieldError {
	var de *domain.Error
	if errors.As(err, &de) && errors.Is(err, domain.ErrInvalid) {
		if len(de.Fields) == 0 {
			return []domain.FieldError{{Path: "", Code: de.Code, Params: de.Params}}
		}
		return de.Fields
	}
	return nil
}

// rowErrors names a row's problems with the columns they come from, their
// params cut to a readable length, at most maxErrorsPerRow.
func rowErrors(line int, cols []Column, problems []domain.FieldError) []RowError {
	out := []RowError{}
	for _, f := range problems {
		if len(out) == maxErrorsPerRow {
			break
		}
		e := RowError{Row: line, Path: f.Path, Code: f.Code, Column: columnOf(cols, f.Path)}
		if len(f.Params) > 0 {
			e.Params = make(map[string]string, len(f.Params))
			for k, v := range f.Params {
				e.Params[k] = shown(v)
			}
		}
		out = append(out, e)
	}
	return out
}

// columnOf is the header of the column a problem's path comes from:
// "fields.hang[1]" from the column mapped to hang.
func columnOf(cols []Column, path string) string {
	key := path
	if len(key) > 7 && key[:7] == "fields." {
		key = key[7:]
	}
	for i := 0; i < len(key); i++ {
		if key[i] == '[' {
			key = key[:i]
			break
		}
	}
	for _, c := range cols {
		if c.Field == key && key != "" {
			return c.Header
		}
	}
	return ""
}

// location is the workspace's time zone, for times written without one.
func location(o *workspace.Org) *time.Location { return o.Workspace.Location() }
