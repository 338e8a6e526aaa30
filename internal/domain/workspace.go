package domain

import (
	"sync"
	"time"
)

// Defaults of a new workspace.
const (
	DefaultTimezone = "Asia/Ho_Chi_Minh"
	DefaultLanguage = "vi"
)

// Who is told of a colleague's birthday (Workspace.BirthdayNotices).
const (
	BirthdayNoticesTeam      = "team"
	BirthdayNoticesWorkspace = "workspace"
)

// BirthdayAudiences lists the values of Workspace.BirthdayNotices.
var BirthdayAudiences = []string{BirthdayNoticesTeam, BirthdayNoticesWorkspace}

// Languages a workspace and its messages can use.
var Languages = []string{"vi", "en"}

// Workspace is a tenant: one company using Tend.
type Workspace struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Timezone   string     `json:"timezone"`
	Language   string     `json:"language"`
	QuietHours QuietHours `json:"quiet_hours"`
	// BirthdayNotices says who is told of a colleague's birthday: the
	// members of the person's teams (BirthdayNoticesTeam, the default), or
	// everyone in the workspace.
	BirthdayNotices string    `json:"birthday_notices"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
	Version         int64     `json:"version"`
}

// QuietHours is when no email or SMS goes out, in local "HH:MM" times; From
// after To means the quiet time spans midnight.
type QuietHours struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// DefaultQuietHours are 21:00–08:00.
var DefaultQuietHours = QuietHours{From: "21:00", To: "08:00"}

var locations sync.Map // name → *time.Location

// LoadLocation is time.LoadLocation with a cache: zones are looked up on
// every "today" computation.
func LoadLocation(name string) (*time.Location, error) {
	if loc, ok := locations.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	locations.Store(name, loc)
	return loc, nil
}

// Location returns the workspace's time zone (UTC if it can't be loaded,
// which validation prevents).
func (w *Workspace) Location() *time.Location {
	loc, err := LoadLocation(w.Timezone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// ParseClock parses a local "HH:MM" time of day into minutes after midnight.
func ParseClock(s string) (int, bool) {
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	h, ok1 := digits(s[:2])
	m, ok2 := digits(s[3:])
	if !ok1 || !ok2 || h > 23 || m > 59 {
		return 0, false
	}
	return h*60 + m, true
}
