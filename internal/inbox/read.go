package inbox

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"tend/internal/domain"
	"tend/internal/store"
	"tend/internal/workspace"
)

// UnreadCap bounds the unread count: it is counted over the unread index,
// reading one index entry per unread notification, so a user who never
// reads costs at most this many entries per count. A count of UnreadCap
// means "UnreadCap or more".
const UnreadCap = 1000

// View is a notification as the API shows it. Its id is the public one: it
// encodes the item's sort key (the time and the writer's id), so a read
// finds the item at once, in the caller's own inbox only.
type View struct {
	ID string `json:"id"` // first, before the stored fields it hides
	Notification

	Subject   Subject    `json:"subject"`
	ReadAt    *time.Time `json:"read_at"`
	CreatedAt time.Time  `json:"created_at"`
}

func view(it store.Item) (View, error) {
	n, err := decode(it)
	if err != nil {
		return View{}, err
	}
	return View{Notification: n, ID: base64.RawURLEncoding.EncodeToString([]byte(it.SK)),
		Subject: SubjectOf(n), ReadAt: n.ReadAt, CreatedAt: n.At}, nil
}

// Views returns a page of the caller's notifications, newest first; only
// the unread ones when unread is set.
func (s *Service) Views(ctx context.Context, c *workspace.Caller, unread bool, limit int, cursor string) (*domain.Page[View], error) {
	q := store.Query{PK: pk(c.Tenant(), c.User.ID), Reverse: true, Limit: domain.ListLimit(limit), Cursor: cursor}
	if unread {
		q.Index, q.PK = UnreadIndex, unreadPK(c.Tenant(), c.User.ID)
	}
	page, err := s.st.Query(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("inbox: read: %w", store.CursorError(err))
	}
	out := &domain.Page[View]{Items: []View{}, NextCursor: page.Cursor}
	for _, it := range page.Items {
		v, err := view(it)
		if err != nil {
			return nil, err
		}
		out.Items = append(out.Items, v)
	}
	return out, nil
}

// Unread counts the user's unread notifications, up to UnreadCap.
func (s *Service) Unread(ctx context.Context, tenant, user string) (int, error) {
	n := 0
	for _, err := range store.Items(ctx, s.st, store.Query{Index: UnreadIndex, PK: unreadPK(tenant, user), Limit: UnreadCap, DocsOnly: true}) {
		if err != nil {
			return 0, fmt.Errorf("inbox: count unread: %w", err)
		}
		if n++; n >= UnreadCap {
			break
		}
	}
	return n, nil
}

// MarkRead marks one of the caller's notifications read and returns it. It
// is idempotent: a read one stays as it was read. An id that is not one of
// the caller's notifications is not found.
func (s *Service) MarkRead(ctx context.Context, c *workspace.Caller, id string) (*View, error) {
	sk, err := base64.RawURLEncoding.DecodeString(id)
	if err != nil || len(sk) == 0 {
		return nil, domain.NotFound("notification")
	}
	key := store.Key{PK: pk(c.Tenant(), c.User.ID), SK: string(sk)}
	for {
		it, err := s.st.Get(ctx, key)
		if errors.Is(err, store.ErrNotFound) {
			return nil, domain.NotFound("notification")
		}
		if err != nil {
			return nil, fmt.Errorf("inbox: read %s: %w", key, err)
		}
		read, ok, err := s.readItem(it)
		if err != nil {
			return nil, err
		}
		if ok {
			err = s.st.Put(ctx, read, store.IfVersion(it.Version))
			if errors.Is(err, store.ErrConditionFailed) {
				continue // marked, or written again, since we read it: look again
			}
			if err != nil {
				return nil, fmt.Errorf("inbox: mark %s read: %w", key, err)
			}
		}
		v, err := view(read)
		return &v, err
	}
}

// readItem returns it marked read, and whether that changed it.
func (s *Service) readItem(it store.Item) (store.Item, bool, error) {
	n, err := decode(it)
	if err != nil {
		return it, false, err
	}
	if n.ReadAt != nil && it.Index[unreadSlot].PK == "" {
		return it, false, nil
	}
	if s.clock == nil {
		return it, false, errors.New("inbox: no clock to date reads")
	}
	if n.ReadAt == nil {
		now := s.clock.Now()
		n.ReadAt = &now
	}
	it.Doc, it.Version = store.Doc(n), it.Version+1
	it.Index[unreadSlot] = store.IndexKey{}
	return it, true, nil
}

// ReadUnindexed returns a notification item stored before read state
// (unread by its document, yet with no key in UnreadIndex, so counted as
// read) marked read at its own time, and whether it was such an item.
// Before read state the inbox had no unread mark: whoever opened it saw
// these as seen, and the count left them out since the upgrade, so they
// stay out of it rather than arrive as a backlog of "new" ones; read_at
// is then no longer null for a notification that is not counted unread.
// Its version moves, so a write of it conditional on the version read
// loses to a read by its user made meanwhile. Items of other types, and
// notifications with read state, are returned unchanged.
func ReadUnindexed(it store.Item) (store.Item, bool, error) {
	if it.Type != itemType || it.Index[unreadSlot].PK != "" {
		return it, false, nil
	}
	n, err := decode(it)
	if err != nil || n.ReadAt != nil {
		return it, false, err
	}
	n.ReadAt = &n.At
	it.Doc, it.Version = store.Doc(n), it.Version+1
	return it, true, nil
}

// readAllPage is how many notifications ReadAll marks in one transaction.
const readAllPage = 100

// ReadAll marks read every notification of the caller's that was unread
// when it started, a page of the unread index at a time (one transaction a
// page), and says how many it marked. Notifications that arrive meanwhile
// with a later time stay unread. A page whose transaction loses a race
// (a single read, a notification written again) is marked one by one.
func (s *Service) ReadAll(ctx context.Context, c *workspace.Caller) (int, error) {
	if s.clock == nil {
		return 0, errors.New("inbox: no clock to date reads")
	}
	upTo := store.SortTime(s.clock.Now()) + "#\uffff"
	q := store.Query{Index: UnreadIndex, PK: unreadPK(c.Tenant(), c.User.ID), SK: store.SKLe, A: upTo, Limit: readAllPage}
	marked := 0
	for {
		page, err := s.st.Query(ctx, q)
		if err != nil {
			return marked, fmt.Errorf("inbox: read unread: %w", err)
		}
		n, err := s.markPage(ctx, c, page.Items)
		marked += n
		if err != nil {
			return marked, err
		}
		if page.Cursor == "" {
			return marked, nil
		}
		q.Cursor = page.Cursor
	}
}

func (s *Service) markPage(ctx context.Context, c *workspace.Caller, items []store.Item) (int, error) {
	ops := make([]store.TxOp, 0, len(items))
	for _, it := range items {
		read, ok, err := s.readItem(it)
		if err != nil {
			return 0, err
		}
		if ok {
			ops = append(ops, store.TxPut(read, store.IfVersion(it.Version)))
		}
	}
	if len(ops) == 0 {
		return 0, nil
	}
	err := s.st.Transact(ctx, ops)
	if err == nil {
		return len(ops), nil
	}
	if !errors.Is(err, store.ErrConditionFailed) {
		return 0, fmt.Errorf("inbox: mark read: %w", err)
	}
	n := 0
	for _, op := range ops {
		v, err := s.MarkRead(ctx, c, base64.RawURLEncoding.EncodeToString([]byte(op.Key.SK)))
		if errors.Is(err, domain.ErrNotFound) {
			continue
		}
		if err != nil {
			return n, err
		}
		if v.ReadAt != nil {
			n++
		}
	}
	return n, nil
}
