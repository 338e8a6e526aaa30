package httpapi

import (
	"fmt"
	"io"
	"iter"
	"net/http"
	"strings"

	"tend/internal/campaign"
	"tend/internal/campaignexport"
	"tend/internal/domain"
	"tend/internal/workspace"
)

// exportCampaign serves GET /v1/campaigns/{id}/export: the members the
// caller may see, as a spreadsheet, a printable page or a PDF, streamed
// from the store as the file is written. What goes wrong before the first
// byte is a problem answer; after it, the answer can only be cut short.
func (a *API) exportCampaign(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
	q, err := campaign.ParseExportQuery(r.URL.Query())
	if err != nil {
		return err
	}
	ex, err := a.cfg.Campaigns.Export(r.Context(), c, r.PathValue("id"), q)
	if err != nil {
		return err
	}
	lang := language(r, c.Org.Workspace.Language)
	next, stop := iter.Pull2(ex.Members)
	defer stop()
	rows := &memberRows{next: next, org: c.Org, lang: lang}
	name := campaignexport.FileName(ex.Campaign.Name, q.Format, ex.Generated.In(ex.Location))
	out := &download{w: w, contentType: campaignexport.ContentType(q.Format), disposition: campaignexport.ContentDisposition(name)}
	err = campaignexport.Write(out, q.Format, exportHeader(ex, q, lang), rows, ex.Location)
	if err != nil && out.started {
		a.cfg.Log.ErrorContext(r.Context(), "campaign export cut short", "tenant", c.Tenant(), "user", c.User.ID,
			"campaign", ex.Campaign.ID, "err", err)
		return nil
	}
	return err
}

// download is an answer that starts, headers and status, with its first
// byte: until then, an error can still become a problem answer.
type download struct {
	w                        http.ResponseWriter
	contentType, disposition string
	started                  bool
}

func (d *download) Write(b []byte) (int, error) {
	if !d.started {
		d.started = true
		d.w.Header().Set("Content-Type", d.contentType)
		d.w.Header().Set("Content-Disposition", d.disposition)
		d.w.WriteHeader(http.StatusOK)
	}
	return d.w.Write(b)
}

// memberRows turns the members, pulled one at a time, into the rows of the
// file: the owner by name, the status by its name in the seed.
type memberRows struct {
	next func() (*campaign.Member, error, bool)
	org  *workspace.Org
	lang string
	row  campaignexport.Row
}

func (m *memberRows) Next() (*campaignexport.Row, error) {
	mem, err, ok := m.next()
	switch {
	case !ok:
		return nil, io.EOF
	case err != nil:
		return nil, err
	}
	m.row = campaignexport.Row{Code: mem.Code, Name: mem.Name, Phone: mem.Phone, Email: mem.Email,
		Owner: m.org.UserName(mem.OwnerID), Status: memberStatusNames[mem.Status].in(m.lang), JoinedAt: mem.JoinedAt}
	return &m.row, nil
}

// The export's captions.
var (
	exportTitle    = message{"Danh sách thành viên chiến dịch", "Campaign members"}
	exportStatuses = message{"Trạng thái", "Status"}
	exportJoined   = message{"ngày tham gia", "joined"}
	exportFrom     = message{"từ", "from"}
	exportTo       = message{"đến", "until"}
)

// exportHeader is what is printed above the members: the campaign's four
// totals, from its counters, and the filter in words.
func exportHeader(ex *campaign.Export, q campaign.ExportQuery, lang string) campaignexport.Header {
	t := ex.Campaign.Totals
	return campaignexport.Header{
		Title:        exportTitle.in(lang),
		CampaignName: ex.Campaign.Name,
		Generated:    ex.Generated,
		Counts: []campaignexport.Count{
			{Label: memberStatusNames[campaign.StatusRegistered].in(lang), N: t.Registered},
			{Label: memberStatusNames[campaign.StatusConfirmed].in(lang), N: t.Confirmed},
			{Label: memberStatusNames[campaign.StatusJoined].in(lang), N: t.Joined},
			{Label: memberStatusNames[campaign.StatusCancelled].in(lang), N: t.Cancelled},
		},
		Filter: filterLine(q, lang),
		Lang:   lang,
	}
}

// filterLine describes the query's filter: "Trạng thái: Xác nhận, Tham
// gia; ngày tham gia từ 01/11/2026 đến 30/11/2026", "" without one.
func filterLine(q campaign.ExportQuery, lang string) string {
	var parts []string
	if len(q.Statuses) > 0 {
		names := make([]string, len(q.Statuses))
		for i, st := range q.Statuses {
			names[i] = memberStatusNames[st].in(lang)
		}
		parts = append(parts, exportStatuses.in(lang)+": "+strings.Join(names, ", "))
	}
	if !q.From.IsZero() || !q.To.IsZero() {
		days := exportJoined.in(lang)
		if !q.From.IsZero() {
			days += " " + exportFrom.in(lang) + " " + dayText(q.From)
		}
		if !q.To.IsZero() {
			days += " " + exportTo.in(lang) + " " + dayText(q.To)
		}
		parts = append(parts, days)
	}
	return strings.Join(parts, "; ")
}

// dayText is a day as the files print dates, dd/mm/yyyy.
func dayText(d domain.Date) string {
	return fmt.Sprintf("%02d/%02d/%04d", d.Day, int(d.Month), d.Year)
}
