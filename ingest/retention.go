package ingest

import (
	"context"
	"time"

	"go.uber.org/zap"

	"github.com/searchd/searchd/searchd/engine"
)

// Retention deletes log events older than Days from a store, at start and
// then every Every (default 1h). Days <= 0 keeps everything.
type Retention struct {
	Store Store
	Days  int
	Every time.Duration
	Log   *zap.Logger
	Now   func() time.Time
}

// Run applies retention until ctx ends; it returns nil then. Failures are
// logged and tried again at the next tick.
func (r *Retention) Run(ctx context.Context) error {
	if r.Days <= 0 {
		<-ctx.Done()
		return nil
	}
	every, now, log := r.Every, r.Now, r.Log
	if every <= 0 {
		every = time.Hour
	}
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = zap.NewNop()
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		n, err := r.Store.DeleteOlderThan(ctx, now(), r.Days)
		if err != nil && ctx.Err() == nil {
			log.Warn("search-log retention failed", zap.String("component", "ingest"), zap.Error(err))
		} else if n > 0 {
			log.Info("search-log retention", zap.String("component", "ingest"), zap.Int64("removed", n), zap.Int("days", r.Days))
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// RetentionCutoff is the time before which Store.DeleteOlderThan removes
// events: the start of now's day (UTC) minus days. Negative days are an
// engine.Invalid error.
func RetentionCutoff(now time.Time, days int) (time.Time, error) {
	if days < 0 {
		return time.Time{}, engine.Errorf(engine.Invalid, "retention days may not be negative")
	}
	y, m, d := now.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -days), nil
}
