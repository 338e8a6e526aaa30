// Package webapi serves the services over HTTP: the whole API (the api
// function, the local runner) or the webhooks alone (the hooks function).
package webapi

import (
	"tend/internal/httpapi"
	"tend/internal/idempotency"
	"tend/internal/services"
)

// Full is the whole HTTP API over the services, with callers identified
// by auth, and workspaces opened as creation allows.
func Full(s *services.Services, auth httpapi.Authenticator, creation httpapi.WorkspaceCreation) *httpapi.API {
	cfg := config(s, auth)
	cfg.WorkspaceCreation = creation
	return httpapi.New(cfg)
}

// Hooks is the webhooks alone (/hooks/*).
func Hooks(s *services.Services, auth httpapi.Authenticator) *httpapi.API {
	return httpapi.NewHooks(config(s, auth))
}

func config(s *services.Services, auth httpapi.Authenticator) httpapi.Config {
	return httpapi.Config{Workspaces: s.Workspaces, Customers: s.Customers, Lists: s.Lists, ListPrefs: s.ListPrefs, Exports: s.Exports, Timeline: s.Timeline,
		Automation: s.Automation, Orders: s.Orders, Distribution: s.Distribution, Leads: s.Leads, Inbox: s.Inbox, Birthdays: s.Birthdays,
		Templates: s.Templates, Tasks: s.Tasks, Projects: s.Projects, CareFlows: s.CareFlows, Notify: s.Notify, Reports: s.Reports,
		Imports: s.Imports, Campaigns: s.Campaigns, Sharing: s.Sharing,
		Auth: auth, Idempotency: idempotency.New(s.Store, s.Clock), Log: s.Log}
}
