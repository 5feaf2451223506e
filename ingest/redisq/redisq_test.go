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

// TestProducerKeepsTheNewestWhileRedisIsDown: with Redis gone, Publish
// still returns at once; the producer reports itself degraded, keeps what
// its buffer holds and drops the oldest beyond it, counted; once Redis is
// back it sends the buffered events, the newest among them.
func TestProducerKeepsTheNewestWhileRedisIsDown(t *testing.T) {
	ctx := context.Background()
	r := testenv.StartRedis(t)
	rdb := redis.NewClient(&redis.Options{Addr: r.Addr, DialTimeout: 100 * time.Millisecond,
		ReadTimeout: 100 * time.Millisecond, WriteTimeout: 100 * time.Millisecond, MaxRetries: -1})
	t.Cleanup(func() { rdb.Close() })
	q := redisq.New(rdb, redisq.Config{})
	c, m, reg := ingesttest.NewCapper(t, ingest.CapperConfig{})
	const buffer, batch = 100, 10
	p := ingest.NewProducer(c, q, ingest.ProducerConfig{Buffer: buffer, Batch: batch, EnqueueTimeout: 200 * time.Millisecond,
		RetryMin: 20 * time.Millisecond, RetryMax: 100 * time.Millisecond}, m, nil)
	pctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); p.Run(pctx) }()
	defer func() { stop(); <-done }()

	r.Stop()
	const n = 1000
	start := time.Now()
	for i := 0; i < n; i++ {
		p.Publish(ctx, ingesttest.SearchEvent(i))
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Fatalf("publishing %d events with Redis down took %v: Publish waited", n, el)
	}
	waitState(t, p, ingest.StatusDegraded)
	full := ingesttest.Counter(t, reg, "searchd_ingest_dropped_total", map[string]string{"reason": ingest.DropBufferFull})
	if full < n-buffer-batch || full > n-buffer {
		t.Fatalf("dropped %v for a full buffer, want %d..%d (what exceeds buffer + batch)", full, n-buffer-batch, n-buffer)
	}
	if g := ingesttest.Gauge(t, reg, "searchd_ingest_queue_retrying"); g != 1 {
		t.Fatalf("searchd_ingest_queue_retrying = %v while Redis is down", g)
	}

	r.Restart(t)
	want := n - full
	ingesttest.WaitCounter(t, reg, "searchd_ingest_enqueued_total", want, 30*time.Second)
	if got := ingesttest.Counter(t, reg, "searchd_ingest_enqueued_total", nil); got != want {
		t.Fatalf("enqueued %v after Redis came back, want the %v buffered", got, want)
	}
	waitState(t, p, ingest.StatusUp)
	if other := ingesttest.Counter(t, reg, "searchd_ingest_dropped_total", nil) - full; other != 0 {
		t.Fatalf("%v events dropped for other reasons", other)
	}
	last, err := rdb.XRevRangeN(ctx, q.Config().Stream, "+", "-", 1).Result()
	if err != nil || len(last) != 1 {
		t.Fatalf("XREVRANGE = %v, %v", last, err)
	}
	if m := ingest.DecodeMessage(last[0].ID, []byte(last[0].Values["e"].(string))); m.Event.ID != ingesttest.SearchEvent(n-1).ID {
		t.Fatalf("the newest event in the stream is %q, want the last published %q", m.Event.ID, ingesttest.SearchEvent(n-1).ID)
	}
}

func waitState(t *testing.T, p *ingest.Producer, want string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		state, detail := p.Status()
		if state == want {
			t.Logf("status %s: %s", state, detail)
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("producer status %s (%s), want %s", state, detail, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
