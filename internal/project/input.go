package project

import (
	"fmt"
	"slices"
	"strings"

	"tend/internal/check"
	"tend/internal/domain"
	"tend/internal/jsonin"
	"tend/internal/workspace"
)

// Input creates or changes a project; on a change, absent properties are
// kept and a list given replaces the list.
type Input struct {
	Name        *string
	Description *string
	OwnerID     *string
	MemberIDs   *[]string
	Statuses    *[]StatusInput
	Phases      *[]PhaseInput
	// Version, when given, must be the project's current version.
	Version *int64
}

// StatusInput is a status of the body; without an id it is a new status.
type StatusInput struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Kind string `json:"kind"`
}

// PhaseInput is a phase of the body; without an id it is a new phase.
type PhaseInput struct {
	ID       string      `json:"id"`
	Name     string      `json:"name"`
	StartsOn domain.Date `json:"starts_on"`
	EndsOn   domain.Date `json:"ends_on"`
}

// Limits of a project.
const (
	maxName        = 200
	maxDescription = 10000
	maxMembers     = 200
	maxStatuses    = 20
	maxPhases      = 50
	maxLabel       = 100
	maxRef         = 100
)

// projectReadOnly are properties Tend keeps itself.
var projectReadOnly = []string{"id", "created_by", "created_at", "updated_at"}

// ParseInput reads a project body (POST or PATCH) strictly: unknown and
// read-only properties and values of the wrong type are reported, all at
// once, with their paths. It checks the shape only.
func ParseInput(raw []byte) (*Input, error) {
	in := &Input{}
	err := jsonin.Read(raw, map[string]jsonin.Reader{
		"name":        jsonin.Value(&in.Name, "expected_text"),
		"description": jsonin.Value(&in.Description, "expected_text"),
		"owner_id":    jsonin.Value(&in.OwnerID, "expected_text"),
		"member_ids":  jsonin.Value(&in.MemberIDs, "expected_text_list"),
		"statuses":    jsonin.ListOf(&in.Statuses, maxStatuses, nil),
		"phases":      jsonin.ListOf(&in.Phases, maxPhases, nil),
		"version":     jsonin.Value(&in.Version, "expected_integer"),
	}, projectReadOnly...)
	if err != nil {
		return nil, err
	}
	return in, nil
}

// apply checks in against the workspace and writes it into p, reporting
// every problem at once.
func apply(o *workspace.Org, p *Project, in *Input, creating bool) error {
	var pr domain.Problems
	if in.Name != nil {
		p.Name = check.Text(&pr, "name", *in.Name, maxName, true)
	} else if creating {
		pr.Add("name", "required")
	}
	if in.Description != nil {
		p.Description = check.Lines(&pr, "description", *in.Description, maxDescription, false)
	}
	if in.OwnerID != nil {
		id := strings.TrimSpace(*in.OwnerID)
		if id != p.OwnerID || creating {
			activeUser(o, &pr, "owner_id", id)
		}
		p.OwnerID = id
	}
	if in.MemberIDs != nil {
		p.MemberIDs = members(o, &pr, *in.MemberIDs, p.MemberIDs)
	}
	if in.Statuses != nil {
		p.Statuses = statuses(&pr, *in.Statuses)
	}
	if in.Phases != nil {
		p.Phases = phases(&pr, *in.Phases)
	}
	return pr.Err()
}

// activeUser requires an active user of the workspace at path.
func activeUser(o *workspace.Org, pr *domain.Problems, path, id string) {
	u, ok := o.User(id)
	switch {
	case id == "":
		pr.Add(path, "required")
	case !ok:
		pr.Add(path, "unknown_user", "value", id)
	case !u.Active:
		pr.Add(path, "user_inactive", "value", id)
	}
}

// members drops empty and repeated ids; new ones must be active users
// (those already members are kept as they are, even if deactivated since).
func members(o *workspace.Org, pr *domain.Problems, ids, had []string) []string {
	out := make([]string, 0, len(ids))
	for i, id := range ids {
		id = strings.TrimSpace(id)
		if id == "" || slices.Contains(out, id) {
			continue
		}
		if !slices.Contains(had, id) {
			activeUser(o, pr, check.Index("member_ids", i), id)
		}
		out = append(out, id)
	}
	if len(out) > maxMembers {
		pr.Add("member_ids", "too_many", "max", fmt.Sprint(maxMembers))
	}
	return out
}

// statuses checks a list of statuses and names the new ones.
func statuses(pr *domain.Problems, in []StatusInput) []Status {
	if len(in) == 0 {
		pr.Add("statuses", "required")
	}
	out := make([]Status, 0, len(in))
	for i, s := range in {
		path := check.Index("statuses", i)
		st := Status{
			ID:   ref(pr, path+".id", s.ID, "sts"),
			Name: check.Text(pr, path+".name", s.Name, maxLabel, true),
			Kind: s.Kind,
		}
		if !slices.Contains(Kinds, s.Kind) {
			pr.Add(path+".kind", "invalid_value", "value", s.Kind)
		}
		if _, dup := (&Project{Statuses: out}).status(st.ID); dup {
			pr.Add(path+".id", "duplicate")
		}
		out = append(out, st)
	}
	return out
}

// phases checks a list of phases and names the new ones.
func phases(pr *domain.Problems, in []PhaseInput) []Phase {
	out := make([]Phase, 0, len(in))
	for i, ph := range in {
		path := check.Index("phases", i)
		p := Phase{
			ID:       ref(pr, path+".id", ph.ID, "phs"),
			Name:     check.Text(pr, path+".name", ph.Name, maxLabel, true),
			StartsOn: ph.StartsOn, EndsOn: ph.EndsOn,
		}
		switch {
		case p.StartsOn.IsZero():
			pr.Add(path+".starts_on", "required")
		case p.EndsOn.IsZero():
			pr.Add(path+".ends_on", "required")
		case p.EndsOn.Before(p.StartsOn):
			pr.Add(path+".ends_on", "ends_before_start")
		}
		if _, dup := (&Project{Phases: out}).phase(p.ID); dup {
			pr.Add(path+".id", "duplicate")
		}
		out = append(out, p)
	}
	return out
}

// ref is a status's or phase's id: the one given, checked, or a new one.
func ref(pr *domain.Problems, path, id, prefix string) string {
	id = strings.TrimSpace(id)
	if id == "" {
		return domain.NewID(prefix)
	}
	if !validID(id) || len(id) > maxRef || domain.TextFault(id, false) != "" {
		pr.Add(path, "invalid_value", "value", id)
	}
	return id
}
