package httpapi

import (
	"net/http"

	"tend/internal/birthday"
	"tend/internal/workspace"
)

// routesInbox serves the caller's own notifications and their read state,
// and the colleagues' birthdays coming up. Every route reads or changes
// the caller's inbox only: another user's notification is not found.
func (a *API) routesInbox() {
	svc := a.cfg.Inbox
	a.handle("GET /v1/notifications", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		unread, err := boolParam(r, "unread")
		if err != nil {
			return err
		}
		limit, cursor, err := pageParams(r, c)
		if err != nil {
			return err
		}
		page, err := svc.Views(r.Context(), c, unread, limit, cursor)
		return writePage(w, r, c, page, err)
	})
	a.handle("POST /v1/notifications/{id}/read", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		v, err := svc.MarkRead(r.Context(), c, r.PathValue("id"))
		return ok(w, v, err)
	})
	a.handle("POST /v1/notifications/read-all", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		n, err := svc.ReadAll(r.Context(), c)
		if err != nil {
			return err
		}
		unread, err := svc.Unread(r.Context(), c.Tenant(), c.User.ID)
		if err != nil {
			return err
		}
		return writeJSON(w, http.StatusOK, readAll{Marked: n, Unread: unread})
	})
	a.handle("GET /v1/reminders/birthdays", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		return writeJSON(w, http.StatusOK, list[birthday.Reminder]{Items: a.cfg.Birthdays.List(c)})
	})
}

type readAll struct {
	Marked int `json:"marked"`
	Unread int `json:"unread_notifications"`
}

// boolParam reads an optional true/false query parameter.
func boolParam(r *http.Request, name string) (bool, error) {
	switch r.URL.Query().Get(name) {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	}
	return false, fieldError(name, "invalid_boolean")
}
