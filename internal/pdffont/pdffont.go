// Package pdffont holds the Unicode font Tend's PDFs are set in: DejaVu
// Sans (LICENSE), which covers Vietnamese. fpdf embeds only the glyphs a
// document uses.
package pdffont

import _ "embed"

// DejaVuSans is the font file (TrueType).
//
//go:embed DejaVuSans.ttf
var DejaVuSans []byte

// Name is the family name PDFs register the font under.
const Name = "DejaVu"
