package localrun

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"tend/internal/domain"
	"tend/internal/localfiles"
	"tend/internal/workspace"
)

// routesDev serves the local runner's helpers under /dev (API.md).
func (a *App) routesDev(mux *http.ServeMux) {
	// The files store's signed links: uploads (PUT) and downloads (GET),
	// as S3's presigned URLs in AWS.
	mux.Handle(localfiles.Prefix, a.Files.Handler())
	mux.HandleFunc("GET /dev/clock", func(w http.ResponseWriter, r *http.Request) {
		devJSON(w, http.StatusOK, clockAnswer(a.Clock.Now()))
	})
	mux.HandleFunc("POST /dev/clock", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Now     *time.Time `json:"now"`
			Running bool       `json:"running"`
			Reset   bool       `json:"reset"`
		}
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil || (in.Now == nil && !in.Reset) {
			devError(w, http.StatusUnprocessableEntity, `send {"now": "<RFC 3339 time>"} (optionally "running": true), or {"reset": true}`)
			return
		}
		if in.Reset {
			a.Clock.Reset()
		} else {
			a.Clock.Set(*in.Now, in.Running)
		}
		devJSON(w, http.StatusOK, clockAnswer(a.Clock.Now()))
	})
	mux.HandleFunc("POST /dev/drain", func(w http.ResponseWriter, r *http.Request) {
		n, err := a.Drain(r.Context())
		if err != nil {
			a.Log.Error("drain", "err", err)
			devError(w, http.StatusInternalServerError, err.Error())
			return
		}
		devJSON(w, http.StatusOK, map[string]int{"processed": n})
	})
	mux.HandleFunc("GET /dev/outbox", func(w http.ResponseWriter, r *http.Request) {
		msgs, err := a.Outbox.List(r.Context())
		if err != nil {
			devError(w, http.StatusInternalServerError, err.Error())
			return
		}
		devJSON(w, http.StatusOK, map[string][]Message{"items": msgs})
	})
	mux.HandleFunc("POST /dev/workspaces", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Name     string `json:"name"`
			Timezone string `json:"timezone"`
			Language string `json:"language"`
		}
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			devError(w, http.StatusBadRequest, `send {"name": "..."}`)
			return
		}
		ws, admin, err := a.Workspaces.CreateWorkspace(r.Context(), workspace.NewWorkspace{Name: in.Name, Timezone: in.Timezone,
			Language: in.Language, AdminName: "Admin " + in.Name, AdminEmail: "admin@" + slug(in.Name) + ".example"})
		if err != nil {
			devError(w, statusFor(err), err.Error())
			return
		}
		devJSON(w, http.StatusCreated, map[string]string{"tenant_id": ws.ID, "admin_user_id": admin.ID, "token": a.Token(admin.AuthSubject)})
	})
	mux.HandleFunc("POST /dev/token", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			UserID string `json:"user_id"`
		}
		_ = json.NewDecoder(r.Body).Decode(&in) // an empty body asks for the demo admin
		subject := in.UserID
		if subject == "" {
			demo, err := a.demo(r.Context())
			if err != nil {
				devError(w, http.StatusNotFound, "there is no demo workspace; name a user_id")
				return
			}
			subject = demo.AdminID
		}
		devJSON(w, http.StatusOK, map[string]string{"token": a.Token(subject)})
	})
}

// clockAnswer is the runner's time, also in Unix seconds: what a webhook
// signs as X-Tend-Timestamp, read without a platform's own date command.
func clockAnswer(now time.Time) map[string]any {
	return map[string]any{"now": now, "unix": now.Unix()}
}

func statusFor(err error) int {
	switch {
	case errors.Is(err, domain.ErrInvalid):
		return http.StatusUnprocessableEntity
	case errors.Is(err, domain.ErrConflict):
		return http.StatusConflict
	}
	return http.StatusInternalServerError
}

func devJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func devError(w http.ResponseWriter, status int, msg string) {
	devJSON(w, status, map[string]string{"error": msg})
}

// slug makes a workspace name usable in an example email address.
func slug(s string) string {
	var b strings.Builder
	for _, r := range domain.Fold(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	out := strings.Trim(b.String(), "-")
	if out == "" {
		return "workspace"
	}
	return out
}

func sortMessages(m []Message) {
	slices.SortStableFunc(m, func(a, b Message) int { return a.SentAt.Compare(b.SentAt) })
}
