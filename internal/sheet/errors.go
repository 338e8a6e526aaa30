package sheet

import (
	"errors"
	"fmt"
)

// ErrBadFile is matched by every *FileError: errors.Is(err, ErrBadFile).
var ErrBadFile = errors.New("sheet: bad file")

// The codes of a FileError (see the package comment).
const (
	CodeEmpty          = "file_empty"
	CodeNotSpreadsheet = "file_not_spreadsheet"
	CodeXLSOrEncrypted = "file_xls_or_encrypted"
	CodeTooLarge       = "file_too_large"
	CodeTooManyRows    = "file_too_many_rows"
	CodeTooManyColumns = "file_too_many_columns"
	CodeZipBomb        = "file_zip_bomb"
	CodeFormula        = "file_formula"
	CodeMergedHeader   = "file_merged_header"
)

// FileError is a file that can't be read as a spreadsheet, with a stable
// code for the API.
type FileError struct {
	Code   string // one of the Code constants
	Line   int    // the row where known (1-based, as Excel shows it), else 0
	Column string // where known: the header name or the column letter, else ""
	Limit  int64  // the limit passed, for the file_too_* codes
	Reason string // what exactly is wrong, for logs; not shown to users
}

func (e *FileError) Error() string {
	s := "sheet: " + e.Code
	if e.Line > 0 {
		s += fmt.Sprintf(" at line %d", e.Line)
	}
	if e.Column != "" {
		s += fmt.Sprintf(" column %q", e.Column)
	}
	if e.Limit > 0 {
		s += fmt.Sprintf(" (limit %d)", e.Limit)
	}
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	return s
}

// Is makes every FileError match ErrBadFile.
func (e *FileError) Is(target error) bool { return target == ErrBadFile }

func fileError(code string, reason string) *FileError {
	return &FileError{Code: code, Reason: reason}
}
