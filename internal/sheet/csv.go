package sheet

import (
	"bufio"
	"encoding/csv"
	"errors"
	"io"
	"strings"
)

// csvSource reads the rows of a csv file.
type csvSource struct {
	r       *csv.Reader
	line    int // the Excel row of the last record
	endLine int // the text line the last record ended on
}

// openCSV checks a text file from end to end (encoding, limits) and
// returns its rows from the start.
func openCSV(r io.ReaderAt, size int64, lim Limits) (source, scanResult, error) {
	head := make([]byte, 8)
	n, _ := r.ReadAt(head, 0)
	enc, err := sniffText(head[:n])
	if err != nil {
		return nil, scanResult{}, err
	}
	delim, err := detectDelimiter(enc.decode(r, size))
	if err != nil {
		return nil, scanResult{}, err
	}
	scan, err := scanCSV(newCSVSource(enc.decode(r, size), delim), lim)
	if err != nil {
		return nil, scanResult{}, err
	}
	return newCSVSource(enc.decode(r, size), delim), scan, nil
}

func newCSVSource(text io.Reader, delim rune) *csvSource {
	cr := csv.NewReader(text)
	cr.Comma = delim
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true // a hand-typed 15" in a cell is a quote, not an error
	cr.ReuseRecord = true
	return &csvSource{r: cr}
}

// scanCSV reads every record once: each cell must be text, the header
// within MaxCols, the data rows within MaxRows (counted exactly as Next
// will: non-blank within the header's width).
func scanCSV(src *csvSource, lim Limits) (scanResult, error) {
	var scan scanResult
	width := -1
	for {
		line, cells, err := src.next()
		if err == io.EOF {
			return scan, nil
		}
		if err != nil {
			return scan, err
		}
		trimAll(cells)
		if width < 0 {
			if blank(cells) {
				continue
			}
			width = len(cells)
			for width > 0 && cells[width-1] == "" {
				width--
			}
			if width > lim.MaxCols {
				return scan, &FileError{Code: CodeTooManyColumns, Line: line, Limit: int64(lim.MaxCols)}
			}
			scan.valueRows++
			continue
		}
		if !blank(cells[:min(width, len(cells))]) {
			scan.valueRows++
			if scan.valueRows-1 > lim.MaxRows {
				return scan, &FileError{Code: CodeTooManyRows, Line: line, Limit: int64(lim.MaxRows)}
			}
		}
	}
}

// next returns the next record with its Excel row: encoding/csv skips
// empty lines, and a quoted cell may span lines, so the row is counted
// from where records start and end.
func (s *csvSource) next() (int, []string, error) {
	rec, err := s.r.Read()
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return 0, nil, &FileError{Code: CodeNotSpreadsheet, Line: s.line + 1, Reason: pe.Error()}
		}
		if errors.Is(err, errBadText) {
			return 0, nil, &FileError{Code: CodeNotSpreadsheet, Line: s.line + 1, Reason: err.Error()}
		}
		return 0, nil, err
	}
	start, _ := s.r.FieldPos(0)
	s.line += 1 + max(start-s.endLine-1, 0)
	last, _ := s.r.FieldPos(len(rec) - 1)
	s.endLine = last + strings.Count(rec[len(rec)-1], "\n")
	cells := make([]string, len(rec))
	for i, c := range rec {
		if !validText(c) {
			return 0, nil, &FileError{Code: CodeNotSpreadsheet, Line: s.line, Column: columnLetter(i), Reason: "not UTF-8 text"}
		}
		cells[i] = unguard(c)
	}
	return s.line, cells, nil
}

func (s *csvSource) close() error { return nil }

// detectDelimiter picks , ; or tab: the one found most often outside
// quotes on the first non-blank line (a comma when none is).
func detectDelimiter(text io.Reader) (rune, error) {
	br := bufio.NewReader(io.LimitReader(text, 1<<20))
	counts := map[rune]int{}
	quoted, seen := false, false
	for {
		c, _, err := br.ReadRune()
		if errors.Is(err, errBadText) {
			return 0, &FileError{Code: CodeNotSpreadsheet, Line: 1, Reason: err.Error()}
		}
		if err != nil {
			break
		}
		switch {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '\n':
			if seen {
				return pick(counts), nil
			}
		case c == ',' || c == ';' || c == '\t':
			counts[c]++
		case c != ' ' && c != '\r':
			seen = true
		}
	}
	return pick(counts), nil
}

func pick(counts map[rune]int) rune {
	best := ','
	for _, c := range []rune{';', '\t'} {
		if counts[c] > counts[best] {
			best = c
		}
	}
	return best
}

// unguard undoes the writer's guard against formula injection: a ' put
// before = + - @ tab CR or ' (see guard).
func unguard(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.IndexByte(guardFirst, s[1]) >= 0 {
		return s[1:]
	}
	return s
}
