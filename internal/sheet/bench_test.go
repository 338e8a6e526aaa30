package sheet_test

import (
	"archive/zip"
	"bufio"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"tend/internal/sheet"
)

// BenchmarkOpenXLSX100k reads a 100,000-row, 15-column xlsx written with
// XLSXWriter, and reports the rate and the peak heap in use while reading.
//
// XLSXWriter writes text as inline strings; Excel writes a shared strings
// table, which excelize holds in memory while reading: the SharedStrings
// variant measures that, on a file written the way Excel does.
func BenchmarkOpenXLSX100k(b *testing.B) {
	path := filepath.Join(b.TempDir(), "100k.xlsx")
	writeBenchFile(b, path, benchRows, benchCols)
	benchmarkOpen(b, path)
}

func BenchmarkOpenXLSX100kSharedStrings(b *testing.B) {
	path := filepath.Join(b.TempDir(), "100k-sst.xlsx")
	writeSharedStringsFile(b, path, benchRows, benchCols)
	benchmarkOpen(b, path)
}

const benchRows, benchCols = 100_000, 15

func benchmarkOpen(b *testing.B, path string) {
	const rows, cols = benchRows, benchCols
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		b.Fatal(err)
	}

	runtime.GC()
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go sampleHeap(&peak, stop, sampled)
	start := time.Now()
	read := 0
	for b.Loop() {
		r, err := sheet.Open(f, st.Size(), sheet.DefaultLimits)
		if err != nil {
			b.Fatal(err)
		}
		for {
			row, err := r.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			if len(row.Cells) != cols {
				b.Fatalf("row %d has %d cells", row.Line, len(row.Cells))
			}
			read++
		}
		if err := r.Close(); err != nil {
			b.Fatal(err)
		}
	}
	elapsed := time.Since(start)
	close(stop)
	<-sampled
	if read != rows*b.N {
		b.Fatalf("read %d rows; want %d", read, rows*b.N)
	}
	b.ReportMetric(float64(read)/elapsed.Seconds(), "rows/s")
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(st.Size())/(1<<20), "file-MB")
}

// sampleHeap records the largest HeapInuse seen until stop is closed.
func sampleHeap(peak *atomic.Uint64, stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	var ms runtime.MemStats
	for {
		runtime.ReadMemStats(&ms)
		if ms.HeapInuse > peak.Load() {
			peak.Store(ms.HeapInuse)
		}
		select {
		case <-stop:
			return
		case <-tick.C:
		}
	}
}

// writeBenchFile writes a customer list: names, phones, dates, amounts,
// notes, mostly distinct strings as real lists are.
func writeBenchFile(b *testing.B, path string, rows, cols int) {
	b.Helper()
	out, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer out.Close()
	header := make([]string, cols)
	for i := range header {
		header[i] = "Cột " + strconv.Itoa(i+1)
	}
	w, err := sheet.NewXLSX(out, "Khách hàng", header)
	if err != nil {
		b.Fatal(err)
	}
	cells := make([]any, cols)
	day := time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	for r := range rows {
		for c := range cols {
			cells[c] = benchCell(r, c, day)
		}
		if err := w.Write(cells); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
}

// benchCell is the value of a cell of the benchmark's customer list.
func benchCell(r, c int, day time.Time) any {
	switch c % 5 {
	case 0:
		return "Nguyễn Văn Khách " + strconv.Itoa(r)
	case 1:
		return "09" + strconv.Itoa(10_000_000+r*7+c)
	case 2:
		return day.AddDate(0, 0, r%15000)
	case 3:
		return r * 1000
	}
	return "Ghi chú số " + strconv.Itoa(r*benchCols+c)
}

// writeSharedStringsFile writes the benchmark's list as Excel does: text
// in a shared strings table, dates as serials.
func writeSharedStringsFile(b *testing.B, path string, rows, cols int) {
	b.Helper()
	out, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer out.Close()
	zw := zip.NewWriter(out)
	part := func(name, body string) {
		w, err := zw.Create(name)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.WriteString(w, body); err != nil {
			b.Fatal(err)
		}
	}
	part("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`)
	part("_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`)
	part("xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Khách hàng" sheetId="1" r:id="rId1"/></sheets></workbook>`)
	part("xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`)

	var strs []string
	w, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		b.Fatal(err)
	}
	bw := bufio.NewWriter(w)
	bw.WriteString(`<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	day := time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	for r := 0; r <= rows; r++ {
		fmt.Fprintf(bw, `<row r="%d">`, r+1)
		for c := range cols {
			ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
			v := any("Cột " + strconv.Itoa(c+1))
			if r > 0 {
				v = benchCell(r-1, c, day)
			}
			switch v := v.(type) {
			case string:
				fmt.Fprintf(bw, `<c r="%s" t="s"><v>%d</v></c>`, ref, len(strs))
				strs = append(strs, v)
			case time.Time:
				fmt.Fprintf(bw, `<c r="%s"><v>%d</v></c>`, ref, int(v.Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)).Hours()/24))
			default:
				fmt.Fprintf(bw, `<c r="%s"><v>%v</v></c>`, ref, v)
			}
		}
		bw.WriteString(`</row>`)
	}
	bw.WriteString(`</sheetData></worksheet>`)
	if err := bw.Flush(); err != nil {
		b.Fatal(err)
	}
	w, err = zw.Create("xl/sharedStrings.xml")
	if err != nil {
		b.Fatal(err)
	}
	bw = bufio.NewWriter(w)
	fmt.Fprintf(bw, `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`, len(strs), len(strs))
	for _, s := range strs {
		bw.WriteString("<si><t>")
		xml.EscapeText(bw, []byte(s))
		bw.WriteString("</t></si>")
	}
	bw.WriteString(`</sst>`)
	if err := bw.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		b.Fatal(err)
	}
}
