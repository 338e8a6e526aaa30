package benchlists

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"tend/internal/domain"
	"tend/internal/sqlite"
	"tend/internal/workspace"
)

// Epoch is the business time of the data set and of every request: the
// newest customer was created just before it.
var Epoch = time.Date(2026, 6, 1, 2, 0, 0, 0, time.UTC)

// fixedClock stands still at t.
type fixedClock time.Time

func (c fixedClock) Now() time.Time { return time.Time(c) }

// Dataset is a workspace of N customers in a SQLite file.
type Dataset struct {
	N            int      `json:"n"`
	Tenant       string   `json:"tenant"`
	AdminSubject string   `json:"admin_subject"`
	StaffSubject string   `json:"staff_subject"` // the owner of Owners[1]
	Owners       []string `json:"owners"`
	Warehouses   []string `json:"warehouses"`
	Path         string   `json:"-"`
}

// Shape is how the data set's customers were made.
func (d *Dataset) Shape() Shape {
	return Shape{Owners: d.Owners, Warehouses: d.Warehouses, Epoch: Epoch}
}

// canonicalShape stands for any data set's users in its fingerprint.
var canonicalShape = Shape{Owners: []string{"usr_a", "usr_b"}, Warehouses: []string{"wh_a"}, Epoch: Epoch}

// Open returns the data set of n customers cached in dir, building it
// first when dir holds none of the current layout (an older one is
// removed). log tells how the build goes.
func Open(ctx context.Context, dir string, n int, log func(string, ...any)) (*Dataset, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	base := filepath.Join(dir, fmt.Sprintf("lists-%d-%s", n, Fingerprint(n, canonicalShape)))
	d := &Dataset{Path: base + ".db"}
	if b, err := os.ReadFile(base + ".json"); err == nil {
		if err := json.Unmarshal(b, d); err != nil {
			return nil, fmt.Errorf("benchlists: %s.json: %w", base, err)
		}
		log("data set: %s (cached)", d.Path)
		return d, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	stale, _ := filepath.Glob(filepath.Join(dir, fmt.Sprintf("lists-%d-*", n)))
	for _, f := range stale {
		os.Remove(f)
	}
	start := time.Now()
	if err := d.build(ctx, n, log); err != nil {
		return nil, err
	}
	log("data set: %d customers built in %s: %s", n, time.Since(start).Round(time.Second), d.Path)
	b, _ := json.Marshal(d) // strings and ints
	// The description is written last: a build cut short leaves none, and
	// the next run builds again.
	return d, os.WriteFile(base+".json", b, 0o644)
}

// build makes the workspace through the services (its set-up is small),
// loads the customers straight into the file without its secondary
// indexes, and opens it once more, which builds them.
func (d *Dataset) build(ctx context.Context, n int, log func(string, ...any)) error {
	if err := d.setUp(ctx, n); err != nil {
		return err
	}
	db, err := sqlite.Open(d.Path, fixedClock(Epoch), sqlite.Options{Loading: true})
	if err != nil {
		return err
	}
	for from := 0; from < n && err == nil; from += 100_000 {
		if err = Load(ctx, db, d.Tenant, from, min(from+100_000, n), n, d.Shape()); err == nil {
			log("data set: %d of %d customers loaded", min(from+100_000, n), n)
		}
	}
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	start := time.Now()
	if db, err = sqlite.Open(d.Path, fixedClock(Epoch), sqlite.Options{}); err != nil {
		return err
	}
	log("data set: indexes built in %s", time.Since(start).Round(time.Second))
	return db.Close()
}

// setUp makes the workspace, its users and warehouses through the services.
func (d *Dataset) setUp(ctx context.Context, n int) error {
	db, err := sqlite.Open(d.Path, fixedClock(Epoch), sqlite.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	ws := workspace.New(db, fixedClock(Epoch), nil)
	ws.CheckSetupEveryTime()
	d.N, d.AdminSubject = n, "bench-admin"
	w, _, err := ws.CreateWorkspace(ctx, workspace.NewWorkspace{Name: "Bench", AdminName: "Quản trị", AdminEmail: "admin@bench.vn", AdminSubject: d.AdminSubject})
	if err != nil {
		return err
	}
	d.Tenant = w.ID
	admin, err := ws.Authenticate(ctx, d.AdminSubject)
	if err != nil {
		return err
	}
	for i := range 20 {
		name, email, subject, role := fmt.Sprintf("Nhân viên %d", i), fmt.Sprintf("nv%d@bench.vn", i), fmt.Sprintf("bench-staff-%d", i), domain.RoleStaff
		u, err := ws.CreateUser(ctx, admin, workspace.UserInput{Name: &name, Email: &email, Role: &role, AuthSubject: &subject})
		if err != nil {
			return err
		}
		d.Owners = append(d.Owners, u.ID)
		if i == 1 { // Owners[0]'s customers are every 20th: those have no owner
			d.StaffSubject = subject
		}
	}
	for i := range 4 {
		name := fmt.Sprintf("Kho %d", i)
		wh, err := ws.SaveWarehouse(ctx, admin, "", workspace.WarehouseInput{Name: &name})
		if err != nil {
			return err
		}
		d.Warehouses = append(d.Warehouses, wh.ID)
	}
	return nil
}
