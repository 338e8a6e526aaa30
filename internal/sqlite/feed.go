package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"tend/internal/store"
)

// Change kinds, named as in a DynamoDB stream record.
const (
	Insert = "INSERT"
	Modify = "MODIFY"
	Remove = "REMOVE"
)

// Change is one entry of the change feed: an item's image before and after
// one write.
type Change struct {
	Seq  int64
	Kind string
	Key  store.Key
	Type string
	Old  *store.Item
	New  *store.Item
	At   time.Time
}

// image is how an item is kept in the feed.
type image struct {
	PK, SK  string
	Type    string          `json:",omitempty"`
	Index   [4][2]string    `json:",omitempty"`
	Version int64           `json:",omitempty"`
	Expires int64           `json:",omitempty"`
	N       int64           `json:",omitempty"`
	Doc     json.RawMessage `json:",omitempty"`
}

func toImage(it *store.Item) []byte {
	if it == nil {
		return nil
	}
	im := image{PK: it.PK, SK: it.SK, Type: it.Type, Version: it.Version, Expires: expUnix(it.ExpiresAt), N: it.N, Doc: it.Doc}
	for i, k := range it.Index {
		im.Index[i] = [2]string{k.PK, k.SK}
	}
	b, _ := json.Marshal(im) // a struct of strings, ints and valid JSON: cannot fail
	return b
}

func fromImage(b []byte) (*store.Item, error) {
	if len(b) == 0 {
		return nil, nil
	}
	var im image
	if err := json.Unmarshal(b, &im); err != nil {
		return nil, err
	}
	it := &store.Item{Key: store.Key{PK: im.PK, SK: im.SK}, Type: im.Type, Version: im.Version, N: im.N}
	if len(im.Doc) > 0 {
		it.Doc = []byte(im.Doc)
	}
	if im.Expires > 0 {
		it.ExpiresAt = time.Unix(im.Expires, 0).UTC()
	}
	for i, k := range im.Index {
		it.Index[i] = store.IndexKey{PK: k[0], SK: k[1]}
	}
	return it, nil
}

// record appends a write to the feed, inside the write's transaction.
func (t *wtx) record(key store.Key, old store.Item, existed bool, next *store.Item) error {
	typ := old.Type
	if next != nil {
		typ = next.Type
	}
	if ft := t.db.feedTypes; ft != nil && !ft[typ] && !(existed && ft[old.Type]) {
		return nil
	}
	kind := Modify
	var oldImg []byte
	switch {
	case !existed:
		kind = Insert
	case next == nil:
		kind = Remove
		oldImg = toImage(&old)
	default:
		oldImg = toImage(&old)
	}
	_, err := t.exec(stmtRecord, kind, key.PK, key.SK, typ, oldImg, toImage(next), t.db.now().UnixMilli())
	if err != nil {
		return fmt.Errorf("sqlite: record change of %s: %w", key, err)
	}
	return nil
}

// Changes returns up to limit feed entries after seq, oldest first.
func (db *DB) Changes(ctx context.Context, after int64, limit int) ([]Change, error) {
	rows, err := db.reads.query(ctx, `SELECT seq, kind, pk, sk, type, old, new, at FROM feed WHERE seq > ? ORDER BY seq LIMIT ?`,
		after, store.Limit(limit))
	if err != nil {
		return nil, fmt.Errorf("sqlite: read feed: %w", err)
	}
	defer rows.Close()
	var out []Change
	for rows.Next() {
		var c Change
		var oldImg, newImg []byte
		var at int64
		if err := rows.Scan(&c.Seq, &c.Kind, &c.Key.PK, &c.Key.SK, &c.Type, &oldImg, &newImg, &at); err != nil {
			return nil, fmt.Errorf("sqlite: read feed: %w", err)
		}
		c.At = time.UnixMilli(at).UTC()
		if c.Old, err = fromImage(oldImg); err != nil {
			return nil, fmt.Errorf("sqlite: feed entry %d: %w", c.Seq, err)
		}
		if c.New, err = fromImage(newImg); err != nil {
			return nil, fmt.Errorf("sqlite: feed entry %d: %w", c.Seq, err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// TrimChanges forgets feed entries up to and including seq, once every
// consumer has processed them.
func (db *DB) TrimChanges(ctx context.Context, upTo int64) error {
	return db.writeTx(ctx, func(t *wtx) error {
		_, err := t.tx.ExecContext(ctx, `DELETE FROM feed WHERE seq <= ?`, upTo)
		return err
	})
}

// PurgeExpired physically removes expired items, as DynamoDB's TTL sweeper
// does, recording each removal in the feed. It returns how many it removed.
func (db *DB) PurgeExpired(ctx context.Context, limit int) (int, error) {
	n := 0
	err := db.writeTx(ctx, func(t *wtx) error {
		rows, err := t.tx.QueryContext(ctx, `SELECT `+itemColumns+` FROM items WHERE exp > 0 AND exp <= ? LIMIT ?`, db.nowUnix(), store.Limit(limit))
		if err != nil {
			return err
		}
		var expired []store.Item
		var s itemScanner
		for rows.Next() {
			it, err := s.scan(rows)
			if err != nil {
				rows.Close()
				return err
			}
			expired = append(expired, it)
		}
		rows.Close()
		for _, it := range expired {
			if _, err := t.exec(stmtDelete, it.PK, it.SK); err != nil {
				return err
			}
			if err := t.record(it.Key, it, true, nil); err != nil {
				return err
			}
		}
		n = len(expired)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("sqlite: purge expired: %w", err)
	}
	return n, nil
}
