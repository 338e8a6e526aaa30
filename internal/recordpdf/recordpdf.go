// Package recordpdf prints a customer's record as a one-page PDF, the file
// a care flow's email may carry [đính kèm tệp in]. Text is set in DejaVu
// Sans (package pdffont), embedded (subset to the glyphs used), which
// covers Vietnamese.
package recordpdf

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"

	"tend/internal/domain"
	"tend/internal/pdffont"
	"tend/internal/templates"
	"tend/internal/workspace"
)

const font = pdffont.Name

// Orgs reads workspaces' set-ups.
type Orgs interface {
	LoadOrg(ctx context.Context, tenant string) (*workspace.Org, error)
}

// Customers reads customers as they are.
type Customers interface {
	CustomerImage(ctx context.Context, tenant, id string) (*domain.Customer, error)
}

// Service prints records.
type Service struct {
	orgs      Orgs
	customers Customers
	clock     domain.Clock
}

// New returns the printer.
func New(clock domain.Clock, orgs Orgs, customers Customers) *Service {
	return &Service{orgs: orgs, customers: customers, clock: clock}
}

// CustomerPDF prints a customer of a workspace as a PDF attachment named
// after its code.
func (s *Service) CustomerPDF(ctx context.Context, tenant, customerID string) (domain.Attachment, error) {
	o, err := s.orgs.LoadOrg(ctx, tenant)
	if err != nil {
		return domain.Attachment{}, err
	}
	cu, err := s.customers.CustomerImage(ctx, tenant, customerID)
	if err != nil {
		return domain.Attachment{}, err
	}
	data, err := Customer(o, cu, s.clock.Now())
	if err != nil {
		return domain.Attachment{}, err
	}
	name := cu.Code
	if name == "" {
		name = cu.ID
	}
	return domain.Attachment{Name: name + ".pdf", ContentType: "application/pdf", Data: data}, nil
}

// labels are the printed texts, by workspace language.
var labels = map[string]map[string]string{
	"vi": {"title": "Thông tin khách hàng", "owner": "Chủ sở hữu", "printed": "In lúc", "custom": "Thông tin bổ sung", "steps": "Quy trình"},
	"en": {"title": "Customer record", "owner": "Owner", "printed": "Printed", "custom": "More details", "steps": "Pipelines"},
}

// Customer prints a customer's record: its filled system fields, its
// custom fields, its owner and its pipeline steps, as people read them.
func Customer(o *workspace.Org, cu *domain.Customer, now time.Time) ([]byte, error) {
	lang := o.Workspace.Language
	if labels[lang] == nil {
		lang = domain.DefaultLanguage
	}
	l := labels[lang]
	rec := templates.Record{Org: o, Customer: cu, Now: now}
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCreationDate(now)
	pdf.SetModificationDate(now)
	pdf.SetTitle(l["title"]+" "+cu.Name, true)
	pdf.SetAuthor(o.Workspace.Name, true)
	pdf.AddUTF8FontFromBytes(font, "", pdffont.DejaVuSans)
	pdf.SetMargins(18, 18, 18)
	pdf.SetAutoPageBreak(true, 18)
	pdf.AddPage()

	pdf.SetFont(font, "", 10)
	pdf.SetTextColor(110, 110, 110)
	pdf.CellFormat(0, 6, o.Workspace.Name, "", 1, "L", false, 0, "")
	pdf.SetTextColor(0, 0, 0)
	pdf.SetFont(font, "", 16)
	pdf.MultiCell(0, 8, l["title"]+": "+cu.Name, "", "L", false)
	pdf.Ln(3)

	row := func(label, value string) {
		if strings.TrimSpace(value) == "" {
			return
		}
		pdf.SetFont(font, "", 9)
		pdf.SetTextColor(110, 110, 110)
		y := pdf.GetY()
		pdf.MultiCell(55, 6, label, "", "L", false)
		below := pdf.GetY()
		pdf.SetXY(18+55, y)
		pdf.SetFont(font, "", 10)
		pdf.SetTextColor(0, 0, 0)
		pdf.MultiCell(0, 6, value, "", "L", false)
		if pdf.GetY() < below {
			pdf.SetY(below)
		}
	}
	for _, f := range domain.SystemFields {
		v, _ := rec.Lookup(f.Key)
		row(f.Label, v)
	}
	owner, _ := rec.Lookup(templates.KeyOwnerName)
	row(l["owner"], owner)
	if len(cu.Pipelines) > 0 {
		var steps []string
		for _, p := range o.Pipelines {
			if id, ok := cu.Pipelines[p.ID]; ok {
				st, _ := p.Step(id)
				steps = append(steps, p.Name+": "+st.Name)
			}
		}
		row(l["steps"], strings.Join(steps, "\n"))
	}
	if len(o.Fields) > 0 {
		pdf.Ln(2)
		pdf.SetFont(font, "", 12)
		pdf.CellFormat(0, 8, l["custom"], "", 1, "L", false, 0, "")
		for _, f := range o.Fields {
			v, _ := rec.Lookup(f.Key)
			row(f.Label, v)
		}
	}
	pdf.Ln(4)
	pdf.SetFont(font, "", 8)
	pdf.SetTextColor(110, 110, 110)
	today, _ := rec.Lookup(templates.KeyToday)
	pdf.CellFormat(0, 5, l["printed"]+" "+today+" "+now.In(o.Workspace.Location()).Format("15:04"), "", 1, "L", false, 0, "")

	var out bytes.Buffer
	if err := pdf.Output(&out); err != nil {
		return nil, fmt.Errorf("recordpdf: print %s: %w", cu.ID, err)
	}
	return out.Bytes(), nil
}
