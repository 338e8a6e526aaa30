// Package sqlite is the embedded adapter of the item-store port: one SQLite
// file in WAL mode (modernc.org/sqlite, pure Go). Every write also appends
// to a change feed in the same transaction, the local stand-in for the
// DynamoDB stream.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"tend/internal/store"
)

// Options configure a DB.
type Options struct {
	// FeedTypes, when not empty, limits the change feed to items of these
	// types, as the stream's event filter does in AWS.
	FeedTypes []string
	// Loading opens the file to be bulk loaded (BulkLoad): without its
	// secondary indexes, which the next Open without it builds from the
	// rows at once. Random inserts into four indexes were most of the
	// time a million customers took to load: loaded, then indexed, 7½
	// minutes became 2½. Until then a query on a secondary index reads
	// the whole table.
	Loading bool
}

// secondaryIndexes are the indexes a loading file goes without.
var secondaryIndexes = []string{"items_g1", "items_g2", "items_g3", "items_g4"}

// DB is a store.Store over one SQLite file.
type DB struct {
	w, r      *sql.DB
	writes    [numWriteStmts]*sql.Stmt // prepared on w
	reads     *readStmts               // prepared on r
	clock     store.Clock
	feedTypes map[string]bool
	// wmu serialises write transactions in-process, so that writers queue
	// in Go instead of spinning on SQLITE_BUSY; queued holds the writes
	// waiting for it, committed in groups (see writeTx).
	wmu    sync.Mutex
	qmu    sync.Mutex
	queued []*writeReq
	// commits and writeTxs count committed SQLite transactions and the
	// write transactions they carried (see WriteStats).
	commits, writeTxs atomic.Int64
	// busy is the writer's time running groups, in nanoseconds.
	busy atomic.Int64
	ckpt *checkpointer
}

var _ store.Store = (*DB)(nil)

// The items table keeps SQLite's integer rowid: a secondary index entry
// finds its row by that integer rather than by comparing (pk, sk) texts,
// which made reading a page of customers through an index about a third
// slower. (pk, sk) stays unique, and the key of every read and write.
const schema = `
CREATE TABLE IF NOT EXISTS items (
	pk   TEXT NOT NULL,
	sk   TEXT NOT NULL,
	type TEXT NOT NULL DEFAULT '',
	g1pk TEXT, g1sk TEXT,
	g2pk TEXT, g2sk TEXT,
	g3pk TEXT, g3sk TEXT,
	g4pk TEXT, g4sk TEXT,
	ver  INTEGER NOT NULL DEFAULT 0,
	exp  INTEGER NOT NULL DEFAULT 0,
	n    INTEGER NOT NULL DEFAULT 0,
	seg  INTEGER NOT NULL,
	doc  BLOB,
	UNIQUE (pk, sk)
);
CREATE INDEX IF NOT EXISTS items_g1 ON items (g1pk, g1sk, pk, sk) WHERE g1pk IS NOT NULL;
CREATE INDEX IF NOT EXISTS items_g2 ON items (g2pk, g2sk, pk, sk) WHERE g2pk IS NOT NULL;
CREATE INDEX IF NOT EXISTS items_g3 ON items (g3pk, g3sk, pk, sk) WHERE g3pk IS NOT NULL;
CREATE INDEX IF NOT EXISTS items_g4 ON items (g4pk, g4sk, pk, sk) WHERE g4pk IS NOT NULL;
-- No index on seg: Scan filters on seg % n, which no index can serve, and
-- one cost every write a page at a random place. Files made before kept it.
DROP INDEX IF EXISTS items_seg;
CREATE INDEX IF NOT EXISTS items_exp ON items (exp) WHERE exp > 0;
CREATE TABLE IF NOT EXISTS feed (
	seq  INTEGER PRIMARY KEY AUTOINCREMENT,
	kind TEXT NOT NULL,
	pk   TEXT NOT NULL,
	sk   TEXT NOT NULL,
	type TEXT NOT NULL,
	old  BLOB,
	new  BLOB,
	at   INTEGER NOT NULL
);
`

// Open opens (creating if needed) the database file at path. The clock
// decides expiry; it is required.
func Open(path string, clock store.Clock, opts Options) (*DB, error) {
	if clock == nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, store.ErrNoClock)
	}
	dsn := func(readOnly bool) string {
		q := url.Values{}
		q.Add("_pragma", "busy_timeout(10000)")
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(NORMAL)")
		q.Set("_txlock", "immediate")
		if readOnly {
			q.Add("_pragma", "query_only(1)")
		} else {
			// The writer's own checkpoints are the fallback: the
			// checkpointer runs them beside it (checkpoint.go). With
			// synchronous=NORMAL, a power cut can lose what was committed
			// since the last checkpoint: about 50 ms of writes.
			q.Add("_pragma", fmt.Sprintf("wal_autocheckpoint(%d)", writerCheckpointPages))
			// Each write of a group runs in a savepoint (writeTx), whose
			// journal keeps the pages it changes as they were. Past 64 KB
			// SQLite spills that journal to a temporary file: under a
			// stream of leads (BenchmarkLeads) a fifth of the time spent
			// in pwrite went there. In memory it costs the size of a
			// group's changes.
			q.Add("_pragma", "temp_store(MEMORY)")
		}
		return "file:" + path + "?" + q.Encode()
	}
	w, err := sql.Open("sqlite", dsn(false))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	if err := migrateItems(w); err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: upgrade %s: %w", path, err)
	}
	if _, err := w.Exec(schema); err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: create schema in %s: %w", path, err)
	}
	if opts.Loading {
		for _, ix := range secondaryIndexes {
			if _, err := w.Exec("DROP INDEX IF EXISTS " + ix); err != nil {
				w.Close()
				return nil, fmt.Errorf("sqlite: open %s for loading: %w", path, err)
			}
		}
	}
	r, err := sql.Open("sqlite", dsn(true))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s for reading: %w", path, err)
	}
	// Keep every reader open: a connection closed for being idle takes its
	// prepared statements with it, and opening one is costly.
	r.SetMaxOpenConns(8)
	r.SetMaxIdleConns(8)
	writes, err := prepareWrites(w)
	if err != nil {
		r.Close()
		w.Close()
		return nil, fmt.Errorf("sqlite: %s: %w", path, err)
	}
	db := &DB{w: w, r: r, writes: writes, reads: newReadStmts(r), clock: clock}
	if db.ckpt, err = startCheckpointer(path, db.commits.Load); err != nil {
		db.Close()
		return nil, err
	}
	if len(opts.FeedTypes) > 0 {
		db.feedTypes = map[string]bool{}
		for _, t := range opts.FeedTypes {
			db.feedTypes[t] = true
		}
	}
	return db, nil
}

// Close closes the database.
func (db *DB) Close() error {
	var ckpt error
	if db.ckpt != nil {
		ckpt = db.ckpt.close()
	}
	return errors.Join(ckpt, db.reads.close(), closeStmts(db.writes[:]), db.r.Close(), db.w.Close())
}

func (db *DB) now() time.Time { return db.clock.Now() }

func (db *DB) nowUnix() int64 { return db.now().Unix() }

// segmentOf spreads partitions over scan segments.
func segmentOf(pk string) int64 {
	h := fnv.New32a()
	h.Write([]byte(pk))
	return int64(h.Sum32())
}

const itemColumns = `pk, sk, type, g1pk, g1sk, g2pk, g2sk, g3pk, g3sk, g4pk, g4sk, ver, exp, n, doc`

type scanner interface{ Scan(dest ...any) error }

// itemScanner reads item rows. Its scan destinations escape to the heap, so
// a query allocates them once for all its rows rather than once a row.
type itemScanner struct {
	pk, sk, typ string
	g           [4][2]sql.NullString
	ver, exp, n int64
	doc         []byte
	dest        [15]any
}

func (s *itemScanner) scan(row scanner) (store.Item, error) {
	s.dest = [15]any{&s.pk, &s.sk, &s.typ,
		&s.g[0][0], &s.g[0][1], &s.g[1][0], &s.g[1][1], &s.g[2][0], &s.g[2][1], &s.g[3][0], &s.g[3][1],
		&s.ver, &s.exp, &s.n, &s.doc}
	// Scan sets every destination, a NULL doc to nil. From rows, the doc is
	// taken as RawBytes, that is without database/sql's copy: the driver
	// already hands every blob over as a new Go slice that it never reuses
	// (TestQueryDocsStayIntact fails if that changes), and a document is
	// most of what a row weighs.
	var raw sql.RawBytes
	if rows, ok := row.(*sql.Rows); ok {
		s.dest[14] = &raw
		if err := rows.Scan(s.dest[:]...); err != nil {
			return store.Item{}, err
		}
		s.doc = raw
	} else if err := row.Scan(s.dest[:]...); err != nil {
		return store.Item{}, err
	}
	it := store.Item{Key: store.Key{PK: s.pk, SK: s.sk}, Type: s.typ, Version: s.ver, N: s.n}
	for i := range s.g {
		it.Index[i] = store.IndexKey{PK: s.g[i][0].String, SK: s.g[i][1].String}
	}
	if s.exp > 0 {
		it.ExpiresAt = time.Unix(s.exp, 0).UTC()
	}
	if len(s.doc) > 0 {
		it.Doc = s.doc
	}
	return it, nil
}

func scanItem(row scanner) (store.Item, error) {
	var s itemScanner
	return s.scan(row)
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func expUnix(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// Get implements store.Store.
func (db *DB) Get(ctx context.Context, key store.Key) (store.Item, error) {
	if err := store.ValidateKey(key); err != nil {
		return store.Item{}, err
	}
	items, err := db.selectItems(ctx, `SELECT `+itemColumns+` FROM items WHERE pk = ? AND sk = ? AND (exp = 0 OR exp > ?)`,
		key.PK, key.SK, db.nowUnix())
	if err != nil {
		return store.Item{}, fmt.Errorf("sqlite: get %s: %w", key, err)
	}
	if len(items) == 0 {
		return store.Item{}, fmt.Errorf("get %s: %w", key, store.ErrNotFound)
	}
	return items[0], nil
}

// GetEventually implements store.Store: one file has no replicas to lag,
// so it reads as Get does.
func (db *DB) GetEventually(ctx context.Context, key store.Key) (store.Item, error) {
	return db.Get(ctx, key)
}

// GetMany implements store.Store.
func (db *DB) GetMany(ctx context.Context, keys []store.Key) ([]store.Item, error) {
	if len(keys) > 100 {
		return nil, fmt.Errorf("%w: %d keys in one GetMany (max 100)", store.ErrInvalid, len(keys))
	}
	out := make([]store.Item, 0, len(keys))
	for _, k := range keys {
		it, err := db.Get(ctx, k)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, nil
}
