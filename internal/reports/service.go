// Package reports keeps a workspace's figures [báo cáo] as daily counters
// maintained from the change stream, so that a report reads a few counter
// partitions per day of its period whatever the number of customers; a
// rebuild recomputes every counter from the records into a new generation.
package reports

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"tend/internal/distribution"
	"tend/internal/domain"
	"tend/internal/orders"
	"tend/internal/shardrun"
	"tend/internal/store"
	"tend/internal/workspace"
)

// Orgs reads workspaces' set-ups.
type Orgs interface {
	LoadOrg(ctx context.Context, tenant string) (*workspace.Org, error)
}

// Rules lists a workspace's distribution rules (for their names and target
// shares).
type Rules interface {
	List(ctx context.Context, c *workspace.Caller) ([]*distribution.Rule, error)
}

// Orders pages through a workspace's orders (a rebuild).
type Orders interface {
	Page(ctx context.Context, tenant string, limit int, cursor string) ([]*orders.Order, string, error)
}

// Queue takes the rebuild's jobs.
type Queue = shardrun.Queue

// Deps are what the service is built on. Rules, Orders, CampaignList and
// Jobs are needed only by reports and rebuilds (not by the stream).
type Deps struct {
	Store        store.Store
	Clock        domain.Clock
	Log          *slog.Logger
	Orgs         Orgs
	Rules        Rules
	Orders       Orders
	CampaignList CampaignList
	Jobs         Queue
}

// Service maintains and reads the counters.
type Service struct {
	Deps
	runs *shardrun.Runs
	// copiesKnown holds the workspaces whose generations this container
	// reads from copies (see generationsOf).
	copiesKnown sync.Map
	// learning holds a mutex per workspace whose item is being read to
	// learn that: concurrent first changes wait for the one reading it.
	// withoutCopies holds those whose item has none yet: their changes
	// read it, at once, until a rebuild writes its copies.
	learning, withoutCopies sync.Map
}

// New returns the reports service.
func New(d Deps) *Service {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	s := &Service{Deps: d}
	s.runs = &shardrun.Runs{Kind: JobKind, Store: d.Store, Jobs: d.Jobs, ItemType: typeRun, OpenPK: openRunsPK,
		PK: runPK, Open: shardrun.OpenAs[rebuildRun]}
	return s
}

func (s *Service) now() time.Time { return s.Clock.Now().UTC() }

// Item types of the package's own items (none is on the stream).
const (
	typeGenerations = "report_generations"
	typeApplied     = "report_applied"
	typeSeen        = "report_seen"
	typeRun         = "report_rebuild"
)

// How long the markers live. A change is handled within the stream's 24
// hours (and its retries); a rebuild's marks must outlive the rebuild and
// the late deliveries of the changes it raced with.
const (
	appliedTTL = 7 * 24 * time.Hour
	seenTTL    = 14 * 24 * time.Hour
)

// generations says which counters of a workspace are read (Current) and
// which a rebuild is filling (Building, 0 when none). Generation 0 is the
// counters kept since the workspace began.
type generations struct {
	Current  int64  `json:"current"`
	Building int64  `json:"building"`
	Run      string `json:"run,omitempty"`
	// Last is the highest generation handed out.
	Last int64 `json:"last"`
	// SeenUntil is when the last rebuild's marks have all expired: until
	// then a change checks whether the rebuild counted it already.
	SeenUntil time.Time `json:"seen_until"`
	// Copies is how many copies were written with the item (genCopies; 0
	// for an item written before there were copies).
	Copies int `json:"copies,omitempty"`
}

func generationsKey(tenant string) store.Key { return store.Key{PK: "T#" + tenant + "#RPT", SK: "GEN"} }

// The generations item is read by every change the stream counts, and
// written only when a rebuild starts or ends: it is kept in genCopies
// copies besides the item itself, written in the same transaction as it,
// and a change reads the copy of its record's shard, so that a busy
// workspace's changes spread their reads over genCopies partitions
// (T#<t>#RPT#GEN#<k>) instead of all reading T#<t>#RPT. The item itself
// stays what writers read and condition on, and what reports read.
//
// An item written before the copies existed has none (its Copies is 0):
// until the next rebuild rewrites it, changes read it, not a copy. A
// container learns which once per workspace (copiesKnown).
const genCopies = 16

func generationsCopyKey(tenant string, k int) store.Key {
	return store.Key{PK: fmt.Sprintf("T#%s#RPT#GEN#%02d", tenant, k), SK: "GEN"}
}

// generations reads a workspace's generations and the item's version (0
// when none was written).
func (s *Service) generations(ctx context.Context, tenant string) (generations, int64, error) {
	return s.readGenerations(ctx, generationsKey(tenant))
}

func (s *Service) readGenerations(ctx context.Context, key store.Key) (generations, int64, error) {
	it, err := s.Store.Get(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return generations{}, 0, nil
	}
	if err != nil {
		return generations{}, 0, fmt.Errorf("reports: read generations: %w", err)
	}
	g, err := store.Decode[generations](it)
	if err != nil {
		return generations{}, 0, err
	}
	return *g, it.Version, nil
}

// generationsOf reads a workspace's generations as a change of record
// does: from the copy of the record's shard, once the workspace's item is
// known to have copies (or to be absent: whatever writes it now writes
// its copies too).
func (s *Service) generationsOf(ctx context.Context, tenant, record string) (generations, error) {
	fromCopy := func() (generations, bool, error) {
		if _, ok := s.copiesKnown.Load(tenant); !ok {
			return generations{}, false, nil
		}
		g, _, err := s.readGenerations(ctx, generationsCopyKey(tenant, shardOf(record)%genCopies))
		return g, true, err
	}
	if g, ok, err := fromCopy(); ok {
		return g, err
	}
	if _, old := s.withoutCopies.Load(tenant); !old {
		// The first changes of a workspace: one reads the item, the others
		// wait for what it learns.
		mu, _ := s.learning.LoadOrStore(tenant, &sync.Mutex{})
		mu.(*sync.Mutex).Lock()
		defer mu.(*sync.Mutex).Unlock()
		if g, ok, err := fromCopy(); ok {
			return g, err
		}
	}
	g, version, err := s.generations(ctx, tenant)
	switch {
	case err != nil:
	case version == 0 || g.Copies == genCopies:
		s.copiesKnown.Store(tenant, true)
	default:
		s.withoutCopies.Store(tenant, true)
	}
	return g, err
}

// putGenerations writes a workspace's generations over version (0: none
// yet), and its copies. The item itself is the first op, the one whose
// condition fails when another writer got there first.
func putGenerations(tenant string, g generations, version int64) []store.TxOp {
	cond := store.NotExist
	if version > 0 {
		cond = store.IfVersion(version)
	}
	g.Copies = genCopies
	ops := []store.TxOp{store.TxPut(store.Item{Key: generationsKey(tenant), Type: typeGenerations, Version: version + 1, Doc: store.Doc(g)}, cond)}
	for k := range genCopies {
		ops = append(ops, store.TxPut(store.Item{Key: generationsCopyKey(tenant, k), Type: typeGenerations, Version: version + 1, Doc: store.Doc(g)}, store.None))
	}
	return ops
}
