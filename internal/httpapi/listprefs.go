package httpapi

import (
	"net/http"
	"strconv"

	"tend/internal/listprefs"
	"tend/internal/workspace"
)

// routesListPrefs serves each user's list settings and saved filters.
// Every user keeps their own; saved filters shared by an admin are read
// by everyone and changed by admins (the service decides).
func (a *API) routesListPrefs() {
	svc := a.cfg.ListPrefs
	a.handle("GET /v1/settings/list", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		st, err := svc.Get(r.Context(), c)
		return ok(w, st, err)
	})
	a.handle("PUT /v1/settings/list", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		raw, err := readBody(w, r)
		if err != nil {
			return err
		}
		in, err := listprefs.ParseSettings(raw)
		if err != nil {
			return err
		}
		st, err := svc.Put(r.Context(), c, in)
		return ok(w, st, err)
	})
	a.handle("GET /v1/saved-filters", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		fs, err := svc.ListFilters(r.Context(), c)
		return ok(w, list[*listprefs.Filter]{Items: fs}, err)
	})
	a.handle("POST /v1/saved-filters", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		in, err := savedFilterInput(w, r)
		if err != nil {
			return err
		}
		f, err := svc.CreateFilter(r.Context(), c, in)
		if err != nil {
			return err
		}
		return created(w, "/v1/saved-filters/"+f.ID, f)
	})
	a.handle("GET /v1/saved-filters/{id}", itemHandler(svc.GetFilter))
	a.handle("PATCH /v1/saved-filters/{id}", func(w http.ResponseWriter, r *http.Request, c *workspace.Caller) error {
		in, err := savedFilterInput(w, r)
		if err != nil {
			return err
		}
		f, err := svc.UpdateFilter(r.Context(), c, r.PathValue("id"), in)
		return ok(w, f, err)
	})
	a.handle("DELETE /v1/saved-filters/{id}", deleteHandler(svc.DeleteFilter, "id"))
}

func savedFilterInput(w http.ResponseWriter, r *http.Request) (*listprefs.FilterInput, error) {
	raw, err := readBody(w, r)
	if err != nil {
		return nil, err
	}
	return listprefs.ParseFilter(raw)
}

// applyListSettings gives a customer list request that names no sort or
// page size the caller's saved ones (none when they saved no settings:
// the list's defaults apply). They are written into the request's query
// itself, so that the page cursors are sealed to the sort actually used:
// a cursor from before the user changed their saved sort is refused
// rather than continued under another order.
func (a *API) applyListSettings(r *http.Request, c *workspace.Caller) error {
	q := r.URL.Query()
	if q.Get("sort") != "" && q.Get("limit") != "" {
		return nil
	}
	st, err := a.cfg.ListPrefs.Get(r.Context(), c)
	if err != nil || st.Default {
		return err
	}
	if q.Get("sort") == "" {
		q.Set("sort", st.Sort)
	}
	if q.Get("limit") == "" {
		q.Set("limit", strconv.Itoa(st.Limit))
	}
	r.URL.RawQuery = q.Encode()
	return nil
}
