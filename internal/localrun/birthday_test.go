package localrun_test

import (
	"testing"
	"time"
)

type birthdayList struct {
	Items []struct {
		UserID    string `json:"user_id"`
		Name      string `json:"name"`
		Birthday  string `json:"birthday"`
		DaysUntil int    `json:"days_until"`
	} `json:"items"`
}

type inboxPage struct {
	Items []struct {
		ID      string
		Kind    string
		Title   string
		Subject struct{ Type, ID string }
		ReadAt  *time.Time `json:"read_at"`
	} `json:"items"`
	NextCursor string `json:"next_cursor"`
}

// birthdayNotices returns the staff_birthday notifications a user has.
func birthdayNotices(c *client) []string {
	c.t.Helper()
	var p inboxPage
	c.do("GET", "/v1/notifications?limit=500", nil).ok(200).into(&p)
	var out []string
	for _, n := range p.Items {
		if n.Kind == "staff_birthday" {
			out = append(out, n.Subject.Type+":"+n.Subject.ID+" "+n.Title)
		}
	}
	return out
}

// The seed's example: a colleague born on 20/12 is listed from 1 December
// through 20 December (not on 30 November nor 21 December), in the
// workspace's time zone, and her team is told on the 1st and on the day,
// once each however many ticks run; the rest of the workspace is told only
// when the workspace says so; she is never told of her own birthday.
func TestStaffBirthdayReminders(t *testing.T) {
	s := start(t, false)
	admin, _ := s.workspace("Công ty Sinh Nhật")
	lan := admin.user("Chị Lan", "staff")
	minh := admin.user("Anh Minh", "staff")
	hoa := admin.user("Chị Hoa", "team_leader")
	other := admin.user("Anh Khác", "staff")
	admin.create("/v1/teams", map[string]any{"name": "Nhóm Lan", "leader_id": hoa.userID, "member_ids": []string{lan.userID, minh.userID}})
	admin.create("/v1/teams", map[string]any{"name": "Nhóm Khác", "member_ids": []string{other.userID}})
	admin.do("PATCH", "/v1/users/"+lan.userID, map[string]any{"birthday": "1990-12-20"}).ok(200)

	hcm, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	listed := func(at time.Time) (days []int) {
		t.Helper()
		s.setClock(at)
		var l birthdayList
		minh.do("GET", "/v1/reminders/birthdays", nil).ok(200).into(&l)
		for _, it := range l.Items {
			if it.UserID != lan.userID || it.Name != "Chị Lan" || it.Birthday != "1990-12-20" {
				t.Fatalf("listed %+v, want Chị Lan", it)
			}
			days = append(days, it.DaysUntil)
		}
		return days
	}
	tick := func(times int) {
		for range times {
			s.drain()
		}
	}
	for _, tt := range []struct {
		at   time.Time
		want []int
	}{
		{time.Date(2026, 11, 30, 23, 59, 0, 0, hcm), nil},
		{time.Date(2026, 12, 1, 0, 0, 0, 0, hcm), []int{19}},
		{time.Date(2026, 12, 10, 12, 0, 0, 0, hcm), []int{10}},
		{time.Date(2026, 12, 20, 23, 59, 0, 0, hcm), []int{0}},
		{time.Date(2026, 12, 21, 0, 0, 0, 0, hcm), nil},
	} {
		if got := listed(tt.at); len(got) != len(tt.want) || (len(got) == 1 && got[0] != tt.want[0]) {
			t.Errorf("on %s listed days_until %v, want %v", tt.at, got, tt.want)
		}
	}
	// At 30/11 23:59 in Hồ Chí Minh City it is already 1/12 in UTC+14
	// and in UTC: nothing is told yet.
	s.setClock(time.Date(2026, 11, 30, 23, 59, 0, 0, hcm))
	tick(2)
	// The 1st, before 08:00: nothing; from 08:00, once however many ticks.
	s.setClock(time.Date(2026, 12, 1, 7, 59, 0, 0, hcm))
	tick(2)
	if got := birthdayNotices(minh); len(got) != 0 {
		t.Fatalf("told before 08:00 on the 1st: %v", got)
	}
	for _, at := range []time.Time{time.Date(2026, 12, 1, 8, 0, 0, 0, hcm), time.Date(2026, 12, 1, 8, 30, 0, 0, hcm), time.Date(2026, 12, 1, 17, 0, 0, 0, hcm)} {
		s.setClock(at)
		tick(2)
	}
	month := "user:" + lan.userID + " Tháng này có sinh nhật của Chị Lan (20/12)"
	for _, c := range []*client{minh, hoa} {
		if got := birthdayNotices(c); len(got) != 1 || got[0] != month {
			t.Fatalf("team told %v on the 1st, want once %q", got, month)
		}
	}
	for _, c := range []*client{lan, other, admin} {
		if got := birthdayNotices(c); len(got) != 0 {
			t.Fatalf("%s told %v, want nothing (herself, or not in her team)", c.userID, got)
		}
	}
	// The workspace asks for everyone to be told; on the day, everyone
	// but Lan is told once.
	admin.do("PUT", "/v1/settings/workspace", map[string]any{"birthday_notices": "workspace"}).ok(200)
	for _, at := range []time.Time{time.Date(2026, 12, 19, 9, 0, 0, 0, hcm), time.Date(2026, 12, 20, 8, 0, 0, 0, hcm),
		time.Date(2026, 12, 20, 12, 0, 0, 0, hcm), time.Date(2026, 12, 21, 8, 0, 0, 0, hcm)} {
		s.setClock(at)
		tick(2)
	}
	day := "user:" + lan.userID + " Hôm nay là sinh nhật của Chị Lan"
	for c, want := range map[*client][]string{minh: {day, month}, hoa: {day, month}, other: {day}, admin: {day}, lan: nil} {
		if got := birthdayNotices(c); len(got) != len(want) || (len(want) > 0 && (got[0] != want[0] || got[len(got)-1] != want[len(want)-1])) {
			t.Errorf("%s told %v, want %v", c.userID, got, want)
		}
	}
	// A bad setting is refused, in the workspace's language.
	p := admin.do("PUT", "/v1/settings/workspace", map[string]any{"birthday_notices": "company"}).problem(422)
	if len(p.Errors) != 1 || p.Errors[0].Path != "birthday_notices" ||
		p.Errors[0].Message != "\"company\" không hợp lệ: chọn team (đội nhóm của người có sinh nhật) hoặc workspace (cả không gian làm việc)." {
		t.Fatalf("bad setting: %+v", p.Errors)
	}
}

// One born on 29 February is listed through 28 February in a common year
// and told of on the 28th; in a leap year, on the 29th.
func TestLeapDayBirthday(t *testing.T) {
	s := start(t, false)
	admin, _ := s.workspace("Công ty Nhuận")
	admin.do("PUT", "/v1/settings/workspace", map[string]any{"language": "en"}).ok(200)
	leap := admin.user("Tuấn", "staff")
	mate := admin.user("Bình", "staff")
	admin.create("/v1/teams", map[string]any{"name": "Nhóm", "member_ids": []string{leap.userID, mate.userID}})
	admin.do("PATCH", "/v1/users/"+leap.userID, map[string]any{"birthday": "2000-02-29"}).ok(200)
	hcm, _ := time.LoadLocation("Asia/Ho_Chi_Minh")
	days := func(at time.Time) []int {
		s.setClock(at)
		var l birthdayList
		mate.do("GET", "/v1/reminders/birthdays", nil).ok(200).into(&l)
		var out []int
		for _, it := range l.Items {
			out = append(out, it.DaysUntil)
		}
		return out
	}
	for _, tt := range []struct {
		at   time.Time
		want []int
	}{
		{time.Date(2027, 2, 27, 12, 0, 0, 0, hcm), []int{1}},
		{time.Date(2027, 2, 28, 12, 0, 0, 0, hcm), []int{0}},
		{time.Date(2027, 3, 1, 0, 0, 0, 0, hcm), nil},
		{time.Date(2028, 2, 28, 12, 0, 0, 0, hcm), []int{1}},
		{time.Date(2028, 2, 29, 12, 0, 0, 0, hcm), []int{0}},
	} {
		if got := days(tt.at); len(got) != len(tt.want) || (len(got) == 1 && got[0] != tt.want[0]) {
			t.Errorf("on %s listed days_until %v, want %v", tt.at, got, tt.want)
		}
	}
	s.setClock(time.Date(2027, 2, 28, 9, 0, 0, 0, hcm))
	s.drain()
	s.drain()
	if got := birthdayNotices(mate); len(got) != 1 || got[0] != "user:"+leap.userID+" Today is Tuấn's birthday" {
		t.Fatalf("on 28/02/2027 told %v, want once that it is Tuấn's birthday", got)
	}
	// A birthday after today is refused, with today in the message.
	p := admin.do("PATCH", "/v1/users/"+mate.userID, map[string]any{"birthday": "2027-03-01"}).problem(422)
	if len(p.Errors) != 1 || p.Errors[0].Path != "birthday" || p.Errors[0].Message != "A birthday can't be after today (2027-02-28)." {
		t.Fatalf("birthday in the future: %+v", p.Errors)
	}
}
