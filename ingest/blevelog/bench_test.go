package blevelog_test

import (
	"context"
	"testing"
	"time"

	"github.com/searchd/searchd/ingest"
	"github.com/searchd/searchd/ingest/ingesttest"
)

// BenchmarkEmbeddedDelivery: sustained delivery from the in-process queue
// into the Bleve log index by two workers (embedded mode: two concurrent
// batches keep both cores busy; one worker alone measured 4,200–6,400/s).
func BenchmarkEmbeddedDelivery(b *testing.B) {
	ingesttest.Delivery(b, ingest.NewMemQueue(100_000, 100), newStore(b), 2)
}

// BenchmarkEmbeddedOverload: a producer faster than the Bleve sink; the
// queue stays at its cap and the heap stays bounded while the excess is
// dropped and counted.
func BenchmarkEmbeddedOverload(b *testing.B) {
	const capacity = 50_000
	ingesttest.Overload(b, ingest.NewMemQueue(capacity, 100), newStore(b), capacity)
}

// BenchmarkBulkWrite is the Bleve log index alone: bulk writes of 1,000
// capped events (the worker's batch size), persisted before they return.
func BenchmarkBulkWrite(b *testing.B) {
	qs := ingesttest.Queries(b, 20_000)
	c, err := ingest.NewCapper(ingest.CapperConfig{Salt: ingesttest.Salt}, nil)
	if err != nil {
		b.Fatal(err)
	}
	s := newStore(b)
	runID := ingesttest.RunID()
	evs := make([]ingest.LogEvent, 1000)
	var spent time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		for j := range evs {
			evs[j] = c.Cap(ingesttest.BenchEvent(qs, i*len(evs)+j, runID))
		}
		b.StartTimer()
		start := time.Now()
		if _, err := s.BulkWrite(context.Background(), evs); err != nil {
			b.Fatal(err)
		}
		spent += time.Since(start)
	}
	b.ReportMetric(float64(b.N*len(evs))/spent.Seconds(), "events/s")
}
