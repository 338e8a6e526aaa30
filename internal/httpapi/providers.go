package httpapi

import (
	"errors"
	"io"
	"net"
	"net/http"
	"strings"

	"tend/internal/domain"
	"tend/internal/leads"
)

// The lead sources that are not signed by Tend's scheme: each is answered
// as its provider expects. Their leads are held and taken by the intake
// queue's consumer, so the answers come at once.

// routesProviders serves the provider webhooks beside the signed ones
// (see routesHooks): POST /hooks/leads/{source_id} goes by the source's
// kind, GET answers Facebook's check, /hooks/f/{token} takes forms.
func (a *API) routesProviders() {
	a.register("GET /hooks/leads/{source_id}", Route{Hook: true}, func(w *recorder, r *http.Request) {
		challenge, err := a.cfg.Leads.FacebookChallenge(r.Context(), r.PathValue("source_id"), r.URL.Query())
		if err != nil {
			a.hookProblem(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, challenge)
	})
	a.register("POST /hooks/f/{token}", Route{Hook: true}, a.serveForm)
}

// serveProvider takes a post to a source of a provider's kind.
func (a *API) serveProvider(w *recorder, r *http.Request, kind leads.Kind) {
	svc, id := a.cfg.Leads, r.PathValue("source_id")
	body, err := readAny(w, r)
	if err != nil {
		a.hookProblem(w, r, err)
		return
	}
	switch kind {
	case leads.KindFacebook:
		held, err := svc.Facebook(r.Context(), id, r.Header.Get("X-Hub-Signature-256"), body)
		if err != nil {
			a.hookProblem(w, r, err)
			return
		}
		_ = writeJSON(w, http.StatusOK, map[string]any{"held": held})
	case leads.KindGoogleAds:
		held, err := svc.GoogleAds(r.Context(), id, body)
		if err != nil {
			a.hookProblem(w, r, err)
			return
		}
		_ = writeJSON(w, http.StatusOK, held)
	case leads.KindZalo:
		// Zalo sends an event again unless it gets 200 within two seconds:
		// every event is answered 200, a refused one logged.
		held, err := svc.Zalo(r.Context(), id, r.Header.Get("X-ZEvent-Signature"), body)
		if err != nil {
			a.cfg.Log.WarnContext(r.Context(), "zalo event refused", "source", id, "err", err)
			_ = writeJSON(w, http.StatusOK, map[string]string{"status": "refused"})
			return
		}
		_ = writeJSON(w, http.StatusOK, map[string]any{"status": "received", "held": held})
	case leads.KindForm:
		// A form posts to its own URL (/hooks/f/{token}), never here.
		a.hookProblem(w, r, domain.Errorf(domain.ErrUnauthorized, "bad_signature"))
	}
}

// serveForm takes a landing page's post: 303 to the source's thank-you
// page when it has one, else 202 with the delivery.
func (a *API) serveForm(w *recorder, r *http.Request) {
	body, err := readAny(w, r)
	if err != nil {
		a.hookProblem(w, r, err)
		return
	}
	held, err := a.cfg.Leads.Form(r.Context(), leads.FormPost{Token: r.PathValue("token"), ContentType: r.Header.Get("Content-Type"),
		ClientIP: clientIP(r), Body: body})
	if err != nil {
		var de *domain.Error
		if errors.As(err, &de) && de.Params["retry_after"] != "" {
			w.Header().Set("Retry-After", de.Params["retry_after"])
		}
		a.hookProblem(w, r, err)
		return
	}
	if held.RedirectTo != "" {
		http.Redirect(w, r, held.RedirectTo, http.StatusSeeOther)
		return
	}
	_ = writeJSON(w, http.StatusAccepted, held.Held)
}

func (a *API) hookProblem(w *recorder, r *http.Request, err error) {
	lang := language(r, "")
	writeProblem(w, problemFor(r, a.cfg.Log, err, lang), lang)
}

// readAny reads a body of any media type (forms post form-encoded and
// multipart bodies), up to the limit of every body.
func readAny(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return nil, domain.Errorf(domain.ErrTooLarge, "body_too_large", "max", "1 MiB")
	}
	if err != nil {
		return nil, domain.Errorf(domain.ErrBadRequest, "unreadable_body")
	}
	return b, nil
}

// clientIP is the poster's address: API Gateway's source IP, which the
// Lambda adapter puts in RemoteAddr (a header could be forged).
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return strings.TrimSpace(host)
}
