package sheet

import (
	"archive/zip"
	"encoding/xml"
	"io"
	"path"
	"strings"
)

// maxPartXML bounds the small xml parts read whole (rels, workbook).
const maxPartXML = 16 << 20

type relationships struct {
	Rels []struct {
		ID     string `xml:"Id,attr"`
		Type   string `xml:"Type,attr"`
		Target string `xml:"Target,attr"`
	} `xml:"Relationship"`
}

type workbookXML struct {
	Sheets []struct {
		Name  string `xml:"name,attr"`
		State string `xml:"state,attr"`
		RelID string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
	} `xml:"sheets>sheet"`
}

// firstVisibleSheet finds the name and zip part of the workbook's first
// visible worksheet (chart sheets and hidden sheets are passed over).
func firstVisibleSheet(zr *zip.Reader) (name string, part *zip.File, err error) {
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[strings.ToLower(strings.TrimPrefix(strings.ReplaceAll(f.Name, "\\", "/"), "/"))] = f
	}
	workbook := "xl/workbook.xml"
	var root relationships
	if readPart(files, "_rels/.rels", &root) == nil {
		for _, r := range root.Rels {
			if strings.HasSuffix(r.Type, "/officeDocument") {
				workbook = strings.TrimPrefix(r.Target, "/")
			}
		}
	}
	var wb workbookXML
	if err := readPart(files, workbook, &wb); err != nil {
		return "", nil, fileError(CodeNotSpreadsheet, "no workbook: "+err.Error())
	}
	dir := path.Dir(workbook)
	var rels relationships
	if err := readPart(files, path.Join(dir, "_rels", path.Base(workbook)+".rels"), &rels); err != nil {
		return "", nil, fileError(CodeNotSpreadsheet, "no workbook relationships: "+err.Error())
	}
	for _, s := range wb.Sheets {
		if s.State == "hidden" || s.State == "veryHidden" {
			continue
		}
		for _, r := range rels.Rels {
			if r.ID != s.RelID || !strings.HasSuffix(r.Type, "/worksheet") {
				continue
			}
			p := path.Join(dir, r.Target)
			if strings.HasPrefix(r.Target, "/") {
				p = strings.TrimPrefix(r.Target, "/")
			}
			if files[strings.ToLower(p)] == nil {
				return "", nil, fileError(CodeNotSpreadsheet, "missing worksheet "+p)
			}
			return s.Name, files[strings.ToLower(p)], nil
		}
	}
	return "", nil, fileError(CodeEmpty, "no visible worksheet")
}

// readPart decodes a small xml part of the zip.
func readPart(files map[string]*zip.File, name string, v any) error {
	f := files[strings.ToLower(name)]
	if f == nil {
		return io.ErrUnexpectedEOF
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	return xml.NewDecoder(io.LimitReader(rc, maxPartXML)).Decode(v)
}
