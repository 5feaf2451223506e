package redistrend

import (
	"context"

	"github.com/searchd/searchd/ingest/trending"
)

var _ trending.ReviewStore = (*Store)(nil)

// The review state is one hash, P+"review": key → encoded entry, shared
// by every instance.
func (s *Store) reviewKey() string { return s.prefix + "review" }

// ReviewEntries implements trending.ReviewStore (HGETALL).
func (s *Store) ReviewEntries(ctx context.Context) (map[string][]byte, error) {
	m, err := s.c.HGetAll(ctx, s.reviewKey()).Result()
	if err != nil {
		return nil, translate("read the review queue", err)
	}
	out := make(map[string][]byte, len(m))
	for k, v := range m {
		out[k] = []byte(v)
	}
	return out, nil
}

// AddReview implements trending.ReviewStore (HSETNX: two leaders in a
// handover cannot queue a keyword twice or undo a decision).
func (s *Store) AddReview(ctx context.Context, key string, entry []byte) (bool, error) {
	ok, err := s.c.HSetNX(ctx, s.reviewKey(), key, entry).Result()
	return ok, translate("queue a keyword for review", err)
}

// SetReview implements trending.ReviewStore.
func (s *Store) SetReview(ctx context.Context, key string, entry []byte) error {
	return translate("record a review decision", s.c.HSet(ctx, s.reviewKey(), key, entry).Err())
}

// DeleteReview implements trending.ReviewStore.
func (s *Store) DeleteReview(ctx context.Context, key string) error {
	return translate("forget a review entry", s.c.HDel(ctx, s.reviewKey(), key).Err())
}
