package httpapi

import (
	"io"
	"net/http"
	"strconv"

	"tend/internal/campaign"
	"tend/internal/campaignexport"
	"tend/internal/export"
	"tend/internal/workspace"
)

// exportCampaign serves GET /v1/campaigns/{id}/export: the members the
// caller may see, as a spreadsheet, a printable page or a PDF. A campaign
// of at most campaign.ExportMaxSync members whose file fits in an answer
// gets the file; a larger one, or one asked with async=true, a job (202,
// GET /v1/exports/{id}) that leaves the file in the files store, as the
// customer export does.
func (a *API) exportCampaign(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
	q, err := campaign.ParseExportQuery(r.URL.Query())
	if err != nil {
		return err
	}
	f, err := a.cfg.Campaigns.ExportFile(r.Context(), c, r.PathValue("id"), q, language(r, c.Org.Workspace.Language))
	if err != nil {
		return err
	}
	req := export.FileRequest{Kind: campaign.ExportJobKind, Format: export.Format(q.Format), FileName: f.Name,
		ContentType: f.ContentType, Params: f.Params(), Async: f.Large || r.URL.Query().Get("async") == "true"}
	job, err := a.cfg.Exports.ExportFile(r.Context(), c, req,
		func(w io.Writer) error {
			_, err := f.Render(w)
			return err
		},
		func(d export.Download) io.Writer {
			w.Header().Set("Content-Type", d.ContentType)
			w.Header().Set("Content-Length", strconv.Itoa(d.Size))
			w.Header().Set("Content-Disposition", campaignexport.ContentDisposition(d.FileName))
			w.WriteHeader(http.StatusOK)
			return w
		})
	switch {
	case err != nil:
		return err
	case job != nil:
		w.Header().Set("Location", "/v1/exports/"+job.ID)
		return writeJSON(w, http.StatusAccepted, job)
	}
	return nil
}
