package workspace

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"tend/internal/store"
)

// SetupFreshFor is how long a container keeps a workspace's set-up (and a
// sign-in subject's user) without looking whether it changed. A change of
// the set-up made through this container is seen at once (its write drops
// the snapshot, see watchedStore); one made through another container is
// seen here within SetupFreshFor, plus the lag of an eventually consistent
// read (under a second on DynamoDB). Until then this container may still,
// for instance, give a lead to a user just deactivated, let a deactivated
// user's token in, check a customer against a custom field just removed
// or run a rule just changed as it was.
//
// Why: every request and every change reads the set-up, several times for
// a lead; reading its version each time put thousands of reads a second
// on the one counter partition of a busy workspace (T#<t>#CTR). Now each
// warm container reads it at most once per SetupFreshFor.
const SetupFreshFor = 5 * time.Second

// orgCache keeps the latest snapshot of each workspace's set-up, and when
// this container last made sure it was current.
type orgCache struct {
	mu      sync.Mutex
	entries map[string]cachedOrg // tenant → snapshot
	// epoch moves on each drop: a load that began before a drop does not
	// put back what it read, which may be older than the dropping write.
	epoch atomic.Uint64
	// freshFor is SetupFreshFor, or 0 to look at the version on every load.
	freshFor time.Duration
}

type cachedOrg struct {
	org       *Org
	checkedAt time.Time
}

func newOrgCache(freshFor time.Duration) *orgCache {
	return &orgCache{entries: map[string]cachedOrg{}, freshFor: freshFor}
}

func (c *orgCache) get(tenant string) (cachedOrg, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[tenant]
	return e, ok
}

// put keeps a snapshot unless something was dropped since epoch.
func (c *orgCache) put(tenant string, e cachedOrg, epoch uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.epoch.Load() == epoch {
		c.entries[tenant] = e
	}
}

// fresh reports whether a snapshot checked at checkedAt may be used at now
// without looking again (a clock set back counts as stale).
func (c *orgCache) fresh(checkedAt, now time.Time) bool {
	return !now.Before(checkedAt) && now.Sub(checkedAt) < c.freshFor
}

// drop forgets a workspace's snapshot.
func (c *orgCache) drop(tenant string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.epoch.Add(1)
	delete(c.entries, tenant)
}

// CheckSetupEveryTime makes LoadOrg look at the set-up version on every
// load, as a container that keeps nothing would: for a service whose
// neighbours write the set-up past Store (a test's world that builds
// services over the bare store).
func (s *Service) CheckSetupEveryTime() { s.orgs.freshFor = 0 }

// Store is the store as the services of this container should write
// through it: a transaction that changes a workspace's set-up (it carries
// SetupChanged) drops the cached snapshot of that workspace, so that this
// container sees its own changes at once.
func (s *Service) Store() store.Store { return s.store }

// watchedStore is a store whose set-up changes drop cached snapshots.
type watchedStore struct {
	store.Store
	orgs *orgCache
}

// Transact implements store.Store. The snapshot is dropped whatever the
// outcome: an error may hide a write that was made.
func (w watchedStore) Transact(ctx context.Context, ops []store.TxOp) error {
	err := w.Store.Transact(ctx, ops)
	for _, op := range ops {
		if tenant, ok := setupTenant(op); ok {
			w.orgs.drop(tenant)
		}
	}
	return err
}

// setupTenant tells whether op is a SetupChanged, and of which workspace.
func setupTenant(op store.TxOp) (string, bool) {
	if !op.IsAdd() || op.Key.SK != setupVersionKey("").SK {
		return "", false
	}
	t, ok := strings.CutPrefix(op.Key.PK, "T#")
	if !ok {
		return "", false
	}
	return strings.CutSuffix(t, "#CTR")
}

// subjectCache keeps which user each sign-in subject is bound to, so that
// a request does not read the subject's binding (SUBJECT#<sub>, one
// partition per person, read on every request they make). A binding kept
// here is used only while the set-up it is checked against still gives
// the subject to that user (see Authenticate): a subject given up or
// moved is seen as soon as the set-up is, within SetupFreshFor.
type subjectCache struct {
	mu      sync.Mutex
	entries map[string]cachedSubject
}

type cachedSubject struct {
	ref       subjectRef
	checkedAt time.Time
}

func newSubjectCache() *subjectCache { return &subjectCache{entries: map[string]cachedSubject{}} }

func (c *subjectCache) get(subject string) (cachedSubject, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[subject]
	return e, ok
}

func (c *subjectCache) put(subject string, e cachedSubject) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries[subject] = e
}

func (c *subjectCache) drop(subject string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, subject)
}
