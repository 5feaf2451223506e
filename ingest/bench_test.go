package ingest_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/searchd/searchd/ingest"
	"github.com/searchd/searchd/ingest/ingesttest"
	"github.com/searchd/searchd/searchd/engine"
)

// countingQueue accepts everything and keeps nothing: Publish is measured
// without a sink behind it.
type countingQueue struct {
	ingest.MemQueue
	n atomic.Int64
}

func (q *countingQueue) Enqueue(_ context.Context, evs []ingest.LogEvent) (int, error) {
	q.n.Add(int64(len(evs)))
	return len(evs), nil
}

// BenchmarkPublish is the cost of logging on the search path: capping
// (hashes, IP truncation, UA family, context) and the non-blocking hand-off,
// from parallel search goroutines, with the producer's drain loop running.
func BenchmarkPublish(b *testing.B) {
	qs := ingesttest.Queries(b, 20_000)
	c, m, reg := ingesttest.NewCapper(b, ingest.CapperConfig{})
	q := &countingQueue{}
	p := ingest.NewProducer(c, q, ingest.ProducerConfig{Buffer: 1 << 16}, m, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); p.Run(ctx) }()
	evs := make([]engine.SearchEvent, 4096)
	runID := ingesttest.RunID()
	for i := range evs {
		evs[i] = ingesttest.BenchEvent(qs, i, runID)
	}
	var next atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1)
			p.Publish(ctx, evs[i%int64(len(evs))])
		}
	})
	el := time.Since(start)
	b.StopTimer()
	cancel()
	<-done
	dropped := ingesttest.Counter(b, reg, "searchd_ingest_dropped_total", nil)
	b.ReportMetric((float64(b.N)-dropped)/el.Seconds(), "accepted_events/s")
	b.ReportMetric(dropped, "dropped")
}

// BenchmarkCap is capping alone, one goroutine.
func BenchmarkCap(b *testing.B) {
	qs := ingesttest.Queries(b, 20_000)
	c, err := ingest.NewCapper(ingest.CapperConfig{Salt: ingesttest.Salt}, nil)
	if err != nil {
		b.Fatal(err)
	}
	ev := ingesttest.BenchEvent(qs, 7, "cap-")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		c.Cap(ev)
	}
}
