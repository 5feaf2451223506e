package ingesttest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/searchd/searchd/ingest"
	"github.com/searchd/searchd/internal/nsmc"
	"github.com/searchd/searchd/searchd/engine"
)

// Queries loads up to n review texts of the NSMC corpus ($SEARCHD_NSMC or
// ../shared/data/nsmc/reviews.jsonl.gz), cut to 40 characters, as realistic
// Korean queries. The benchmark is skipped when the corpus is absent.
func Queries(b *testing.B, n int) []string {
	b.Helper()
	path, ok := nsmc.Path()
	if !ok {
		b.Skip("NSMC corpus not found (set SEARCHD_NSMC)")
	}
	var qs []string
	err := nsmc.Read(path, n, func(r nsmc.Review) error {
		if t := strings.TrimSpace(r.Text); t != "" {
			if rs := []rune(t); len(rs) > 40 {
				t = string(rs[:40])
			}
			qs = append(qs, t)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return qs
}

// BenchEvent is search event i over the queries, with the identity and
// context a browser sends.
func BenchEvent(qs []string, i int, runID string) engine.SearchEvent {
	q := qs[i%len(qs)]
	return engine.SearchEvent{
		ID: runID + strconv.Itoa(i), Time: time.Now(), Query: q, Normalized: q, Canonical: q,
		Total: int64(i % 17), TookMillis: 4.2, Page: 1, Size: 10, Sort: "relevance", Match: "all",
		Filters:   map[string][]string{"category": {"movie"}},
		SessionID: "sess-" + strconv.Itoa(i%5000), UserID: "user-" + strconv.Itoa(i%2000),
		ClientIP:  "203.0.113." + strconv.Itoa(i%250),
		UserAgent: "Mozilla/5.0 (Linux; Android 14; SM-S918N) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36",
		Context:   map[string]any{"platform": "android", "screen_w": 412, "exp": "b"},
	}
}

// RunID returns a prefix that makes event ids unique per benchmark round.
func RunID() string { return engine.RandomHex(4) + "-" }

// Delivery measures sustained delivery from q into s by workers: b.N
// capped events are enqueued (waiting while the queue is full) and the
// clock stops when every one was acknowledged. Reports events/s.
func Delivery(b *testing.B, q ingest.Queue, s ingest.Store, workers int) {
	qs := Queries(b, 20_000)
	c, m, reg := NewCapper(b, ingest.CapperConfig{})
	runID := RunID()
	evs := make([]ingest.LogEvent, b.N)
	for i := range evs {
		evs[i] = c.Cap(BenchEvent(qs, i, runID))
	}
	ctx := context.Background()
	b.ResetTimer()
	start := time.Now()
	for w := 0; w < workers; w++ {
		cfg := ingest.WorkerConfig{Consumer: fmt.Sprint("bench-", w), Batch: 1000, Block: 20 * time.Millisecond}
		StartWorker(b, q, s, cfg, m)
	}
	for len(evs) > 0 {
		n, err := q.Enqueue(ctx, evs[:min(len(evs), 1000)])
		evs = evs[n:]
		if errors.Is(err, ingest.ErrQueueFull) {
			time.Sleep(time.Millisecond)
		} else if err != nil {
			b.Fatal(err)
		}
	}
	deadline := time.Now().Add(10 * time.Minute)
	for Counter(b, reg, "searchd_ingest_delivered_total", nil) < float64(b.N) {
		if time.Now().After(deadline) {
			b.Fatalf("delivered %v of %d", Counter(b, reg, "searchd_ingest_delivered_total", nil), b.N)
		}
		time.Sleep(2 * time.Millisecond)
	}
	el := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/el.Seconds(), "events/s")
}

// Overload publishes b.N events through a Producer as fast as one
// goroutine can, into q (bounded at capacity) drained by one worker into s:
// the producer is faster than the sink. It reports the longest queue seen,
// the peak Go heap and process RSS, and the share of events dropped.
func Overload(b *testing.B, q ingest.Queue, s ingest.Store, capacity int) {
	qs := Queries(b, 20_000)
	c, m, reg := NewCapper(b, ingest.CapperConfig{})
	ctx := context.Background()
	p := ingest.NewProducer(c, q, ingest.ProducerConfig{}, m, nil)
	stopProducer := run(b, p.Run)
	StartWorker(b, q, s, ingest.WorkerConfig{Consumer: "overload", Batch: 1000, Block: 20 * time.Millisecond}, m)

	var maxLen, maxHeap, maxRSS atomic.Int64
	sampleCtx, stopSampling := context.WithCancel(ctx)
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			if n, err := q.Len(ctx); err == nil && n > maxLen.Load() {
				maxLen.Store(n)
			}
			runtime.ReadMemStats(&ms)
			if h := int64(ms.HeapInuse); h > maxHeap.Load() {
				maxHeap.Store(h)
			}
			if r := rss(); r > maxRSS.Load() {
				maxRSS.Store(r)
			}
			select {
			case <-sampleCtx.Done():
				return
			case <-t.C:
			}
		}
	}()
	runID := RunID()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p.Publish(ctx, BenchEvent(qs, i, runID))
	}
	b.StopTimer()
	time.Sleep(100 * time.Millisecond) // let the sampler see the end state
	stopSampling()
	<-sampled
	stopProducer()
	dropped := Counter(b, reg, "searchd_ingest_dropped_total", nil)
	b.ReportMetric(float64(maxLen.Load()), "max_queue_len")
	b.ReportMetric(float64(capacity), "queue_cap")
	b.ReportMetric(float64(maxHeap.Load())/(1<<20), "peak_heap_MB")
	b.ReportMetric(float64(maxRSS.Load())/(1<<20), "peak_rss_MB")
	b.ReportMetric(100*dropped/float64(b.N), "dropped_%")
}

// rss is the process's resident set size in bytes (Linux), 0 elsewhere.
func rss() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}
