package leads

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"tend/internal/domain"
	"tend/internal/store"
)

// limit counts a form post against the source's limit per minute and its
// address's, and refuses it (429, with the seconds until the next minute)
// when either is over. Counters are per calendar minute and expire after
// it.
func (s *Service) limit(ctx context.Context, r *record, clientIP string) error {
	now := s.Clock.Now().UTC()
	minute := now.Truncate(time.Minute)
	retry := strconv.Itoa(int(minute.Add(time.Minute).Sub(now).Seconds()) + 1)
	bucket := "LEADSRC#" + r.ID + "#RATE#" + strconv.FormatInt(minute.Unix(), 10)
	if clientIP != "" {
		h := sha256.Sum256([]byte(clientIP)) // addresses are personal data: kept as hashes
		n, err := s.count(ctx, store.Key{PK: bucket, SK: "IP#" + hex.EncodeToString(h[:12])}, minute)
		if err != nil {
			return err
		}
		if n > r.Settings.perIPPerMinute() {
			return domain.Errorf(domain.ErrTooManyRequests, "rate_limited", "retry_after", retry)
		}
	}
	n, err := s.count(ctx, store.Key{PK: bucket, SK: "ALL"}, minute)
	if err != nil {
		return err
	}
	if n > r.Settings.perMinute() {
		return domain.Errorf(domain.ErrTooManyRequests, "rate_limited", "retry_after", retry)
	}
	return nil
}

// count adds one to a minute's counter, made to expire with the minute.
func (s *Service) count(ctx context.Context, key store.Key, minute time.Time) (int64, error) {
	err := s.Store.Put(ctx, store.Item{Key: key, Type: "lead_rate", Version: 1, ExpiresAt: minute.Add(2 * time.Minute), Doc: []byte(`{}`)}, store.NotExist)
	if err != nil && !errors.Is(err, store.ErrConditionFailed) {
		return 0, fmt.Errorf("leads: rate counter: %w", err)
	}
	n, err := s.Store.Incr(ctx, key, 1)
	if err != nil {
		return 0, fmt.Errorf("leads: rate counter: %w", err)
	}
	return n, nil
}
