package birthday

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"tend/internal/domain"
	"tend/internal/inbox"
	"tend/internal/shardrun"
	"tend/internal/store"
	"tend/internal/workspace"
)

// NoticeAt is when a day's birthday notices go out, in minutes after
// midnight in the workspace's time zone: 08:00, when daily work starts
// (the daily automation rules' default hour too).
const NoticeAt = 8 * 60

// Occasions of a birthday notice.
const (
	OccasionMonth = "month" // the 1st of the birthday's month
	OccasionDay   = "day"   // the birthday itself
)

// Tick sends the birthday notices due now: it finds, in the users'
// birthday index, the birthdays of each date some time zone has now (of
// the whole month on a 1st), and tells each workspace's people of those
// falling on its own date once its 08:00 has come. Each notice is written
// only if absent (its key derives from the person, the year, the occasion
// and the recipient), and a marker then says an occasion is done, so that
// later ticks read one item instead of writing again: however many ticks
// run, or stop halfway, each recipient is told once per occasion.
func (s *Service) Tick(ctx context.Context) (int, error) {
	now := s.clock.Now()
	byTenant := map[string][]string{}
	seen := map[string]bool{}
	for _, d := range datesSomewhere(now) {
		for _, prefix := range prefixes(d) {
			q := store.Query{Index: workspace.BirthdayIndex, PK: workspace.BirthdayIndexPK(d.Month), Limit: 500, DocsOnly: true}
			if prefix != "" {
				q.SK, q.A = store.SKBeginsWith, prefix
			}
			for it, err := range store.Items(ctx, s.st, q) {
				if err != nil {
					return 0, fmt.Errorf("birthday: read birthdays: %w", err)
				}
				u, err := store.Decode[domain.User](it)
				if err != nil {
					return 0, err
				}
				if k := u.TenantID + "#" + u.ID; !seen[k] {
					seen[k] = true
					byTenant[u.TenantID] = append(byTenant[u.TenantID], u.ID)
				}
			}
		}
	}
	return shardrun.EachWorkspace(ctx, s.log, s.orgs, byTenant, func(ctx context.Context, o *workspace.Org, users []string) (int, error) {
		return s.notifyWorkspace(ctx, o, users, now)
	})
}

// datesSomewhere lists the dates that some time zone (UTC−12 to UTC+14)
// has at now.
func datesSomewhere(now time.Time) []domain.Date {
	var out []domain.Date
	for _, off := range []time.Duration{-12 * time.Hour, 0, 14 * time.Hour} {
		if d := domain.DateOf(now.Add(off), time.UTC); !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	return out
}

// prefixes are the index sort-key prefixes of the birthdays to look at on
// d: the whole month ("") on a 1st; else the day's, and on 28 February of
// a common year the 29th's too.
func prefixes(d domain.Date) []string {
	if d.Day == 1 {
		return []string{""}
	}
	out := []string{workspace.BirthdayDayPrefix(d.Day)}
	if d.Month == time.February && d.Day == 28 && domain.DaysIn(time.February, d.Year) == 28 {
		out = append(out, workspace.BirthdayDayPrefix(29))
	}
	return out
}

// notifyWorkspace sends a workspace's notices due today, once its 08:00
// has come.
func (s *Service) notifyWorkspace(ctx context.Context, o *workspace.Org, users []string, now time.Time) (int, error) {
	loc := o.Workspace.Location()
	today := domain.DateOf(now, loc)
	at := today.In(loc).Add(NoticeAt * time.Minute)
	if now.Before(at) {
		return 0, nil
	}
	sent := 0
	for _, id := range slices.Sorted(slices.Values(users)) {
		u, ok := o.User(id)
		if !ok || !u.Active || u.Birthday.IsZero() {
			continue
		}
		var occasion string
		switch day := Celebrated(u.Birthday, today.Year); {
		case day == today:
			occasion = OccasionDay // one born on the 1st is told of once, on the day
		case today.Day == 1 && day.Month == today.Month:
			occasion = OccasionMonth
		default:
			continue
		}
		n, err := s.notify(ctx, o, u, today, occasion, at)
		sent += n
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}

func markerKey(tenant, user string, year int, occasion string) store.Key {
	return store.Key{PK: fmt.Sprintf("T#%s#BDAY#%d", tenant, year), SK: user + "#" + occasion}
}

// markerLife is how long an occasion's marker is kept: past its year.
const markerLife = 400 * 24 * time.Hour

// notify tells the audience of u's birthday of one occasion, unless done.
func (s *Service) notify(ctx context.Context, o *workspace.Org, u *domain.User, today domain.Date, occasion string, at time.Time) (int, error) {
	tenant := o.Workspace.ID
	marker := markerKey(tenant, u.ID, today.Year, occasion)
	if _, err := s.st.Get(ctx, marker); err == nil {
		return 0, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return 0, fmt.Errorf("birthday: read marker: %w", err)
	}
	title, body := message(o.Workspace.Language, u, Celebrated(u.Birthday, today.Year), occasion)
	sent := 0
	for _, to := range Audience(o, u) {
		n := inbox.Notification{ID: fmt.Sprintf("bday_%s_%d_%s_%s", u.ID, today.Year, occasion, to), UserID: to,
			Kind: inbox.KindStaffBirthday, Title: title, Body: body,
			Subject: &inbox.Subject{Type: inbox.SubjectUser, ID: u.ID}, At: at}
		err := s.st.Put(ctx, inbox.Item(tenant, n), store.NotExist)
		if errors.Is(err, store.ErrConditionFailed) {
			continue // told by an earlier tick that stopped before its marker
		}
		if err != nil {
			return sent, fmt.Errorf("birthday: notify %s: %w", to, err)
		}
		sent++
	}
	err := s.st.Put(ctx, store.Item{Key: marker, Type: "birthday_marker", Version: 1, ExpiresAt: at.Add(markerLife),
		Doc: store.Doc(map[string]any{"user_id": u.ID, "occasion": occasion, "told": sent})}, store.None)
	if err != nil {
		return sent, fmt.Errorf("birthday: mark %s told: %w", u.ID, err)
	}
	s.log.InfoContext(ctx, "birthday notices sent", "tenant", tenant, "user", u.ID, "occasion", occasion, "told", sent)
	return sent, nil
}

// Audience lists who is told of u's birthday: the active members and
// leaders of u's teams, or everyone active in the workspace when its
// birthday_notices setting says so; the workspace's admins when u is in no
// team. Never u.
func Audience(o *workspace.Org, u *domain.User) []string {
	to := map[string]bool{}
	everyone := o.Workspace.BirthdayNotices == domain.BirthdayNoticesWorkspace
	if !everyone {
		for _, t := range o.Teams {
			if t.LeaderID == u.ID || slices.Contains(t.MemberIDs, u.ID) {
				for _, id := range append([]string{t.LeaderID}, t.MemberIDs...) {
					to[id] = true
				}
			}
		}
	}
	inTeam := len(to) > 0
	for _, v := range o.Users {
		if everyone || (!inTeam && v.Role == domain.RoleAdmin) {
			to[v.ID] = true
		}
	}
	out := []string{}
	for _, id := range slices.Sorted(maps.Keys(to)) {
		if v, ok := o.User(id); ok && v.Active && id != u.ID {
			out = append(out, id)
		}
	}
	return out
}

// message is a notice's title and body in the workspace's language.
func message(lang string, u *domain.User, day domain.Date, occasion string) (title, body string) {
	date := fmt.Sprintf("%02d/%02d", day.Day, int(day.Month))
	if occasion == OccasionDay {
		title = inbox.Say(lang, "Hôm nay là sinh nhật của "+u.Name, "Today is "+u.Name+"'s birthday")
	} else {
		title = inbox.Say(lang, "Tháng này có sinh nhật của "+u.Name+" ("+date+")", u.Name+"'s birthday is this month ("+date+")")
	}
	body = inbox.Say(lang, "Sinh nhật ngày "+date+". Hãy gửi lời chúc mừng!", "Birthday on "+date+". Send your wishes!")
	return title, body
}
