package ingest

import (
	"context"
	"time"

	"github.com/searchd/searchd/searchd/engine"
)

// Analytics limits.
const (
	DefaultAnalyticsSize = 20
	MaxAnalyticsSize     = 1000
	MaxAnalyticsRange    = 400 * 24 * time.Hour
	MaxDeadLetters       = 1000
)

// Analytics answers the admin questions about searches: the API's admin
// routes call it. Arguments are validated here (engine.Invalid errors).
type Analytics struct {
	store Store
	queue Queue
}

// NewAnalytics returns analytics over a log store and the dead letters of a
// queue.
func NewAnalytics(s Store, q Queue) *Analytics { return &Analytics{store: s, queue: q} }

// TopQueries returns the most frequent query keys of searches in
// [from, to); size 0 means DefaultAnalyticsSize.
func (a *Analytics) TopQueries(ctx context.Context, from, to time.Time, size int) ([]QueryCount, error) {
	size, err := checkRange(from, to, size)
	if err != nil {
		return nil, err
	}
	return a.store.TopQueries(ctx, from, to, size)
}

// ZeroResultQueries returns the most frequent query keys of searches in
// [from, to) that found nothing.
func (a *Analytics) ZeroResultQueries(ctx context.Context, from, to time.Time, size int) ([]QueryCount, error) {
	size, err := checkRange(from, to, size)
	if err != nil {
		return nil, err
	}
	return a.store.ZeroResultQueries(ctx, from, to, size)
}

// DeadLetters lists the newest n dead-lettered events (n 0: 100).
func (a *Analytics) DeadLetters(ctx context.Context, n int) ([]DeadLetter, error) {
	switch {
	case n == 0:
		n = 100
	case n < 0 || n > MaxDeadLetters:
		return nil, engine.Errorf(engine.Invalid, "size must be between 1 and %d", MaxDeadLetters)
	}
	return a.queue.DeadLetters(ctx, n)
}

func checkRange(from, to time.Time, size int) (int, error) {
	switch {
	case size == 0:
		size = DefaultAnalyticsSize
	case size < 0 || size > MaxAnalyticsSize:
		return 0, engine.Errorf(engine.Invalid, "size must be between 1 and %d", MaxAnalyticsSize)
	}
	switch {
	case from.IsZero() || to.IsZero():
		return 0, engine.Errorf(engine.Invalid, "from and to are required")
	case !from.Before(to):
		return 0, engine.Errorf(engine.Invalid, "from must be before to")
	case to.Sub(from) > MaxAnalyticsRange:
		return 0, engine.Errorf(engine.Invalid, "the time range may span at most %d days", int(MaxAnalyticsRange.Hours()/24))
	}
	return size, nil
}
