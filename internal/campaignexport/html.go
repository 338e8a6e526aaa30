package campaignexport

import (
	"bufio"
	"html/template"
	"io"
	"time"
)

// page is the HTML document in three parts, so that the rows can be
// streamed between its top and its end. Every part starts and ends in
// element content, which is what html/template assumes when it escapes
// each part on its own.
var page = template.Must(template.New("top").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<title>{{.H.Title}} – {{.H.CampaignName}}</title>
<style>
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 13px; margin: 16px; color: #000; }
h1 { font-size: 20px; margin: 0 0 8px; }
p { margin: 2px 0; }
ul.counts { list-style: none; padding: 0; margin: 8px 0; display: flex; gap: 24px; }
table { border-collapse: collapse; width: 100%; margin-top: 12px; }
th, td { border: 1px solid #999; padding: 3px 6px; text-align: left; vertical-align: top; }
thead th { background: #eee; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; }
@page { size: A4 landscape; margin: 10mm; }
</style>
</head>
<body>
<h1>{{.H.Title}}</h1>
<p class="campaign">{{.L.Campaign}}: <strong>{{.H.CampaignName}}</strong></p>
<p class="generated">{{.L.Generated}}: {{.Generated}}</p>
<ul class="counts">
{{- range .H.Counts}}
<li>{{.Label}}: <strong>{{.N}}</strong></li>
{{- end}}
</ul>
{{- if .H.Filter}}
<p class="filter">{{.L.Filter}}: {{.H.Filter}}</p>
{{- end}}
<table>
<thead><tr>{{range .L.Columns}}<th>{{.}}</th>{{end}}</tr></thead>
<tbody>
`))

var rowTemplate = template.Must(template.New("row").Parse(`<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>
`))

const pageEnd = "</tbody>\n</table>\n</body>\n</html>\n"

// htmlLabels are the captions as the template reads them.
type htmlLabels struct {
	Campaign, Generated, Filter string
	Columns                     [7]string
}

// writeHTML streams a complete UTF-8 document, escaped by html/template,
// one table row at a time; printed, the table's header repeats on each page.
func writeHTML(w io.Writer, h Header, rows Rows, loc *time.Location) error {
	bw := bufio.NewWriterSize(w, 32<<10)
	l := h.labels()
	lang := h.Lang
	if _, ok := captions[lang]; !ok {
		lang = "vi"
	}
	top := struct {
		H         Header
		L         htmlLabels
		Lang      string
		Generated string
	}{h, htmlLabels{l.campaign, l.generated, l.filter, l.columns}, lang, h.Generated.In(loc).Format(dateTimeLayout)}
	if err := page.Execute(bw, top); err != nil {
		return err
	}
	err := each(rows, func(r *Row) error {
		return rowTemplate.Execute(bw, r.cells(loc))
	})
	if err != nil {
		return err
	}
	if _, err := io.WriteString(bw, pageEnd); err != nil {
		return err
	}
	return bw.Flush()
}
