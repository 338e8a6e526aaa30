package httpapi

import (
	"bytes"
	"io"
	"net/http"
	"strings"

	"tend/internal/campaign"
	"tend/internal/workspace"
)

// routesCampaigns serves campaigns [chiến dịch] and their members: everyone
// reads; a campaign's owner and admins write (the service checks).
func (a *API) routesCampaigns() {
	svc := a.cfg.Campaigns
	a.handle("GET /v1/campaigns", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		limit, cursor, err := pageParams(r, c)
		if err != nil {
			return err
		}
		page, err := svc.List(r.Context(), c, limit, cursor)
		return writePage(w, r, c, page, err)
	})
	a.handle("POST /v1/campaigns", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		var in campaign.Input
		if err := decodeBody(w, r, &in); err != nil {
			return err
		}
		out, err := svc.Create(r.Context(), c, in)
		if err != nil {
			return err
		}
		return created(w, "/v1/campaigns/"+out.ID, out)
	})
	a.handle("GET /v1/campaigns/{id}", itemHandler(svc.Get))
	a.handle("PATCH /v1/campaigns/{id}", saveHandler(svc.Update, "", "id"))
	a.handle("DELETE /v1/campaigns/{id}", deleteHandler(svc.Delete, "id"))
	a.handle("GET /v1/campaigns/{id}/stats", itemHandler(svc.Stats))
	a.handle("GET /v1/campaigns/{id}/export", a.exportCampaign)
	a.handle("POST /v1/campaigns/{id}/members", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		var in campaign.AddInput
		if err := decodeBody(w, r, &in); err != nil {
			return err
		}
		out, err := svc.AddMembers(r.Context(), c, r.PathValue("id"), in)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusCreated, out)
	})
	a.handle("GET /v1/campaigns/{id}/members", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		limit, cursor, err := pageParams(r, c)
		if err != nil {
			return err
		}
		page, err := svc.Members(r.Context(), c, r.PathValue("id"), r.URL.Query().Get("status"), limit, cursor)
		return writePage(w, r, c, page, err)
	})
	a.handle("PATCH /v1/campaigns/{id}/members/{customer_id}", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		var in campaign.MemberInput
		if err := decodeBody(w, r, &in); err != nil {
			return err
		}
		m, err := svc.UpdateMember(r.Context(), c, r.PathValue("id"), r.PathValue("customer_id"), in)
		return ok(w, m, err)
	})
	a.handle("POST /v1/campaigns/{id}/send", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		var in campaign.SendInput
		if err := decodeBody(w, r, &in); err != nil {
			return err
		}
		out, err := svc.StartSend(r.Context(), c, r.PathValue("id"), in)
		if err != nil {
			return err
		}
		w.Header().Set("Location", "/v1/campaigns/"+out.CampaignID+"/sends/"+out.ID)
		return writeJSON(w, http.StatusAccepted, out)
	})
	a.handle("GET /v1/campaigns/{id}/sends/{send_id}", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		out, err := svc.GetSend(r.Context(), c, r.PathValue("id"), r.PathValue("send_id"))
		return ok(w, out, err)
	})
	a.handle("POST /v1/customers/bulk/campaign", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		var in campaign.BulkInput
		if err := decodeBody(w, r, &in); err != nil {
			return err
		}
		out, err := svc.Bulk(r.Context(), c, in)
		return ok(w, out, err)
	})
}

// routesCampaignHooks serves the campaigns' key-press webhook: no token,
// but the campaign's signature over the raw body; a copy of a signed
// request, like an Idempotency-Key repeat, gets the first answer.
func (a *API) routesCampaignHooks() {
	a.register("POST /hooks/campaigns/{campaign_id}/responses", Route{Hook: true}, func(w *recorder, r *http.Request) {
		lang := language(r, "")
		if err := a.serveKeyPress(w, r, lang); err != nil {
			writeProblem(w, problemFor(r, a.cfg.Log, err, lang), lang)
		}
	})
}

func (a *API) serveKeyPress(w *recorder, r *http.Request, lang string) error {
	body, err := readRaw(w, r)
	if err != nil {
		return err
	}
	svc := a.cfg.Campaigns
	v, err := svc.Verify(r.Context(), r.PathValue("campaign_id"), r.Header.Get("X-Tend-Timestamp"),
		strings.Join(r.Header.Values("X-Tend-Signature"), ","), body)
	if err != nil {
		return err
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	return a.once(w, r, "CMP#"+v.ID(), lang, func() error {
		ans, err := svc.Respond(r.Context(), v, body)
		if err != nil {
			return err
		}
		if ans.Replayed {
			w.Header().Set("Idempotent-Replayed", "true")
		}
		if err := ans.Err(); err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, ans)
	})
}
