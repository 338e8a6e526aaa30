package sheet

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"
)

// maxMerges bounds the merged ranges kept while scanning a worksheet; the
// header's come first in a file Excel wrote, and a sheet with more is not
// a list of customers.
const maxMerges = 10_000

// mergedRange is a merged range of cells, rows 1-based, columns 0-based.
type mergedRange struct{ top, bottom, left int }

// scanWorksheet streams the worksheet's xml once, before excelize reads
// it, for what excelize's row iterator doesn't tell: the cells holding a
// formula (an <f> element: excelize's GetCellFormula per cell is far too
// slow), the merged ranges, and how many rows hold a value.
func scanWorksheet(part *zip.File) (scanResult, error) {
	var scan scanResult
	rc, err := part.Open()
	if err != nil {
		return scan, fileError(CodeNotSpreadsheet, "worksheet: "+err.Error())
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	var (
		cellRef  string
		rowValue bool
		merges   []mergedRange
	)
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return scan, &FileError{Code: CodeNotSpreadsheet, Reason: "worksheet: " + err.Error()}
			}
			return scan, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "row":
				rowValue = false
			case "c":
				cellRef = attr(t, "r")
			case "v", "is":
				rowValue = true
			case "f":
				if scan.formula == "" {
					scan.formula = cellRef
					if scan.formula == "" {
						scan.formula = "A1"
					}
				}
			case "mergeCell":
				if len(merges) < maxMerges {
					if m, ok := parseRange(attr(t, "ref")); ok {
						merges = append(merges, m)
					}
				}
			}
		case xml.EndElement:
			if t.Name.Local == "row" && rowValue {
				scan.valueRows++
			}
		}
	}
	scan.merged = func(line int) (string, bool) {
		for _, m := range merges {
			if m.top <= line && line <= m.bottom {
				return columnLetter(m.left) + strconv.Itoa(line), true
			}
		}
		return "", false
	}
	return scan, nil
}

func attr(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// parseRange reads "A1:C1".
func parseRange(ref string) (mergedRange, bool) {
	a, b, ok := strings.Cut(ref, ":")
	if !ok {
		return mergedRange{}, false
	}
	top, left := splitRef(a)
	bottom, _ := splitRef(b)
	return mergedRange{top: top, bottom: bottom, left: left}, top > 0 && bottom >= top
}
