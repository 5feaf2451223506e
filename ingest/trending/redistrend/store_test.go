package redistrend_test

import (
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/searchd/searchd/ingest/trending"
	"github.com/searchd/searchd/ingest/trending/redistrend"
	"github.com/searchd/searchd/ingest/trending/trendingtest"
	"github.com/searchd/searchd/internal/testenv"
)

// redisBackend starts a real redis-server per test; every connection is a
// new client, as separate searchd instances would have.
func redisBackend(tb testing.TB, cfg trending.StoreConfig, _ trending.Clock) func() trending.Store {
	srv := testenv.StartRedis(tb)
	return func() trending.Store {
		s, err := redistrend.New(redis.NewClient(&redis.Options{Addr: srv.Addr}), cfg, redistrend.Options{CloseClient: true})
		if err != nil {
			tb.Fatal(err)
		}
		return s
	}
}

func TestRedisStore(t *testing.T) {
	trendingtest.StoreSuite(t, redisBackend)
}
