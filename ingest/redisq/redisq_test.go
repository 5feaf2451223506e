package redisq_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/searchd/searchd/ingest"
	"github.com/searchd/searchd/ingest/blevelog"
	"github.com/searchd/searchd/ingest/ingesttest"
	"github.com/searchd/searchd/ingest/redisq"
	"github.com/searchd/searchd/internal/testenv"
)

var newQueue = ingesttest.RedisQueue

func TestQueue(t *testing.T) { ingesttest.QueueSuite(t, newQueue) }

func newBleveStore(tb testing.TB) ingest.Store {
	s, err := blevelog.Open(filepath.Join(tb.TempDir(), "search-logs"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// TestPipelineIntoBleve runs the pipeline suite over a real Redis Stream into
// the embedded log store (the store outage is covered by the blevelog and
// elasticlog tests).
func TestPipelineIntoBleve(t *testing.T) {
	ingesttest.PipelineSuite(t, newQueue, newBleveStore, nil)
}

func TestUndecodableEntryIsDeadLettered(t *testing.T) {
	ctx := context.Background()
	r := testenv.StartRedis(t)
	rdb := r.Client(t)
	q := redisq.New(rdb, redisq.Config{})
	if err := q.Setup(ctx); err != nil {
		t.Fatal(err)
	}
	// A foreign writer puts junk on the stream.
	rdb.XAdd(ctx, &redis.XAddArgs{Stream: q.Config().Stream, Values: []any{"e", "{not json"}})
	rdb.XAdd(ctx, &redis.XAddArgs{Stream: q.Config().Stream, Values: []any{"other", "x"}})
	q.Enqueue(ctx, ingesttest.Events("ok", 3, time.Now()))
	s := newBleveStore(t)
	m, reg := ingesttest.NewMetrics(t)
	ingesttest.StartWorker(t, q, s, ingest.WorkerConfig{Consumer: "w", Block: 50 * time.Millisecond}, m)
	ingesttest.WaitCount(t, s, 3)
	deadline := time.Now().Add(30 * time.Second)
	for ingesttest.Counter(t, reg, "searchd_ingest_dead_letters_total", nil) < 2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	dl, err := q.DeadLetters(ctx, 10)
	if err != nil || len(dl) != 2 {
		t.Fatalf("DeadLetters = %v, %v", dl, err)
	}
	for _, d := range dl {
		if d.Class != ingest.DeadUndecodable || d.Reason == "" {
			t.Fatalf("dead letter %+v", d)
		}
	}
	if p, _ := q.Pending(ctx); p != 0 {
		t.Fatalf("%d entries still pending", p)
	}
}

// TestProducerCountsWhatRedisRefuses: with Redis gone, Publish still returns
// at once and every event it could not enqueue is counted.
func TestProducerCountsWhatRedisRefuses(t *testing.T) {
	ctx := context.Background()
	r := testenv.StartRedis(t)
	rdb := redis.NewClient(&redis.Options{Addr: r.Addr, DialTimeout: 100 * time.Millisecond,
		ReadTimeout: 100 * time.Millisecond, WriteTimeout: 100 * time.Millisecond, MaxRetries: -1})
	t.Cleanup(func() { rdb.Close() })
	q := redisq.New(rdb, redisq.Config{})
	m, reg := ingesttest.NewMetrics(t)
	c, err := ingest.NewCapper(ingest.CapperConfig{Salt: ingesttest.Salt}, m)
	if err != nil {
		t.Fatal(err)
	}
	p := ingest.NewProducer(c, q, ingest.ProducerConfig{Buffer: 100, Batch: 10, EnqueueTimeout: 200 * time.Millisecond}, m, nil)
	pctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); p.Run(pctx) }()

	r.Stop()
	const n = 1000
	for i := 0; i < n; i++ {
		p.Publish(ctx, ingesttest.SearchEvent(i))
	}
	stop()
	<-done
	dropped := ingesttest.Counter(t, reg, "searchd_ingest_dropped_total", nil)
	enqueued := ingesttest.Counter(t, reg, "searchd_ingest_enqueued_total", nil)
	if enqueued != 0 || dropped != n {
		t.Fatalf("enqueued %v and dropped %v of %d events with Redis down", enqueued, dropped, n)
	}
	if full := ingesttest.Counter(t, reg, "searchd_ingest_dropped_total", map[string]string{"reason": ingest.DropBufferFull}); full == 0 {
		t.Fatalf("no buffer_full drops: Publish must not wait for Redis")
	}
}
