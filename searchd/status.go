package main

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/searchd/searchd/ingest"
	"github.com/searchd/searchd/ingest/trending"
	"github.com/searchd/searchd/searchd/engine"
)

// redisStatus: Redis answers PING (elastic mode: search-log stream and
// trending store).
func redisStatus(rdb *redis.Client) engine.StatusReporter {
	return engine.StatusFunc("redis", func(ctx context.Context) engine.ComponentStatus {
		if err := rdb.Ping(ctx).Err(); err != nil {
			return engine.ComponentStatus{Health: engine.HealthDown, Message: "Redis does not answer PING; search logs wait in the producer's buffer and trending stops counting"}
		}
		return engine.ComponentStatus{Health: engine.HealthUp}
	})
}

// trendingStatus: some instance leads the trending job, seen from here as
// a fresh snapshot (at most three intervals old). A stale one means no
// leader computes it (or the store is away).
func trendingStatus(svc *trending.Service, interval time.Duration) engine.StatusReporter {
	started := time.Now()
	return engine.StatusFunc("trending_leader", func(ctx context.Context) engine.ComponentStatus {
		snap, err := svc.Snapshot(ctx)
		switch age := time.Since(snap.UpdatedAt); {
		case err != nil:
			return engine.ComponentStatus{Health: engine.HealthDown, Message: "the trending store cannot be read"}
		case snap.UpdatedAt.IsZero() && time.Since(started) < 3*interval:
			return engine.ComponentStatus{Health: engine.HealthUp, Message: "starting: no snapshot yet"}
		case snap.UpdatedAt.IsZero() || age > 3*interval:
			return engine.ComponentStatus{Health: engine.HealthDegraded,
				Message: fmt.Sprintf("the trending snapshot is stale (last %s, interval %s): no leader is computing it", stamp(snap.UpdatedAt), interval)}
		}
		return engine.ComponentStatus{Health: engine.HealthUp, Message: "snapshot updated " + stamp(snap.UpdatedAt)}
	})
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format(time.RFC3339)
}

// logQueueStatus: the search-log producer's view of its queue (up, or
// degraded while it retries a failing queue and events wait in its buffer).
func logQueueStatus(p *ingest.Producer) engine.StatusReporter {
	return engine.StatusFunc("log_queue", func(context.Context) engine.ComponentStatus {
		state, detail := p.Status()
		h := engine.HealthUp
		if state != ingest.StatusUp {
			h = engine.HealthDegraded
		}
		return engine.ComponentStatus{Health: h, Message: detail}
	})
}
