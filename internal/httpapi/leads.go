package httpapi

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"

	"tend/internal/distribution"
	"tend/internal/leads"
	"tend/internal/queuegroup"
	"tend/internal/workspace"
)

func (a *API) routesLeads() {
	svc := a.cfg.Leads
	a.handle("GET /v1/lead-sources", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		srcs, err := svc.List(r.Context(), c)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, list[*leads.Source]{Items: srcs})
	})
	a.admin("POST /v1/lead-sources", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		var in leads.Input
		if err := decodeBody(w, r, &in); err != nil {
			return err
		}
		src, err := svc.Create(r.Context(), c, in)
		if err != nil {
			return err
		}
		return created(w, "/v1/lead-sources/"+src.ID, src)
	})
	a.handle("GET /v1/lead-sources/{id}", itemHandler(svc.Get))
	a.admin("PATCH /v1/lead-sources/{id}", saveHandler(svc.Update, "", "id"))
	a.admin("DELETE /v1/lead-sources/{id}", deleteHandler(svc.Delete, "id"))
	a.admin("POST /v1/lead-sources/{id}/rotate-secret", itemHandler(svc.RotateSecret))
	a.admin("GET /v1/lead-sources/{id}/deliveries", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		limit, cursor, err := pageParams(r, c)
		if err != nil {
			return err
		}
		log, err := svc.Deliveries(r.Context(), c, r.PathValue("id"), limit, cursor)
		if err != nil {
			return err
		}
		// Sealed as every list's (see writePage), or pageParams refuses it.
		log.NextCursor = sealCursor(r, c, log.NextCursor)
		return writeJSON(w, http.StatusOK, log)
	})
	a.admin("POST /v1/lead-sources/{id}/test", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		var in leads.TestLead
		if r.ContentLength != 0 {
			if err := decodeBody(w, r, &in); err != nil {
				return err
			}
		}
		held, err := svc.SendTest(r.Context(), c, r.PathValue("id"), in)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusAccepted, held)
	})
	// What became of a lead: admins only, as the deliveries.
	a.admin("GET /v1/leads/{id}", itemHandler(svc.GetLead))
}

// routesHooks serves the lead sources' webhooks.
func (a *API) routesHooks() {
	svc := a.cfg.Leads
	a.hook("POST /hooks/leads/{source_id}", func(ctx context.Context, v *leads.Verified, body []byte) (any, bool, error) {
		q, err := svc.Lead(ctx, v, body)
		if err != nil {
			return nil, false, err
		}
		return q, q.Replayed, nil
	})
	a.hook("POST /hooks/calls/{source_id}", func(ctx context.Context, v *leads.Verified, body []byte) (any, bool, error) {
		acc, err := svc.Call(ctx, v, body)
		if err != nil {
			return nil, false, err
		}
		return acc, acc.Replayed, nil
	})
	a.routesCampaignHooks()
	a.routesProviders()
}

func (a *API) routesDistribution() {
	svc := a.cfg.Distribution
	a.handle("GET /v1/distribution-rules", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		rs, err := svc.List(r.Context(), c)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, list[*distribution.Rule]{Items: rs})
	})
	a.admin("POST /v1/distribution-rules", saveHandler(svc.Save, "/v1/distribution-rules/", ""))
	a.handle("GET /v1/distribution-rules/{id}", itemHandler(svc.Get))
	a.admin("PATCH /v1/distribution-rules/{id}", saveHandler(svc.Save, "", "id"))
	a.admin("DELETE /v1/distribution-rules/{id}", deleteHandler(svc.Delete, "id"))
	// A rule's figures and assignments name every owner's customers: admins only.
	a.admin("GET /v1/distribution-rules/{id}/stats", itemHandler(svc.Stats))
	a.admin("GET /v1/distribution-rules/{id}/assignments", pagedHandler(svc.Assignments))
}

// hookTake takes a verified webhook request: its answer, and whether that
// repeats the answer to an earlier copy of the request.
type hookTake func(ctx context.Context, v *leads.Verified, body []byte) (answer any, replayed bool, err error)

// hook registers a webhook: no token, but the source's signature over the
// raw body; an Idempotency-Key repeat, like a copy of the same signed
// request, gets the first answer. Accepted requests are answered 202.
func (a *API) hook(pattern string, take hookTake) {
	leadsRoute := strings.HasPrefix(pattern, "POST /hooks/leads/")
	a.register(pattern, Route{Hook: true}, func(w *recorder, r *http.Request) {
		lang := language(r, "")
		if leadsRoute {
			// A source of a provider's kind is answered as its provider expects.
			if kind, err := a.cfg.Leads.KindOf(r.Context(), r.PathValue("source_id")); err == nil && kind != leads.KindSigned {
				a.serveProvider(w, r, kind)
				return
			}
		}
		if err := a.serveHook(w, r, lang, take); err != nil {
			writeProblem(w, problemFor(r, a.cfg.Log, err, lang), lang)
		}
	})
}

func (a *API) serveHook(w *recorder, r *http.Request, lang string, take hookTake) error {
	body, err := readRaw(w, r)
	if err != nil {
		return err
	}
	v, err := a.cfg.Leads.Verify(r.Context(), r.PathValue("source_id"), r.Header.Get("X-Tend-Timestamp"),
		strings.Join(r.Header.Values("X-Tend-Signature"), ","), body)
	if err != nil {
		return err
	}
	// What the lead queues is the source's workspace's (queuegroup).
	r = r.WithContext(queuegroup.With(r.Context(), v.Tenant()))
	r.Body = io.NopCloser(bytes.NewReader(body))
	return a.once(w, r, "SRC#"+v.ID(), lang, func() error {
		answer, replayed, err := take(r.Context(), v, body)
		if err != nil {
			return err
		}
		if replayed {
			w.Header().Set("Idempotent-Replayed", "true")
		}
		return writeJSON(w, http.StatusAccepted, answer)
	})
}
