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

// birthdayIndexOf is u's key in the birthday index: none unless u is
// active with a birthday.
func birthdayIndexOf(u *domain.User) store.IndexKey {
	if !u.Active || u.Birthday.IsZero() {
		return store.IndexKey{}
	}
	return store.IndexKey{PK: BirthdayIndexPK(u.Birthday.Month), SK: BirthdayDayPrefix(u.Birthday.Day) + u.TenantID + "#" + u.ID}
}

// BirthdayIndexed returns a user item with the birthday index key a save
// of the user gives it today, and whether the item lacked it: a user saved
// before the index existed (see package backfill). The item keeps its
// version: only the index key, derived from the document, changes, so an
// edit in flight (and every cached set-up) stays valid, and a write of it
// conditional on its version loses to any edit made since it was read.
// Items of other types are returned unchanged.
func BirthdayIndexed(it store.Item) (store.Item, bool, error) {
	if it.Type != typeUser {
		return it, false, nil
	}
	u, err := store.Decode[domain.User](it)
	if err != nil {
		return it, false, err
	}
	want := birthdayIndexOf(u)
	if it.Index[birthdaySlot] == want {
		return it, false, nil
	}
	it.Index[birthdaySlot] = want
	return it, true, nil
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
