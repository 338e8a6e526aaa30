package sheet

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Writer writes the rows of a spreadsheet: XLSXWriter and CSVWriter.
type Writer interface {
	Write(cells []any) error
	Close() error
}

// guardFirst are the first characters that make a spreadsheet program read
// a text cell as a formula (CSV injection), and ' itself, so that a value
// starting with ' survives the guard and unguard.
const guardFirst = "=+-@\t\r'"

// guard puts a ' before a text value that a spreadsheet would run.
func guard(s string) string {
	if s != "" && strings.IndexByte(guardFirst, s[0]) >= 0 {
		return "'" + s
	}
	return s
}

// CSVWriter writes UTF-8 with a BOM (so Excel opens Vietnamese text right),
// comma-separated, CRLF line ends.
type CSVWriter struct {
	w   *csv.Writer
	row []string
}

// NewCSV starts a csv file with its header.
func NewCSV(w io.Writer, header []string) (*CSVWriter, error) {
	if _, err := w.Write(bomUTF8); err != nil {
		return nil, err
	}
	c := &CSVWriter{w: csv.NewWriter(w)}
	c.w.UseCRLF = true
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = h
	}
	return c, c.Write(cells)
}

// Write writes a row: strings (guarded against formula injection), numbers,
// bools (TRUE/FALSE), times (dd/mm/yyyy, or dd/mm/yyyy hh:mm with a time of
// day), nil (empty).
func (c *CSVWriter) Write(cells []any) error {
	c.row = c.row[:0]
	for _, v := range cells {
		s, err := csvText(v)
		if err != nil {
			return err
		}
		c.row = append(c.row, s)
	}
	return c.w.Write(c.row)
}

// Close flushes the file.
func (c *CSVWriter) Close() error {
	c.w.Flush()
	return c.w.Error()
}

func csvText(v any) (string, error) {
	switch v := v.(type) {
	case nil:
		return "", nil
	case string:
		return guard(v), nil
	case json.Number:
		if _, err := strconv.ParseFloat(string(v), 64); err != nil {
			return guard(string(v)), nil
		}
		return string(v), nil
	case bool:
		if v {
			return "TRUE", nil
		}
		return "FALSE", nil
	case time.Time:
		if hasTimeOfDay(v) {
			return v.Format("02/01/2006 15:04"), nil
		}
		return v.Format("02/01/2006"), nil
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return fmt.Sprint(v), nil
	case float32:
		return strconv.FormatFloat(float64(v), 'f', -1, 32), nil
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), nil
	}
	return "", fmt.Errorf("sheet: a cell of type %T", v)
}

func hasTimeOfDay(t time.Time) bool {
	return t.Hour() != 0 || t.Minute() != 0 || t.Second() != 0 || t.Nanosecond() != 0
}
