package sqlite

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"tend/internal/store"
)

// cursor is where a page ended. It names the query it belongs to, so that a
// cursor handed to another query is refused rather than misread.
type cursor struct {
	Index string   `json:"i,omitempty"`
	PK    string   `json:"p"`
	After []string `json:"a"`
}

func encodeCursor(c cursor) string {
	b, _ := json.Marshal(c) // strings only: cannot fail
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s, index, pk string, parts int) ([]string, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	var c cursor
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || c.Index != index || c.PK != pk || len(c.After) != parts {
		return nil, fmt.Errorf("%w: cursor does not belong to this query", store.ErrInvalid)
	}
	return c.After, nil
}

var indexColumns = map[string][2]string{
	store.GSI1: {"g1pk", "g1sk"},
	store.GSI2: {"g2pk", "g2sk"},
	store.GSI3: {"g3pk", "g3sk"},
	store.GSI4: {"g4pk", "g4sk"},
}

// Query implements store.Store.
func (db *DB) Query(ctx context.Context, q store.Query) (store.Page, error) {
	if q.PK == "" {
		return store.Page{}, fmt.Errorf("%w: query without a partition key", store.ErrInvalid)
	}
	pkCol, skCol := "pk", "sk"
	// order is the total order of results: the sort key, then (in an index,
	// where sort keys may repeat) the item's own key.
	order := []string{"sk"}
	if q.Index != "" {
		cols, ok := indexColumns[q.Index]
		if !ok {
			return store.Page{}, fmt.Errorf("%w: unknown index %q", store.ErrInvalid, q.Index)
		}
		pkCol, skCol = cols[0], cols[1]
		order = []string{skCol, "pk", "sk"}
	}
	var where strings.Builder
	args := []any{q.PK, db.nowUnix()}
	fmt.Fprintf(&where, "%s = ? AND (exp = 0 OR exp > ?)", pkCol)
	switch q.SK {
	case store.SKAny:
	case store.SKEq, store.SKLt, store.SKLe, store.SKGt, store.SKGe:
		op := map[store.SKOp]string{store.SKEq: "=", store.SKLt: "<", store.SKLe: "<=", store.SKGt: ">", store.SKGe: ">="}[q.SK]
		fmt.Fprintf(&where, " AND %s %s ?", skCol, op)
		args = append(args, q.A)
	case store.SKBetween:
		fmt.Fprintf(&where, " AND %s BETWEEN ? AND ?", skCol)
		args = append(args, q.A, q.B)
	case store.SKBeginsWith:
		// A range rather than LIKE: exact bytes, no wildcards, uses the index.
		fmt.Fprintf(&where, " AND %s >= ? AND %s < ?", skCol, skCol)
		args = append(args, q.A, q.A+"\U0010FFFF")
	default:
		return store.Page{}, fmt.Errorf("%w: unknown sort-key condition %d", store.ErrInvalid, q.SK)
	}
	dir, cmp := "ASC", ">"
	if q.Reverse {
		dir, cmp = "DESC", "<"
	}
	if q.Cursor != "" {
		after, err := decodeCursor(q.Cursor, q.Index, q.PK, len(order))
		if err != nil {
			return store.Page{}, err
		}
		fmt.Fprintf(&where, " AND (%s) %s (%s)", strings.Join(order, ", "), cmp, strings.TrimSuffix(strings.Repeat("?, ", len(order)), ", "))
		for _, a := range after {
			args = append(args, a)
		}
	}
	orderBy := make([]string, len(order))
	for i, c := range order {
		orderBy[i] = c + " " + dir
	}
	limit := store.Limit(q.Limit)
	args = append(args, limit+1)
	cols := itemColumns
	if q.DocsOnly {
		cols = docsOnlyColumns[q.Index]
	}
	sqlText := fmt.Sprintf("SELECT %s FROM items WHERE %s ORDER BY %s LIMIT ?", cols, where.String(), strings.Join(orderBy, ", "))
	items, err := db.selectItems(ctx, sqlText, args...)
	if err != nil {
		return store.Page{}, fmt.Errorf("sqlite: query %s %q: %w", q.Index, q.PK, err)
	}
	page := store.Page{Items: items}
	if len(items) > limit {
		page.Items = items[:limit]
		last := page.Items[limit-1]
		after := []string{last.SK}
		if q.Index != "" {
			after = []string{last.Index[indexNumber(q.Index)].SK, last.PK, last.SK}
		}
		page.Cursor = encodeCursor(cursor{Index: q.Index, PK: q.PK, After: after})
	}
	return page, nil
}

// docsOnlyColumns are the columns a DocsOnly query reads, by index: the
// item's own, and of the secondary keys only the queried index's (the
// cursor needs them); the others read as NULL, that is empty.
var docsOnlyColumns = func() map[string]string {
	out := map[string]string{}
	for _, name := range append([]string{""}, store.Indexes...) {
		cols := []string{"pk", "sk", "type"}
		for _, other := range store.Indexes {
			if other == name {
				cols = append(cols, indexColumns[other][0], indexColumns[other][1])
			} else {
				cols = append(cols, "NULL", "NULL")
			}
		}
		out[name] = strings.Join(append(cols, "ver", "exp", "n", "doc"), ", ")
	}
	return out
}()

func indexNumber(name string) int {
	for i, n := range store.Indexes {
		if n == name {
			return i
		}
	}
	return -1
}

func (db *DB) selectItems(ctx context.Context, query string, args ...any) ([]store.Item, error) {
	rows, err := db.reads.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var items []store.Item
	var s itemScanner
	for rows.Next() {
		it, err := s.scan(rows)
		if err != nil {
			return nil, err
		}
		items = append(items, it)
	}
	return items, rows.Err()
}

// Scan implements store.Store. Segments partition the table by a hash of
// the partition key, as DynamoDB's parallel scan does.
func (db *DB) Scan(ctx context.Context, s store.Scan) (store.Page, error) {
	if s.Segments < 1 || s.Segment < 0 || s.Segment >= s.Segments {
		return store.Page{}, fmt.Errorf("%w: segment %d of %d", store.ErrInvalid, s.Segment, s.Segments)
	}
	where := "seg % ? = ? AND (exp = 0 OR exp > ?)"
	args := []any{s.Segments, s.Segment, db.nowUnix()}
	segName := fmt.Sprintf("scan%d/%d", s.Segment, s.Segments)
	if s.Cursor != "" {
		after, err := decodeCursor(s.Cursor, segName, "*", 2)
		if err != nil {
			return store.Page{}, err
		}
		where += " AND (pk, sk) > (?, ?)"
		args = append(args, after[0], after[1])
	}
	limit := store.Limit(s.Limit)
	args = append(args, limit+1)
	items, err := db.selectItems(ctx, "SELECT "+itemColumns+" FROM items WHERE "+where+" ORDER BY pk, sk LIMIT ?", args...)
	if err != nil {
		return store.Page{}, fmt.Errorf("sqlite: scan: %w", err)
	}
	page := store.Page{Items: items}
	if len(items) > limit {
		page.Items = items[:limit]
		last := page.Items[limit-1]
		page.Cursor = encodeCursor(cursor{Index: segName, PK: "*", After: []string{last.PK, last.SK}})
	}
	return page, nil
}
