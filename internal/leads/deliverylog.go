package leads

import (
	"cmp"
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"

	"tend/internal/domain"
	"tend/internal/store"
)

// logCursor marks the cursors of a source's delivery log: the sort key of
// the last delivery of the page, after the mark.
const logCursor = "dlvlog:"

// logPage reads a page of a source's delivery log, newest first, merging
// its shards (see the key layout): each shard is read for a page older
// than the cursor, the newest limit of them all are the page, and the last
// one's sort key (unique: it ends with the delivery's id) is the next
// page's cursor.
func (s *Service) logPage(ctx context.Context, sourceID string, limit int, cursor string) ([]store.Item, string, error) {
	q := store.Query{Index: store.GSI1, Reverse: true, Limit: limit, DocsOnly: true}
	if cursor != "" {
		raw, err := base64.RawURLEncoding.DecodeString(cursor)
		after, ok := strings.CutPrefix(string(raw), logCursor)
		if err != nil || !ok || after == "" {
			return nil, "", domain.InvalidCursor()
		}
		q.SK, q.A = store.SKLt, after
	}
	var all []store.Item
	more, floor := false, ""
	for _, pk := range deliveriesPKs(sourceID) {
		q.PK = pk
		page, err := s.Store.Query(ctx, q)
		if err != nil {
			return nil, "", fmt.Errorf("leads: list deliveries of %s: %w", sourceID, err)
		}
		all = append(all, page.Items...)
		if page.Cursor != "" {
			more = true
			// A shard cut short (by its limit, or DynamoDB's 1 MB) is
			// known down to its last item: nothing older is on this page.
			if n := len(page.Items); n > 0 && page.Items[n-1].Index[0].SK > floor {
				floor = page.Items[n-1].Index[0].SK
			}
		}
	}
	slices.SortFunc(all, func(a, b store.Item) int { return cmp.Compare(b.Index[0].SK, a.Index[0].SK) })
	if i := slices.IndexFunc(all, func(it store.Item) bool { return it.Index[0].SK < floor }); i >= 0 {
		all = all[:i]
	}
	if len(all) > limit {
		all, more = all[:limit], true
	}
	next := ""
	if more && len(all) > 0 {
		next = base64.RawURLEncoding.EncodeToString([]byte(logCursor + all[len(all)-1].Index[0].SK))
	}
	return all, next, nil
}
