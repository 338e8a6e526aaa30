// Package sheet reads and writes the spreadsheets people bring to and take
// from Tend: .xlsx (Excel) and .csv (UTF-8 with or without BOM, or UTF-16
// as Excel saves "Unicode text").
//
// Open reads the first visible worksheet of an xlsx, or a csv, as a header
// row and data rows of trimmed strings, streaming and within Limits. The
// cell values are raw: an xlsx date is its serial number ("45335"), a
// number is unformatted ("1500000"), a boolean is "1" or "0". Parsing them
// is the business of package cellvalue. Values in columns that have no
// header are not returned.
//
// A file that can't be read is refused with a *FileError holding one of
// these codes (stable: the API maps each to a message):
//
//	file_empty              no header row: nothing but empty rows
//	file_not_spreadsheet    neither a valid xlsx nor UTF-8/UTF-16 text (a PDF, an image, random bytes)
//	file_xls_or_encrypted   an OLE file: an old .xls or a password-protected xlsx ("save it as .xlsx")
//	file_too_large          more than Limits.MaxBytes
//	file_too_many_rows      more than Limits.MaxRows data rows
//	file_too_many_columns   a header wider than Limits.MaxCols
//	file_zip_bomb           an xlsx whose parts would unpack to far more than it holds
//	file_formula            a cell holding a formula (Line, Column say which)
//	file_merged_header      the header has merged cells, or a blank or duplicate name among its columns
//
// XLSXWriter and CSVWriter write files back, streaming, with a guard
// against formula injection.
package sheet
