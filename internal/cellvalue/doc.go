// Package cellvalue parses the values Vietnamese spreadsheets hold: dates
// written day first or as Excel serials, numbers and money with . or ,
// thousands, yes/no in Vietnamese or English, and select options written
// without diacritics. Each parser's error wraps one of the sentinels below,
// for the import service to map to a coded message.
package cellvalue

import "errors"

var (
	ErrDate   = errors.New("cellvalue: not a date")
	ErrNumber = errors.New("cellvalue: not a number")
	ErrBool   = errors.New("cellvalue: not yes or no")
	ErrOption = errors.New("cellvalue: not one of the options")
)
