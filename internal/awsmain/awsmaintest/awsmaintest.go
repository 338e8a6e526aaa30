// Package awsmaintest sets up what the Lambda functions' tests share: a
// fresh SQLite store and a workspace to work in.
package awsmaintest

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tend/internal/crm"
	"tend/internal/domain"
	"tend/internal/sqlite"
)

// Store opens a fresh SQLite file for the test, closed when it ends. now
// decides expiry (nil: the system clock).
func Store(tb testing.TB, now func() time.Time) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(filepath.Join(tb.TempDir(), "tend.db"), sqlite.Options{Now: now})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// Admin opens a workspace called name and returns its admin, as a caller
// and as the user (whose AuthSubject signs in again after set-up changes).
func Admin(tb testing.TB, c *crm.Service, name string) (*crm.Caller, *domain.User) {
	tb.Helper()
	email := "admin@" + strings.ToLower(strings.ReplaceAll(name, " ", "")) + ".vn"
	_, admin, err := c.CreateWorkspace(tb.Context(), crm.NewWorkspace{Name: name, AdminEmail: email})
	if err != nil {
		tb.Fatal(err)
	}
	caller, err := c.Authenticate(tb.Context(), admin.AuthSubject)
	if err != nil {
		tb.Fatal(err)
	}
	return caller, admin
}
