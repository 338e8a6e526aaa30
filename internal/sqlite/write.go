package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"tend/internal/store"
)

// writeTx runs fn in one write transaction.
func (db *DB) writeTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	db.wmu.Lock()
	defer db.wmu.Unlock()
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit: %w", err)
	}
	return nil
}

// current reads the live item at key inside tx; ok is false when there is
// none (or it has expired).
func (db *DB) current(tx *sql.Tx, ctx context.Context, key store.Key) (it store.Item, ok bool, err error) {
	row := tx.QueryRowContext(ctx, `SELECT `+itemColumns+` FROM items WHERE pk = ? AND sk = ?`, key.PK, key.SK)
	it, err = scanItem(row)
	if errors.Is(err, sql.ErrNoRows) {
		return store.Item{}, false, nil
	}
	if err != nil {
		return store.Item{}, false, fmt.Errorf("sqlite: read %s: %w", key, err)
	}
	if !store.Live(it.ExpiresAt, db.now()) {
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

func (db *DB) put(ctx context.Context, tx *sql.Tx, it store.Item, cond store.Cond) error {
	cur, exists, err := db.current(tx, ctx, it.Key)
	if err != nil {
		return err
	}
	if !holds(cond, cur, exists) {
		return fmt.Errorf("put %s: %w", it.Key, store.ErrConditionFailed)
	}
	var doc any
	if len(it.Doc) > 0 {
		doc = it.Doc
	}
	_, err = tx.ExecContext(ctx, `INSERT OR REPLACE INTO items (`+itemColumns+`, seg) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		it.PK, it.SK, it.Type,
		nullable(it.Index[0].PK), nullable(it.Index[0].SK), nullable(it.Index[1].PK), nullable(it.Index[1].SK),
		nullable(it.Index[2].PK), nullable(it.Index[2].SK), nullable(it.Index[3].PK), nullable(it.Index[3].SK),
		it.Version, expUnix(it.ExpiresAt), it.N, doc, segmentOf(it.PK))
	if err != nil {
		return fmt.Errorf("sqlite: put %s: %w", it.Key, err)
	}
	return db.record(ctx, tx, it.Key, cur, exists, &it)
}

func (db *DB) delete(ctx context.Context, tx *sql.Tx, key store.Key, cond store.Cond) error {
	cur, exists, err := db.current(tx, ctx, key)
	if err != nil {
		return err
	}
	if !holds(cond, cur, exists) {
		return fmt.Errorf("delete %s: %w", key, store.ErrConditionFailed)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM items WHERE pk = ? AND sk = ?`, key.PK, key.SK); err != nil {
		return fmt.Errorf("sqlite: delete %s: %w", key, err)
	}
	if !exists {
		return nil
	}
	return db.record(ctx, tx, key, cur, true, nil)
}

func (db *DB) check(ctx context.Context, tx *sql.Tx, key store.Key, cond store.Cond) error {
	cur, exists, err := db.current(tx, ctx, key)
	if err != nil {
		return err
	}
	if !holds(cond, cur, exists) {
		return fmt.Errorf("check %s: %w", key, store.ErrConditionFailed)
	}
	return nil
}

func (db *DB) add(ctx context.Context, tx *sql.Tx, key store.Key, delta int64) (int64, error) {
	cur, exists, err := db.current(tx, ctx, key)
	if err != nil {
		return 0, err
	}
	next := cur
	if !exists {
		next = store.Item{Key: key}
	}
	next.N += delta
	if err := db.put(ctx, tx, next, store.None); err != nil {
		return 0, err
	}
	return next.N, nil
}

// Put implements store.Store.
func (db *DB) Put(ctx context.Context, it store.Item, cond store.Cond) error {
	if err := store.ValidateKey(it.Key); err != nil {
		return err
	}
	return db.writeTx(ctx, func(tx *sql.Tx) error { return db.put(ctx, tx, it, cond) })
}

// Delete implements store.Store.
func (db *DB) Delete(ctx context.Context, key store.Key, cond store.Cond) error {
	if err := store.ValidateKey(key); err != nil {
		return err
	}
	return db.writeTx(ctx, func(tx *sql.Tx) error { return db.delete(ctx, tx, key, cond) })
}

// Incr implements store.Store.
func (db *DB) Incr(ctx context.Context, key store.Key, delta int64) (int64, error) {
	if err := store.ValidateKey(key); err != nil {
		return 0, err
	}
	var n int64
	err := db.writeTx(ctx, func(tx *sql.Tx) error {
		var err error
		n, err = db.add(ctx, tx, key, delta)
		return err
	})
	return n, err
}

// Transact implements store.Store.
func (db *DB) Transact(ctx context.Context, ops []store.TxOp) error {
	if err := store.ValidateTx(ops); err != nil {
		return err
	}
	return db.writeTx(ctx, func(tx *sql.Tx) error {
		for i, op := range ops {
			var err error
			switch {
			case op.IsPut():
				err = db.put(ctx, tx, op.Item, op.Cond)
			case op.IsDelete():
				err = db.delete(ctx, tx, op.Key, op.Cond)
			case op.IsCheck():
				err = db.check(ctx, tx, op.Key, op.Cond)
			case op.IsAdd():
				_, err = db.add(ctx, tx, op.Key, op.Delta)
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
