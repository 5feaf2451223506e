package redisq_test

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/searchd/searchd/ingest"
	"github.com/searchd/searchd/ingest/ingesttest"
	"github.com/searchd/searchd/ingest/redisq"
	"github.com/searchd/searchd/internal/testenv"
)

var newQueue = ingesttest.RedisQueue

func TestQueue(t *testing.T) { ingesttest.QueueSuite(t, newQueue) }

// TestPipelineIntoBleve runs the pipeline suite over a real Redis Stream into
// the embedded log store (the store outage is covered by the blevelog and
// elasticlog tests).
func TestPipelineIntoBleve(t *testing.T) {
	ingesttest.PipelineSuite(t, newQueue, ingesttest.BleveStore, nil)
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
	s := ingesttest.BleveStore(t)
	m, reg := ingesttest.NewMetrics(t)
	ingesttest.StartWorker(t, q, s, ingest.WorkerConfig{Consumer: "w", Block: 50 * time.Millisecond}, m)
	ingesttest.WaitCount(t, s, 3)
	ingesttest.WaitCounter(t, reg, "searchd_ingest_dead_letters_total", 2, 30*time.Second)
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
	c, m, reg := ingesttest.NewCapper(t, ingest.CapperConfig{})
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
