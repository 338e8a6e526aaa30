package campaignexport_test

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"

	"tend/internal/campaignexport"
)

// pageElements are the elements the HTML page is made of: a member's text
// must never add one.
var pageElements = map[string]bool{
	"html": true, "head": true, "meta": true, "title": true, "style": true, "body": true, "h1": true, "p": true,
	"strong": true, "ul": true, "li": true, "table": true, "thead": true, "tbody": true, "tr": true, "th": true, "td": true,
}

// Any text in a member's fields or the header renders without a panic or
// an error, and in HTML only as text: no element, no script. Every input
// renders as HTML; other, which picks xlsx or pdf, keeps the fuzzer's
// executions fast when it picks neither (a PDF parses its font each time).
func FuzzWrite(f *testing.F) {
	for other, seed := range [][4]string{
		{"Nguyễn Thị Ánh Tuyết", "KH000001", "Tham gia", "Trạng thái: Tham gia"},
		{"<script>alert(1)</script>", "</td></tr></tbody></table><script>", `"><img src=x onerror=alert(1)>`, "<!--"},
		{"a\x00b\r\nc\xff\xfe", "\u202eKH", "&amp;&lt;", "]]></style><script>"},
		{strings.Repeat("Đỗ ", 400), "", "", ""},
	} {
		f.Add(uint8(other), seed[0], seed[1], seed[2], seed[3])
	}
	f.Fuzz(func(t *testing.T, other uint8, name, code, status, filter string) {
		h := campaignexport.Header{Title: name, CampaignName: name, Filter: filter, Counts: []campaignexport.Count{{status, 7}}}
		row := campaignexport.Row{Code: code, Name: name, Phone: code, Email: status, Owner: filter, Status: status}
		if format := [...]string{"", "xlsx", "pdf", ""}[other%4]; format != "" {
			if err := campaignexport.Write(&bytes.Buffer{}, format, h, campaignexport.RowsOf(row), hcm); err != nil && !tooLongForExcel(format, name, code, status, filter) {
				t.Fatalf("%s: %v", format, err)
			}
		}
		var out bytes.Buffer
		if err := campaignexport.Write(&out, "html", h, campaignexport.RowsOf(row), hcm); err != nil {
			t.Fatalf("html: %v", err)
		}
		if bytes.Contains(bytes.ToLower(out.Bytes()), []byte("<script")) {
			t.Fatalf("a <script in the page:\n%s", out.Bytes())
		}
		doc, err := html.Parse(&out)
		if err != nil {
			t.Fatal(err)
		}
		for n := range doc.Descendants() {
			if n.Type == html.ElementNode && !pageElements[n.Data] {
				t.Fatalf("the text made a <%s> element", n.Data)
			}
		}
		tds := find(doc, "td")
		if len(tds) != 7 {
			t.Fatalf("%d cells, want 7", len(tds))
		}
		if plain(name) && text(tds[1]) != name {
			t.Fatalf("the name reads back as %q, want %q", text(tds[1]), name)
		}
	})
}

// plain is text an HTML parser gives back as is: valid UTF-8 without NUL
// or carriage returns (which parsers replace or normalise).
func plain(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsAny(s, "\x00\r")
}

// tooLongForExcel: an Excel cell holds at most 32,767 characters.
func tooLongForExcel(format string, ss ...string) bool {
	if format != "xlsx" {
		return false
	}
	for _, s := range ss {
		if utf8.RuneCountInString(s) > 32767 {
			return true
		}
	}
	return false
}
