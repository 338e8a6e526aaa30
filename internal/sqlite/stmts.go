package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
)

// Parsing SQL is a large part of the cost of a small statement, so the
// adapter prepares each statement once and keeps it: the fixed statements of
// the write path on the writer connection, and every read statement, keyed
// by its text, on the reader pool.

// writeStmt names one of the fixed statements of the write path.
type writeStmt int

const (
	stmtCurrent writeStmt = iota
	stmtReplace
	stmtInsert
	stmtDelete
	stmtRefresh
	stmtAddUnfed
	stmtTake
	stmtRecord
	stmtSavepoint
	stmtRollbackTo
	stmtRelease
	// stmtUpdate+mask updates a live item in place, setting the secondary
	// keys of the indexes in mask (bit i for GSI i+1) and no others: SQLite
	// then leaves alone the index entries of the keys that did not change,
	// where a REPLACE deletes and rewrites the row and every entry of it.
	stmtUpdate
	numWriteStmts = stmtUpdate + 1<<len(indexColumnNames)
)

// indexColumnNames are the columns of GSI1..GSI4, in order.
var indexColumnNames = [4][2]string{{"g1pk", "g1sk"}, {"g2pk", "g2sk"}, {"g3pk", "g3sk"}, {"g4pk", "g4sk"}}

func init() {
	for mask := range 1 << len(indexColumnNames) {
		set := "type = ?, ver = ?, exp = ?, n = ?, doc = ?"
		for i, cols := range indexColumnNames {
			if mask&(1<<i) != 0 {
				set += ", " + cols[0] + " = ?, " + cols[1] + " = ?"
			}
		}
		writeSQL[stmtUpdate+writeStmt(mask)] = `UPDATE items SET ` + set + ` WHERE pk = ? AND sk = ?`
	}
}

var writeSQL = [numWriteStmts]string{
	stmtCurrent: `SELECT ` + itemColumns + ` FROM items WHERE pk = ? AND sk = ?`,
	stmtReplace: `INSERT OR REPLACE INTO items (` + itemColumns + `, seg) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
	// stmtInsert writes an item where there is no live one: a row already at
	// the key is replaced only if it has expired (the last parameter is now,
	// in Unix seconds). It changes no row when a live item is there.
	stmtInsert: `INSERT INTO items (` + itemColumns + `, seg) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
		ON CONFLICT (pk, sk) DO UPDATE SET type = excluded.type,
			g1pk = excluded.g1pk, g1sk = excluded.g1sk, g2pk = excluded.g2pk, g2sk = excluded.g2sk,
			g3pk = excluded.g3pk, g3sk = excluded.g3sk, g4pk = excluded.g4pk, g4sk = excluded.g4sk,
			ver = excluded.ver, exp = excluded.exp, n = excluded.n, doc = excluded.doc, seg = excluded.seg
		WHERE items.exp > 0 AND items.exp <= ?`,
	stmtDelete: `DELETE FROM items WHERE pk = ? AND sk = ?`,
	// stmtRefresh rewrites an item in place when its type and every
	// secondary key are as given, and nothing else: see putUnfed.
	stmtRefresh: `UPDATE items SET ver = ?, exp = ?, n = ?, doc = ? WHERE pk = ? AND sk = ? AND type = ?
		AND g1pk IS ? AND g1sk IS ? AND g2pk IS ? AND g2sk IS ? AND g3pk IS ? AND g3sk IS ? AND g4pk IS ? AND g4sk IS ?`,
	// stmtAddUnfed adds to a bare counter (no type, no expiry) or starts
	// one, and returns its new value; no row comes back when the item at
	// the key is anything else: see addUnfed.
	stmtAddUnfed: `INSERT INTO items (pk, sk, type, n, seg) VALUES (?, ?, '', ?, ?)
		ON CONFLICT (pk, sk) DO UPDATE SET n = items.n + excluded.n
		WHERE items.type = '' AND items.exp = 0
		RETURNING n`,
	// stmtTake deletes the item at a key and returns it, for the feed.
	stmtTake:   `DELETE FROM items WHERE pk = ? AND sk = ? RETURNING ` + itemColumns,
	stmtRecord: `INSERT INTO feed (kind, pk, sk, type, old, new, at) VALUES (?,?,?,?,?,?,?)`,
	// The savepoint of each transaction of a committed group (see writeTx).
	stmtSavepoint:  `SAVEPOINT one_write`,
	stmtRollbackTo: `ROLLBACK TO one_write`,
	stmtRelease:    `RELEASE one_write`,
}

// prepareWrites prepares the write path's statements on w. With w limited to
// one connection, tx.StmtContext finds each already prepared on the
// transaction's connection and reuses it; were the connection ever replaced,
// database/sql would prepare it again on the new one.
func prepareWrites(w *sql.DB) ([numWriteStmts]*sql.Stmt, error) {
	var stmts [numWriteStmts]*sql.Stmt
	for i, q := range writeSQL {
		s, err := w.Prepare(q)
		if err != nil {
			closeStmts(stmts[:])
			return stmts, fmt.Errorf("prepare %q: %w", q, err)
		}
		stmts[i] = s
	}
	return stmts, nil
}

func closeStmts(stmts []*sql.Stmt) error {
	var errs []error
	for _, s := range stmts {
		if s != nil {
			errs = append(errs, s.Close())
		}
	}
	return errors.Join(errs...)
}

// wtx is one write transaction. It binds the writer's prepared statements to
// the transaction on first use, once per transaction rather than once per
// statement executed.
type wtx struct {
	ctx   context.Context
	tx    *sql.Tx
	db    *DB
	bound [numWriteStmts]*sql.Stmt
}

func (t *wtx) stmt(s writeStmt) *sql.Stmt {
	if t.bound[s] == nil {
		t.bound[s] = t.tx.StmtContext(t.ctx, t.db.writes[s])
	}
	return t.bound[s]
}

func (t *wtx) exec(s writeStmt, args ...any) (sql.Result, error) {
	return t.stmt(s).ExecContext(t.ctx, args...)
}

// maxReadStmts bounds the reader's statement cache. The read statements
// come in a few hundred shapes at most (index, sort-key condition,
// direction, cursor); past the bound a statement is run unprepared.
const maxReadStmts = 256

// readStmts caches the reader pool's prepared statements by SQL text.
// database/sql prepares a cached statement again on each pooled connection
// the first time it runs there.
type readStmts struct {
	r   *sql.DB
	max int
	mu  sync.RWMutex
	m   map[string]*sql.Stmt
}

func newReadStmts(r *sql.DB) *readStmts {
	return &readStmts{r: r, max: maxReadStmts, m: map[string]*sql.Stmt{}}
}

// query runs a read statement, prepared once if the cache has room.
func (c *readStmts) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	s, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return c.r.QueryContext(ctx, query, args...)
	}
	return s.QueryContext(ctx, args...)
}

// stmt returns the prepared statement for query, or nil when the cache is
// full.
func (c *readStmts) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	c.mu.RLock()
	s, full := c.m[query], len(c.m) >= c.max
	c.mu.RUnlock()
	if s != nil || full {
		return s, nil
	}
	s, err := c.r.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev := c.m[query]; prev != nil {
		// Prepared concurrently by another caller: keep one.
		s.Close()
		return prev, nil
	}
	if len(c.m) >= c.max {
		s.Close()
		return nil, nil
	}
	c.m[query] = s
	return s, nil
}

func (c *readStmts) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	stmts := make([]*sql.Stmt, 0, len(c.m))
	for _, s := range c.m {
		stmts = append(stmts, s)
	}
	clear(c.m)
	return closeStmts(stmts)
}
