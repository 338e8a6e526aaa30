package sheet

import (
	"bytes"
	"io"
	"strings"
)

// Limits bound what a file may hold.
type Limits struct {
	MaxBytes int64 // the file's size (default 20 MiB)
	MaxRows  int   // data rows after the header (default 100,000)
	MaxCols  int   // columns (default 200)
}

// DefaultLimits are the limits of an import.
var DefaultLimits = Limits{MaxBytes: 20 << 20, MaxRows: 100_000, MaxCols: 200}

// withDefaults fills the limits left at zero from DefaultLimits.
func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultLimits.MaxBytes
	}
	if l.MaxRows <= 0 {
		l.MaxRows = DefaultLimits.MaxRows
	}
	if l.MaxCols <= 0 {
		l.MaxCols = DefaultLimits.MaxCols
	}
	return l
}

// Row is a data row.
type Row struct {
	Line  int      // 1-based row number in the file as Excel shows it (the header is usually 1)
	Cells []string // one per header column
}

// source is the row stream of one file format: rows in file order with
// their line, untrimmed, of any width.
type source interface {
	next() (line int, cells []string, err error)
	close() error
}

// Reader reads the data rows of a spreadsheet after its header.
type Reader struct {
	src    source
	lim    Limits
	header []string
	rows   int // data rows returned so far
	total  int
}

var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// Open reads a spreadsheet: .xlsx or .csv, told apart by content (zip
// magic), not by name. CSV: UTF-8 with or without BOM, UTF-16 LE/BE with
// BOM, the delimiter detected among , ; and tab from the header line.
// XLSX: the first visible worksheet, raw cell values (dates as serials,
// numbers unformatted). The first non-empty row is the header. Every
// problem with the file itself, found anywhere in it, is reported here as
// a *FileError, so that a file Open accepts reads to its end.
func Open(r io.ReaderAt, size int64, lim Limits) (*Reader, error) {
	lim = lim.withDefaults()
	if size > lim.MaxBytes {
		return nil, &FileError{Code: CodeTooLarge, Limit: lim.MaxBytes}
	}
	if size == 0 {
		return nil, fileError(CodeEmpty, "no bytes")
	}
	head := make([]byte, 8)
	n, err := r.ReadAt(head, 0)
	if n < len(head) && err != nil && err != io.EOF {
		return nil, err
	}
	head = head[:n]
	var (
		src   source
		scan  scanResult
		isZip = bytes.HasPrefix(head, zipMagic)
	)
	switch {
	case isZip:
		src, scan, err = openXLSX(r, size, lim)
	case bytes.HasPrefix(head, oleMagic):
		return nil, fileError(CodeXLSOrEncrypted, "OLE compound file")
	default:
		src, scan, err = openCSV(r, size, lim)
	}
	if err != nil {
		return nil, err
	}
	rd := &Reader{src: src, lim: lim}
	if err := rd.readHeader(scan); err != nil {
		_ = src.close()
		return nil, err
	}
	return rd, nil
}

// scanResult is what a format's first pass over the whole file learned.
type scanResult struct {
	valueRows int                                 // rows holding a value, header included (an upper bound for xlsx)
	formula   string                              // the first cell holding a formula ("C7"), if any
	merged    func(headerLine int) (string, bool) // the first merged cell of a row, if any
}

// readHeader reads the first non-empty row as the header and checks it.
func (r *Reader) readHeader(scan scanResult) error {
	var line int
	var cells []string
	for {
		l, c, err := r.src.next()
		if err == io.EOF {
			return fileError(CodeEmpty, "no header row")
		}
		if err != nil {
			return err
		}
		trimAll(c)
		if !blank(c) {
			line, cells = l, c
			break
		}
	}
	for len(cells) > 0 && cells[len(cells)-1] == "" {
		cells = cells[:len(cells)-1]
	}
	if len(cells) > r.lim.MaxCols {
		return &FileError{Code: CodeTooManyColumns, Line: line, Limit: int64(r.lim.MaxCols)}
	}
	r.header = append([]string(nil), cells...)
	if scan.formula != "" {
		fl, col := splitRef(scan.formula)
		return &FileError{Code: CodeFormula, Line: fl, Column: r.columnName(col, fl > line)}
	}
	if scan.merged != nil {
		if ref, ok := scan.merged(line); ok {
			_, col := splitRef(ref)
			return &FileError{Code: CodeMergedHeader, Line: line, Column: r.columnName(col, false), Reason: "merged cells"}
		}
	}
	seen := make(map[string]bool, len(cells))
	for i, h := range cells {
		if h == "" {
			return &FileError{Code: CodeMergedHeader, Line: line, Column: columnLetter(i), Reason: "blank header"}
		}
		k := strings.ToLower(h)
		if seen[k] {
			return &FileError{Code: CodeMergedHeader, Line: line, Column: h, Reason: "duplicate header"}
		}
		seen[k] = true
	}
	if data := scan.valueRows - 1; data > r.lim.MaxRows {
		return &FileError{Code: CodeTooManyRows, Limit: int64(r.lim.MaxRows)}
	}
	r.total = max(scan.valueRows-1, 0)
	return nil
}

// columnName names a column for a message: its header when the row is
// below the header and the column has one, else its letter.
func (r *Reader) columnName(col int, belowHeader bool) string {
	if belowHeader && col < len(r.header) && r.header[col] != "" {
		return r.header[col]
	}
	return columnLetter(col)
}

// Header returns the header's names, trimmed, without trailing blanks.
func (r *Reader) Header() []string { return r.header }

// Total returns how many data rows the file holds, found when it was
// opened. For an xlsx it counts rows holding a value cell, so a row whose
// only values are shared strings of spaces counts though Next skips it:
// an upper bound, for progress.
func (r *Reader) Total() int { return r.total }

// Next returns the next data row; io.EOF after the last. Empty rows are
// skipped (but Line still counts them). Cells are trimmed; a row shorter
// than the header is padded with "", values beyond it are left out.
func (r *Reader) Next() (Row, error) {
	for {
		line, cells, err := r.src.next()
		if err != nil {
			return Row{}, err
		}
		trimAll(cells)
		if len(cells) > len(r.header) {
			cells = cells[:len(r.header)]
		}
		if blank(cells) {
			continue
		}
		r.rows++
		if r.rows > r.lim.MaxRows {
			return Row{}, &FileError{Code: CodeTooManyRows, Line: line, Limit: int64(r.lim.MaxRows)}
		}
		out := make([]string, len(r.header))
		copy(out, cells)
		return Row{Line: line, Cells: out}, nil
	}
}

// Close releases the file's resources (excelize's temporary files).
func (r *Reader) Close() error { return r.src.close() }

func trimAll(cells []string) {
	for i, c := range cells {
		cells[i] = strings.TrimSpace(c)
	}
}

func blank(cells []string) bool {
	for _, c := range cells {
		if c != "" {
			return false
		}
	}
	return true
}

// columnLetter returns the letters of a 0-based column: 0 → "A", 26 → "AA".
func columnLetter(col int) string {
	var b []byte
	for col++; col > 0; col = (col - 1) / 26 {
		b = append([]byte{byte('A' + (col-1)%26)}, b...)
	}
	return string(b)
}

// splitRef splits a cell reference "AB12" into its row (12) and 0-based
// column (27); an unreadable part is 0.
func splitRef(ref string) (line, col int) {
	i := 0
	for ; i < len(ref); i++ {
		c := ref[i] | 0x20
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a'+1)
		if col > 1<<20 {
			return 0, 0
		}
	}
	for _, c := range []byte(ref[i:]) {
		if c < '0' || c > '9' || line > 1<<24 {
			return 0, max(col-1, 0)
		}
		line = line*10 + int(c-'0')
	}
	return line, max(col-1, 0)
}
