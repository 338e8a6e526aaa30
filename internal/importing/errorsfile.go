package importing

import (
	"context"
	"errors"
	"io"
	"strings"

	"tend/internal/domain"
	"tend/internal/sheet"
	"tend/internal/workspace"
)

// ErrorsFile writes the rows an import refused, with their columns as in
// the file and one more, "Lỗi", saying what is wrong (message renders a
// problem in the reader's language): the file to fix and import again,
// whose error column is then left out. Rows skipped as duplicates are not
// in it.
func (s *Service) ErrorsFile(ctx context.Context, c *workspace.Caller, id string, w io.Writer, message func(RowError) string) error {
	j, err := s.visibleJob(ctx, c, id)
	if err != nil {
		return err
	}
	if !j.Finished() {
		return domain.Errorf(domain.ErrConflict, "import_not_finished")
	}
	var keep []int // the file's columns, but an error column it had
	header := []string{}
	for i, col := range j.Columns {
		if col.Field == "" && (col.Header == errorsColumn || strings.EqualFold(col.Header, "error")) {
			continue
		}
		keep = append(keep, i)
		header = append(header, col.Header)
	}
	header = append(header, errorsColumn)
	refused, err := s.refusedRows(ctx, j)
	if err != nil {
		return err
	}
	x, err := sheet.NewXLSX(w, "Lỗi nhập", header)
	if err != nil {
		return err
	}
	cells := make([]any, 0, len(header))
	if len(refused) > 0 {
		err := s.eachRow(ctx, j, func(r fileRow) error {
			problems, ok := refused[r.line]
			if !ok {
				return nil
			}
			cells = cells[:0]
			for _, i := range keep {
				v := ""
				if i < len(r.cells) {
					v = r.cells[i]
				}
				cells = append(cells, v)
			}
			msgs := make([]string, len(problems))
			for i, p := range problems {
				msgs[i] = message(p)
			}
			return x.Write(append(cells, strings.Join(msgs, "; ")))
		})
		if errors.Is(err, domain.ErrNotFound) {
			return domain.Errorf(domain.ErrNotFound, "import_file_gone")
		}
		if err != nil {
			return err
		}
	}
	return x.Close()
}
