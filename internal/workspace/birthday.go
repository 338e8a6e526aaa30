package workspace

import (
	"fmt"
	"strings"
	"time"

	"tend/internal/domain"
	"tend/internal/store"
)

// Staff birthdays [sinh nhật nhân viên]. Every active user with a birthday
// is listed, across workspaces, in a sparse secondary index partitioned by
// the birthday's month and sorted by its day, so that the scheduler's tick
// finds the birthdays of a day or a month without reading every workspace.
//
//	GSI2  BDAY#<MM>  <DD>#<tenant>#<user>

// BirthdayIndex is the secondary index of users by birthday.
const BirthdayIndex = store.GSI2

const birthdaySlot = 1 // Item.Index[birthdaySlot] is BirthdayIndex's key

// BirthdayIndexPK is the index partition of the birthdays of a month.
func BirthdayIndexPK(m time.Month) string { return fmt.Sprintf("BDAY#%02d", int(m)) }

// BirthdayDayPrefix begins the index sort keys of the birthdays of a day
// of the month.
func BirthdayDayPrefix(day int) string { return fmt.Sprintf("%02d#", day) }

func birthdayIndexKey(u *domain.User) store.IndexKey {
	return store.IndexKey{PK: BirthdayIndexPK(u.Birthday.Month), SK: BirthdayDayPrefix(u.Birthday.Day) + u.TenantID + "#" + u.ID}
}

// BirthdayEntry reads the tenant and user of a birthday index sort key.
func BirthdayEntry(sk string) (tenant, user string, ok bool) {
	parts := strings.Split(sk, "#")
	if len(parts) != 3 || parts[1] == "" || parts[2] == "" {
		return "", "", false
	}
	return parts[1], parts[2], true
}

// earliestBirthday is the earliest birthday accepted: a guard against
// typos such as 0199 for 1999.
var earliestBirthday = domain.Date{Year: 1900, Month: time.January, Day: 1}

// checkBirthday refuses a birthday after today (in the workspace's time
// zone) or before 1900.
func checkBirthday(p *domain.Problems, b, today domain.Date) {
	switch {
	case b.IsZero():
	case today.Before(b):
		p.Add("birthday", "birthday_in_future", "today", today.String())
	case b.Before(earliestBirthday):
		p.Add("birthday", "birthday_too_early", "earliest", earliestBirthday.String())
	}
}
