package httpapi

import (
	"bytes"
	"context"
	"fmt"
	"net/http"

	"tend/internal/domain"
	"tend/internal/reports"
	"tend/internal/workspace"
)

// tabled is a report: JSON as it is, or a spreadsheet.
type tabled interface {
	Table() reports.Table
	Span() reports.Period
}

func (a *API) routesReports() {
	svc := a.cfg.Reports
	a.handle("GET /v1/reports/funnel", reportHandler(svc.Funnel))
	a.handle("GET /v1/reports/owners", reportHandler(svc.Owners))
	a.handle("GET /v1/reports/sources", reportHandler(svc.Sources))
	a.handle("GET /v1/reports/distribution", reportHandler(svc.Distribution))
	a.handle("GET /v1/reports/campaigns", reportHandler(svc.Campaigns))
	a.admin("POST /v1/reports/rebuild", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		rb, err := svc.StartRebuild(r.Context(), c)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusAccepted, rb)
	})
	a.admin("GET /v1/reports/rebuild/{id}", itemHandler(svc.RebuildStatus))
}

// reportHandler answers a report as JSON, or with ?format=xlsx as a
// spreadsheet to download.
func reportHandler[R tabled](fn func(ctx context.Context, c *workspace.Caller, p reports.Params) (R, error)) handler {
	return func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		q := r.URL.Query()
		format := q.Get("format")
		if format != "" && format != "json" && format != "xlsx" {
			return domain.Invalid("format", "invalid_value")
		}
		rep, err := fn(r.Context(), c, reports.Params{From: q.Get("from"), To: q.Get("to"), WarehouseID: q.Get("warehouse_id"),
			OwnerID: q.Get("owner_id"), TeamID: q.Get("team_id"), PipelineID: q.Get("pipeline_id"), ConvertedStepID: q.Get("converted_step_id")})
		if err != nil {
			return err
		}
		if format != "xlsx" {
			return writeJSON(w, http.StatusOK, rep)
		}
		t := rep.Table()
		var buf bytes.Buffer
		if err := t.WriteXLSX(&buf); err != nil {
			return err
		}
		period := rep.Span()
		w.Header().Set("Content-Type", xlsxType)
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="bao-cao-%s-%s-%s.xlsx"`, t.Name, period.From, period.To))
		_, err = w.Write(buf.Bytes())
		return err
	}
}
