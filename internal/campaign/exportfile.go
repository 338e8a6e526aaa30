package campaign

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"strings"
	"time"

	"tend/internal/campaignexport"
	"tend/internal/domain"
	"tend/internal/workspace"
)

// ExportMaxSync is the most members (the campaign's registered_total,
// from its counters: every member it has, whatever their status) whose
// export is answered at once; a campaign with more is exported by a job
// (export.Service.ExportFile). A member takes about 150 bytes of HTML and
// 100 of PDF (50,000 members: 7.5 MB and 5 MB, see campaignexport's
// BenchmarkWrite50k), and an answer holds at most 4 MiB: 10,000 members,
// about 1.5 MB of HTML, leave room for long names and addresses, as the
// customer export's 10,000 rows do. A file that passes 4 MiB all the same
// becomes a job as it is written.
const ExportMaxSync = 10_000

// ExportJobKind names the campaign export's files among the export jobs'.
const ExportJobKind = "campaign_members"

// File is an export ready to be written: its name, its media type, and
// whether it is too large to answer at once.
type File struct {
	Name, ContentType string
	Large             bool
	ex                *Export
	q                 ExportQuery
	lang              string
}

// ExportFile reads a campaign for an export of its members in lang ("vi"
// or "en"), as Export does.
func (s *Service) ExportFile(ctx context.Context, c *workspace.Caller, id string, q ExportQuery, lang string) (*File, error) {
	ex, err := s.Export(ctx, c, id, q)
	if err != nil {
		return nil, err
	}
	return s.fileOf(ex, q, lang), nil
}

func (s *Service) fileOf(ex *Export, q ExportQuery, lang string) *File {
	maxSync := s.ExportMaxSync
	if maxSync <= 0 {
		maxSync = ExportMaxSync
	}
	return &File{Name: campaignexport.FileName(ex.Campaign.Name, q.Format, ex.Generated.In(ex.Location)),
		ContentType: campaignexport.ContentType(q.Format), Large: ex.Campaign.Totals.Registered > int64(maxSync),
		ex: ex, q: q, lang: lang}
}

// ExportParams are what a job keeps of a campaign export to make its file
// later: the same campaign, filter, language and time of making.
type ExportParams struct {
	CampaignID string      `json:"campaign_id"`
	Query      ExportQuery `json:"query"`
	Lang       string      `json:"lang"`
	Generated  time.Time   `json:"generated"`
}

// Params are the file's export job params.
func (f *File) Params() ExportParams {
	return ExportParams{CampaignID: f.ex.Campaign.ID, Query: f.q, Lang: f.lang, Generated: f.ex.Generated}
}

// Render renders the file to w and says how many members it holds.
func (f *File) Render(w io.Writer) (int, error) {
	next, stop := iter.Pull2(f.ex.Members)
	defer stop()
	rows := &memberRows{next: next, org: f.ex.org, lang: f.lang}
	err := campaignexport.Write(w, f.q.Format, exportHeader(f.ex, f.q, f.lang), rows, f.ex.Location)
	return rows.n, err
}

// MakeFile makes a campaign export's file in a job (export.Maker): the
// members the requester may see as the job runs, as the export made at
// once would have shown them when it was asked for.
func (s *Service) MakeFile(ctx context.Context, c *workspace.Caller, params json.RawMessage, w io.Writer) (int, error) {
	var p ExportParams
	if err := json.Unmarshal(params, &p); err != nil {
		return 0, fmt.Errorf("campaign: export job params: %w", err)
	}
	ex, err := s.Export(ctx, c, p.CampaignID, p.Query)
	if err != nil {
		return 0, err
	}
	ex.Generated = p.Generated
	return s.fileOf(ex, p.Query, p.Lang).Render(w)
}

// memberRows turns the members, pulled one at a time, into the rows of the
// file: the owner by name, the status by its name in the seed.
type memberRows struct {
	next func() (*Member, error, bool)
	org  *workspace.Org
	lang string
	row  campaignexport.Row
	n    int
}

func (m *memberRows) Next() (*campaignexport.Row, error) {
	mem, err, ok := m.next()
	switch {
	case !ok:
		return nil, io.EOF
	case err != nil:
		return nil, err
	}
	m.n++
	m.row = campaignexport.Row{Code: mem.Code, Name: mem.Name, Phone: mem.Phone, Email: mem.Email,
		Owner: m.org.UserName(mem.OwnerID), Status: StatusName(mem.Status, m.lang), JoinedAt: mem.JoinedAt}
	return &m.row, nil
}

// label is a text in Vietnamese and English.
type label struct{ vi, en string }

func (l label) in(lang string) string {
	if lang == "en" {
		return l.en
	}
	return l.vi
}

// statusNames name the member statuses as the seed does.
var statusNames = map[string]label{
	StatusRegistered: {"Đăng kí", "Registered"},
	StatusConfirmed:  {"Xác nhận", "Confirmed"},
	StatusJoined:     {"Tham gia", "Joined"},
	StatusCancelled:  {"Hủy", "Cancelled"},
}

// StatusName is a member status's name in lang ("vi", else "en"); the
// code itself when it is not a status.
func StatusName(status, lang string) string {
	if l, ok := statusNames[status]; ok {
		return l.in(lang)
	}
	return status
}

// The export's captions.
var (
	exportTitle    = label{"Danh sách thành viên chiến dịch", "Campaign members"}
	exportStatuses = label{"Trạng thái", "Status"}
	exportJoined   = label{"ngày tham gia", "joined"}
	exportFrom     = label{"từ", "from"}
	exportTo       = label{"đến", "until"}
)

// exportHeader is what is printed above the members: the campaign's four
// totals, from its counters, and the filter in words.
func exportHeader(ex *Export, q ExportQuery, lang string) campaignexport.Header {
	t := ex.Campaign.Totals
	return campaignexport.Header{
		Title:        exportTitle.in(lang),
		CampaignName: ex.Campaign.Name,
		Generated:    ex.Generated,
		Counts: []campaignexport.Count{
			{Label: StatusName(StatusRegistered, lang), N: t.Registered},
			{Label: StatusName(StatusConfirmed, lang), N: t.Confirmed},
			{Label: StatusName(StatusJoined, lang), N: t.Joined},
			{Label: StatusName(StatusCancelled, lang), N: t.Cancelled},
		},
		Filter: filterLine(q, lang),
		Lang:   lang,
	}
}

// filterLine describes the query's filter: "Trạng thái: Xác nhận, Tham
// gia; ngày tham gia từ 01/11/2026 đến 30/11/2026", "" without one.
func filterLine(q ExportQuery, lang string) string {
	var parts []string
	if len(q.Statuses) > 0 {
		names := make([]string, len(q.Statuses))
		for i, st := range q.Statuses {
			names[i] = StatusName(st, lang)
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
