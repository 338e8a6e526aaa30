package leads

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"tend/internal/crm"
	"tend/internal/domain"
	"tend/internal/sqlite"
)

// testOrg is a workspace's set-up for the mapping tests.
var testOrg *crm.Org

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "leads")
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	code := func() int {
		defer os.RemoveAll(dir)
		db, err := sqlite.Open(filepath.Join(dir, "l.db"), sqlite.Options{})
		if err != nil {
			fmt.Println(err)
			return 1
		}
		defer db.Close()
		svc := crm.New(db, domain.SystemClock{}, nil)
		ws, _, err := svc.CreateWorkspace(context.Background(), crm.NewWorkspace{Name: "Leads", AdminEmail: "a@l.vn"})
		if err != nil {
			fmt.Println(err)
			return 1
		}
		if testOrg, err = svc.LoadOrg(context.Background(), ws.ID); err != nil {
			fmt.Println(err)
			return 1
		}
		return m.Run()
	}()
	os.Exit(code)
}

func asError(err error, target **domain.Error) bool { return errors.As(err, target) }
