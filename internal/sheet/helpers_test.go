package sheet_test

import (
	"archive/zip"
	"bytes"
	"testing"
	"unicode/utf16"

	"github.com/xuri/excelize/v2"
)

// xlsxFile builds an xlsx in memory: rows written from A1 down, then
// edit, if any, changes the file (formulas, merges, hidden sheets).
func xlsxFile(t testing.TB, rows [][]any, edit func(f *excelize.File)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if edit != nil {
		edit(f)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// must fails the test on an error of the excelize calls that build a file.
func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// zipFile builds a zip of entries; a raw entry declares the sizes given
// with its (stored, tiny) data, to test the checks of the central
// directory without writing hundreds of megabytes.
type zipEntry struct {
	name     string
	data     []byte
	declared uint64 // a raw entry's declared unpacked size, when not 0
}

func zipFile(t testing.TB, entries ...zipEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		if e.declared == 0 {
			w, err := zw.Create(e.name)
			must(t, err)
			_, err = w.Write(e.data)
			must(t, err)
			continue
		}
		w, err := zw.CreateRaw(&zip.FileHeader{
			Name: e.name, Method: zip.Deflate,
			CompressedSize64: uint64(len(e.data)), UncompressedSize64: e.declared,
		})
		must(t, err)
		_, err = w.Write(e.data)
		must(t, err)
	}
	must(t, zw.Close())
	return buf.Bytes()
}

// utf16File encodes text as UTF-16 with a BOM.
func utf16File(s string, bigEndian bool) []byte {
	units := utf16.Encode([]rune(s))
	out := []byte{0xFF, 0xFE}
	if bigEndian {
		out = []byte{0xFE, 0xFF}
	}
	for _, u := range units {
		if bigEndian {
			out = append(out, byte(u>>8), byte(u))
		} else {
			out = append(out, byte(u), byte(u>>8))
		}
	}
	return out
}
