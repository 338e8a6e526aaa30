package campaignexport

import (
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/go-pdf/fpdf"

	"tend/internal/pdffont"
)

// The PDF's page, in mm: A4 landscape.
const (
	margin     = 10.0
	footerSpan = 12.0 // below the last row: the page number
	rowHeight  = 6.0
	pageHeight = 210.0
	fontName   = pdffont.Name
)

// pdfWidths are the table's columns, summing to the page's width inside
// the margins (297 - 2×10).
var pdfWidths = [7]float64{22, 70, 28, 55, 46, 28, 28}

// writePDF draws the header and the table, its header row repeated on each
// page, and a page number "Trang n/N" at the foot of each page. fpdf keeps
// the pages in memory until it writes the file, which lets the numbers be
// written last, when N is known. (fpdf's own page-count alias is replaced
// byte-wise in the UTF-16 text, so it can break letters such as "à".)
func writePDF(w io.Writer, h Header, rows Rows, loc *time.Location) error {
	l := h.labels()
	pdf := fpdf.New("L", "mm", "A4", "")
	pdf.SetCreationDate(h.Generated)
	pdf.SetModificationDate(h.Generated)
	pdf.SetTitle(printable(h.Title+" – "+h.CampaignName), true)
	pdf.AddUTF8FontFromBytes(fontName, "", pdffont.DejaVuSans)
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(true, footerSpan)
	pdf.AddPage()

	pdf.SetFont(fontName, "", 15)
	pdf.MultiCell(0, 8, printable(h.Title), "", "L", false)
	pdf.SetFont(fontName, "", 10)
	pdf.MultiCell(0, 6, l.campaign+": "+printable(h.CampaignName), "", "L", false)
	pdf.MultiCell(0, 6, l.generated+": "+h.Generated.In(loc).Format(dateTimeLayout), "", "L", false)
	if len(h.Counts) > 0 {
		parts := make([]string, len(h.Counts))
		for i, c := range h.Counts {
			parts[i] = printable(c.Label) + ": " + strconv.FormatInt(c.N, 10)
		}
		pdf.MultiCell(0, 6, strings.Join(parts, "    "), "", "L", false)
	}
	if h.Filter != "" {
		pdf.MultiCell(0, 6, l.filter+": "+printable(h.Filter), "", "L", false)
	}
	pdf.Ln(3)

	tableHead := func() {
		pdf.SetFont(fontName, "", 9)
		pdf.SetFillColor(230, 230, 230)
		for i, c := range l.columns {
			pdf.CellFormat(pdfWidths[i], rowHeight+1, c, "1", 0, "L", true, 0, "")
		}
		pdf.Ln(-1)
		pdf.SetFont(fontName, "", 8.5)
	}
	tableHead()
	bottom := pageHeight - footerSpan
	err := each(rows, func(r *Row) error {
		if pdf.GetY()+rowHeight > bottom {
			pdf.AddPage()
			tableHead()
		}
		for i, s := range r.cells(loc) {
			pdf.CellFormat(pdfWidths[i], rowHeight, fit(pdf, printable(s), pdfWidths[i]), "1", 0, "L", false, 0, "")
		}
		pdf.Ln(-1)
		return pdf.Error()
	})
	if err != nil {
		return err
	}
	numberPages(pdf, l.page)
	return pdf.Output(w)
}

// numberPages writes "Trang n/N" at the foot of every page.
func numberPages(pdf *fpdf.Fpdf, word string) {
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetTextColor(110, 110, 110)
	total := strconv.Itoa(pdf.PageCount())
	for n := 1; n <= pdf.PageCount(); n++ {
		pdf.SetPage(n)
		// The page's text went on in another size: set the font again in
		// this page's content.
		pdf.SetFontSize(8)
		pdf.SetXY(margin, pageHeight-footerSpan+3)
		pdf.CellFormat(0, 5, word+" "+strconv.Itoa(n)+"/"+total, "", 0, "R", false, 0, "")
	}
}

// fit cuts s with an ellipsis to the width of a cell (less its padding).
func fit(pdf *fpdf.Fpdf, s string, width float64) string {
	room := width - 2*pdf.GetCellMargin()
	if pdf.GetStringWidth(s) <= room {
		return s
	}
	runes := []rune(s)
	lo, hi := 0, len(runes) // the longest prefix that fits is in [lo, hi)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if pdf.GetStringWidth(string(runes[:mid])+"…") <= room {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return string(runes[:lo]) + "…"
}

// printable replaces control characters: a cell is one line.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}
