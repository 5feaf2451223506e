package trending_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/searchd/searchd/ingest/trending"
	"github.com/searchd/searchd/ingest/trending/trendingtest"
	"github.com/searchd/searchd/searchd/engine"
)

// gatedStore blocks Dedup until the gate opens.
type gatedStore struct {
	*trending.MemoryStore
	gate chan struct{}
}

func (g *gatedStore) Dedup(ctx context.Context, hits []trending.Hit) ([]bool, error) {
	select {
	case <-g.gate:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return g.MemoryStore.Dedup(ctx, hits)
}

func metricValue(t *testing.T, reg *prometheus.Registry, name, label string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			if mf.GetName() == name && (label == "" || m.GetLabel()[0].GetValue() == label) {
				return m.GetCounter().GetValue()
			}
		}
	}
	t.Fatalf("no metric %s{%s}", name, label)
	return 0
}

func TestPublishNeverBlocks(t *testing.T) {
	mem, err := trending.NewMemoryStore(trending.StoreConfig{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	store := &gatedStore{MemoryStore: mem, gate: make(chan struct{})}
	reg := prometheus.NewRegistry()
	svc, err := trending.New(trending.Config{Counter: trending.CounterConfig{
		Salt: trendingtest.Salt, QueueSize: 8, BatchSize: 4, Workers: 1,
	}}, store, reg, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = svc.Counter.Run(ctx); close(done) }()
	// The store is stuck: the worker holds at most one batch, the queue 8;
	// Publish keeps returning and the rest is dropped as queue_full.
	for i := range 100 {
		svc.Publish(ctx, engine.SearchEvent{Query: "날씨", Canonical: "날씨", Total: 1, UserID: fmt.Sprint(i)})
	}
	dropped := metricValue(t, reg, "searchd_trending_dropped_total", "queue_full")
	if dropped < 100-8-4 || dropped > 100-8 {
		t.Fatalf("dropped %v of 100 with a queue of 8 and a batch of 4", dropped)
	}
	close(store.gate)
	if err := svc.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got := metricValue(t, reg, "searchd_trending_counted_total", ""); got != 100-dropped {
		t.Fatalf("counted %v, want the %v that were queued", got, 100-dropped)
	}
	cancel()
	<-done
	svc.Publish(context.Background(), engine.SearchEvent{Query: "날씨", Canonical: "날씨", UserID: "late", Total: 1})
	if got := metricValue(t, reg, "searchd_trending_dropped_total", "closed"); got != 1 {
		t.Fatalf("publish after stop: dropped{closed} = %v, want 1", got)
	}
}

func TestConfigErrors(t *testing.T) {
	mem, _ := trending.NewMemoryStore(trending.StoreConfig{}, nil)
	for name, cfg := range map[string]trending.Config{
		"short salt":     {Counter: trending.CounterConfig{Salt: "short"}},
		"bad rules":      {Counter: trending.CounterConfig{Salt: trendingtest.Salt}, Rules: trending.Rules{MinRatio: 0.5}},
		"bad interval":   {Counter: trending.CounterConfig{Salt: trendingtest.Salt}, Interval: time.Microsecond},
		"too many works": {Counter: trending.CounterConfig{Salt: trendingtest.Salt, Workers: 1000}},
	} {
		if _, err := trending.New(cfg, mem, nil, nil); engine.ErrorCode(err) != engine.Invalid {
			t.Errorf("%s: err %v, want invalid_argument", name, err)
		}
	}
	if _, err := trending.NewMemoryStore(trending.StoreConfig{ShortHalfLife: time.Hour, LongHalfLife: time.Minute}, nil); engine.ErrorCode(err) != engine.Invalid {
		t.Errorf("long half-life shorter than short: err %v", err)
	}
}
