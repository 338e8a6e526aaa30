package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"tend/internal/store"
)

// writeTx runs fn as one write transaction: all its writes or none.
//
// Writes are committed in groups: a writer queues its transaction and
// takes the writer lock; whoever holds the lock runs every queued
// transaction in one SQLite transaction, each inside its own savepoint (a
// failed condition rolls back that transaction's writes alone), and
// commits once for all. A commit is most of the cost of a small write, so
// concurrent writers share it; alone, a writer runs as before. The caller's
// context is checked before its transaction runs, not during: interrupting
// SQLite would roll back the whole group.
func (db *DB) writeTx(ctx context.Context, fn func(t *wtx) error) error {
	req := &writeReq{ctx: ctx, fn: fn, done: make(chan struct{})}
	db.qmu.Lock()
	db.queued = append(db.queued, req)
	db.qmu.Unlock()
	db.wmu.Lock()
	select {
	case <-req.done: // an earlier lock holder ran it with its group
	default:
		db.qmu.Lock()
		group := db.queued
		db.queued = nil
		db.qmu.Unlock()
		start := time.Now() // the writer's real time, not the store's clock: a measure
		db.runGroup(group)
		db.busy.Add(int64(time.Since(start)))
	}
	db.wmu.Unlock()
	<-req.done
	return req.err
}

// writeReq is one queued write transaction and, once done, its result.
type writeReq struct {
	ctx  context.Context
	fn   func(t *wtx) error
	err  error
	done chan struct{}
}

// runGroup runs queued transactions in one SQLite transaction and commits
// them together. Every request of the group is done when it returns.
func (db *DB) runGroup(group []*writeReq) {
	defer func() {
		for _, r := range group {
			close(r.done)
		}
	}()
	fail := func(err error) {
		for _, r := range group {
			if r.err == nil {
				r.err = err
			}
		}
	}
	ctx := context.Background()
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		fail(fmt.Errorf("sqlite: begin: %w", err))
		return
	}
	t := &wtx{ctx: ctx, tx: tx, db: db}
	if len(group) == 1 {
		// Alone: the transaction itself is the unit, no savepoint needed.
		r := group[0]
		if r.err = r.ctx.Err(); r.err == nil {
			r.err = r.fn(t)
		}
		if r.err != nil {
			_ = tx.Rollback()
			return
		}
	} else {
		for _, r := range group {
			if err := t.runSavepoint(r); err != nil {
				_ = tx.Rollback()
				fail(err)
				return
			}
		}
	}
	if err := tx.Commit(); err != nil {
		fail(fmt.Errorf("sqlite: commit: %w", err))
		return
	}
	db.commits.Add(1)
	for _, r := range group {
		if r.err == nil {
			db.writeTxs.Add(1)
		}
	}
}

// WriteStats says how many SQLite transactions have been committed since
// the database was opened, and how many write transactions (Put, Delete,
// Transact...) they carried: group commit makes the first smaller than
// the second under concurrent writers. Benchmarks read it to count the
// writes a unit of work costs, a measure that does not move with the
// machine's load as timings do.
func (db *DB) WriteStats() (commits, writeTxs int64) {
	return db.commits.Load(), db.writeTxs.Load()
}

// WriterTime is how long the writer has spent running write transactions
// (wall time, from the first to the commit of each group): the one
// writer's share of a run, which benchmarks report, since every write
// waits for it.
func (db *DB) WriterTime() time.Duration { return time.Duration(db.busy.Load()) }

// runSavepoint runs one request of a group inside a savepoint, rolling
// back to it when the request fails. An error is returned only when the
// savepoint itself can't be kept, which ends the whole group.
func (t *wtx) runSavepoint(r *writeReq) error {
	if r.err = r.ctx.Err(); r.err != nil {
		return nil
	}
	if _, err := t.exec(stmtSavepoint); err != nil {
		return fmt.Errorf("sqlite: savepoint: %w", err)
	}
	if r.err = r.fn(t); r.err != nil {
		if _, err := t.exec(stmtRollbackTo); err != nil {
			return fmt.Errorf("sqlite: roll back to savepoint: %w", err)
		}
	}
	if _, err := t.exec(stmtRelease); err != nil {
		return fmt.Errorf("sqlite: release savepoint: %w", err)
	}
	return nil
}

// current reads the live item at key inside t; ok is false when there is
// none (or it has expired).
func (t *wtx) current(key store.Key) (it store.Item, ok bool, err error) {
	it, err = scanItem(t.stmt(stmtCurrent).QueryRowContext(t.ctx, key.PK, key.SK))
	if errors.Is(err, sql.ErrNoRows) {
		return store.Item{}, false, nil
	}
	if err != nil {
		return store.Item{}, false, fmt.Errorf("sqlite: read %s: %w", key, err)
	}
	if !store.Live(it.ExpiresAt, t.db.now()) {
		return store.Item{}, false, nil
	}
	return it, true, nil
}

func holds(cond store.Cond, cur store.Item, exists bool) bool {
	switch cond.Kind {
	case store.MustNotExist:
		return !exists
	case store.MustExist:
		return exists
	case store.AtVersion:
		return exists && cur.Version == cond.Version
	}
	return true
}

func (t *wtx) put(it store.Item, cond store.Cond) error {
	if cond.Kind == store.MustNotExist {
		return t.insert(it)
	}
	if cond.Kind == store.Always && t.db.unfed(it.Type) {
		if done, err := t.putUnfed(it); done || err != nil {
			return err
		}
	}
	cur, exists, err := t.current(it.Key)
	if err != nil {
		return err
	}
	if !holds(cond, cur, exists) {
		return fmt.Errorf("put %s: %w", it.Key, store.ErrConditionFailed)
	}
	return t.write(it, cur, exists)
}

// docArg is the item's document as a statement parameter: NULL when empty.
func docArg(it *store.Item) any {
	if len(it.Doc) > 0 {
		return it.Doc
	}
	return nil
}

// itemArgs are the parameters of stmtReplace and stmtInsert for it, with room
// for one more.
func itemArgs(it *store.Item) []any {
	return append(make([]any, 0, 17),
		it.PK, it.SK, it.Type,
		nullable(it.Index[0].PK), nullable(it.Index[0].SK), nullable(it.Index[1].PK), nullable(it.Index[1].SK),
		nullable(it.Index[2].PK), nullable(it.Index[2].SK), nullable(it.Index[3].PK), nullable(it.Index[3].SK),
		it.Version, expUnix(it.ExpiresAt), it.N, docArg(it), segmentOf(it.PK))
}

// write stores it in place of cur, the live item at its key if exists:
// over a live item in place, changing only the secondary keys that differ.
func (t *wtx) write(it store.Item, cur store.Item, exists bool) error {
	var err error
	if exists {
		_, err = t.update(&it, &cur)
	} else {
		_, err = t.exec(stmtReplace, itemArgs(&it)...) // over nothing, or an expired row
	}
	if err != nil {
		return fmt.Errorf("sqlite: put %s: %w", it.Key, err)
	}
	return t.record(it.Key, cur, exists, &it)
}

func (t *wtx) update(it, cur *store.Item) (sql.Result, error) {
	args := append(make([]any, 0, 15), it.Type, it.Version, expUnix(it.ExpiresAt), it.N, docArg(it))
	mask := 0
	for i := range it.Index {
		if it.Index[i] != cur.Index[i] {
			mask |= 1 << i
			args = append(args, nullable(it.Index[i].PK), nullable(it.Index[i].SK))
		}
	}
	return t.exec(stmtUpdate+writeStmt(mask), append(args, it.PK, it.SK)...)
}

// unfed says whether the change feed leaves out items of type typ.
func (db *DB) unfed(typ string) bool { return db.feedTypes != nil && !db.feedTypes[typ] }

// putUnfed is an unconditional put of an item the feed leaves out. Nothing
// needs the item it replaces, as long as that one is of the same type (so
// left out of the feed too): so rather than reading it first, putUnfed
// rewrites it in place if it has the same type and secondary keys, and
// else inserts the item if there is none. Over anything else it writes
// nothing and says so (done false), and put goes the long way (a sort
// key whose value changed takes four statements, not two). Index items,
// logs and notifications are put this way, about twenty for every lead.
// The in-place rewrite must not name the secondary keys: SQLite rewrites
// the index entries of every column an UPDATE sets, changed or not, which
// made a rewrite of 14 index items cost two to three times as much.
func (t *wtx) putUnfed(it store.Item) (done bool, err error) {
	args := append(make([]any, 0, 15), it.Version, expUnix(it.ExpiresAt), it.N, docArg(&it), it.PK, it.SK, it.Type)
	for _, ix := range it.Index {
		args = append(args, nullable(ix.PK), nullable(ix.SK))
	}
	res, err := t.exec(stmtRefresh, args...)
	if err != nil {
		return false, fmt.Errorf("sqlite: put %s: %w", it.Key, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("sqlite: put %s: %w", it.Key, err)
	}
	if n == 1 {
		return true, nil
	}
	switch err := t.insert(it); {
	case errors.Is(err, store.ErrConditionFailed):
		return false, nil // a live item of another type or keys is there
	case err != nil:
		return false, err
	}
	return true, nil
}

// addUnfed adds delta to a bare counter (no type, never expiring), or
// starts one, in one statement, when the feed leaves such items out. Over
// anything else at the key it writes nothing and says so (done false).
func (t *wtx) addUnfed(key store.Key, delta int64) (n int64, done bool, err error) {
	if !t.db.unfed("") {
		return 0, false, nil
	}
	err = t.stmt(stmtAddUnfed).QueryRowContext(t.ctx, key.PK, key.SK, delta, segmentOf(key.PK)).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("sqlite: add to %s: %w", key, err)
	}
	return n, true, nil
}

// insert is a put on the condition that no live item is at its key, in one
// statement rather than a read and a write. The statement's test of expiry,
// exp <= now in whole seconds, is current's store.Live negated. When it
// succeeds there was no live item before, so the feed records an insert
// without an old image, as put would.
func (t *wtx) insert(it store.Item) error {
	res, err := t.exec(stmtInsert, append(itemArgs(&it), t.db.nowUnix())...)
	if err != nil {
		return fmt.Errorf("sqlite: put %s: %w", it.Key, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("sqlite: put %s: %w", it.Key, err)
	}
	if n == 0 {
		return fmt.Errorf("put %s: %w", it.Key, store.ErrConditionFailed)
	}
	return t.record(it.Key, store.Item{}, false, &it)
}

func (t *wtx) delete(key store.Key, cond store.Cond) error {
	if cond.Kind == store.Always {
		return t.take(key)
	}
	cur, exists, err := t.current(key)
	if err != nil {
		return err
	}
	if !holds(cond, cur, exists) {
		return fmt.Errorf("delete %s: %w", key, store.ErrConditionFailed)
	}
	if _, err := t.exec(stmtDelete, key.PK, key.SK); err != nil {
		return fmt.Errorf("sqlite: delete %s: %w", key, err)
	}
	if !exists {
		return nil
	}
	return t.record(key, cur, true, nil)
}

// take is an unconditional delete, in one statement that hands back the
// row it deleted for the feed, rather than a read and a delete.
func (t *wtx) take(key store.Key) error {
	cur, err := scanItem(t.stmt(stmtTake).QueryRowContext(t.ctx, key.PK, key.SK))
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("sqlite: delete %s: %w", key, err)
	}
	if !store.Live(cur.ExpiresAt, t.db.now()) {
		return nil // it had expired: gone already, as far as the feed goes
	}
	return t.record(key, cur, true, nil)
}

func (t *wtx) check(key store.Key, cond store.Cond) error {
	cur, exists, err := t.current(key)
	if err != nil {
		return err
	}
	if !holds(cond, cur, exists) {
		return fmt.Errorf("check %s: %w", key, store.ErrConditionFailed)
	}
	return nil
}

func (t *wtx) add(key store.Key, delta int64) (int64, error) {
	if n, done, err := t.addUnfed(key, delta); done || err != nil {
		return n, err
	}
	cur, exists, err := t.current(key)
	if err != nil {
		return 0, err
	}
	next := cur
	if !exists {
		next = store.Item{Key: key}
	}
	next.N += delta
	if err := t.write(next, cur, exists); err != nil {
		return 0, err
	}
	return next.N, nil
}

// Put implements store.Store.
func (db *DB) Put(ctx context.Context, it store.Item, cond store.Cond) error {
	if err := store.ValidateKey(it.Key); err != nil {
		return err
	}
	return db.writeTx(ctx, func(t *wtx) error { return t.put(it, cond) })
}

// Delete implements store.Store.
func (db *DB) Delete(ctx context.Context, key store.Key, cond store.Cond) error {
	if err := store.ValidateKey(key); err != nil {
		return err
	}
	return db.writeTx(ctx, func(t *wtx) error { return t.delete(key, cond) })
}

// Incr implements store.Store.
func (db *DB) Incr(ctx context.Context, key store.Key, delta int64) (int64, error) {
	if err := store.ValidateKey(key); err != nil {
		return 0, err
	}
	var n int64
	err := db.writeTx(ctx, func(t *wtx) error {
		var err error
		n, err = t.add(key, delta)
		return err
	})
	return n, err
}

// Transact implements store.Store.
func (db *DB) Transact(ctx context.Context, ops []store.TxOp) error {
	if err := store.ValidateTx(ops); err != nil {
		return err
	}
	return db.writeTx(ctx, func(t *wtx) error {
		for i, op := range ops {
			var err error
			switch {
			case op.IsPut():
				err = t.put(op.Item, op.Cond)
			case op.IsDelete():
				err = t.delete(op.Key, op.Cond)
			case op.IsCheck():
				err = t.check(op.Key, op.Cond)
			case op.IsAdd():
				_, err = t.add(op.Key, op.Delta)
			}
			if errors.Is(err, store.ErrConditionFailed) {
				return &store.TxError{Index: i, Err: err}
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}
