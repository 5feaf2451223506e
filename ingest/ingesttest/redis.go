package ingesttest

import (
	"context"
	"testing"

	"github.com/searchd/searchd/ingest"
	"github.com/searchd/searchd/ingest/redisq"
	"github.com/searchd/searchd/internal/testenv"
)

// RedisQueue is a NewQueue for the Redis Stream queue: a fresh real
// redis-server per call (testenv.StartRedis), so tests share nothing.
func RedisQueue(tb testing.TB, capacity int) ingest.Queue {
	r := testenv.StartRedis(tb)
	q := redisq.New(r.Client(tb), redisq.Config{MaxLen: int64(capacity)})
	if err := q.Setup(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return q
}
