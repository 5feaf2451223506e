package trending_test

import (
	"testing"

	"github.com/searchd/searchd/ingest/trending"
	"github.com/searchd/searchd/ingest/trending/trendingtest"
)

func memoryBackend(tb testing.TB, cfg trending.StoreConfig, clock trending.Clock) func() trending.Store {
	s, err := trending.NewMemoryStore(cfg, clock)
	if err != nil {
		tb.Fatal(err)
	}
	return func() trending.Store { return s }
}

func TestMemoryStore(t *testing.T) {
	trendingtest.StoreSuite(t, memoryBackend)
}
