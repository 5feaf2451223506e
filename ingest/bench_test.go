package ingest_test

import (
	"context"
	"sync/atomic"
	"syscall"
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
// from parallel search goroutines, with the producer's drain loop running,
// into: a queue that keeps nothing (queue=none), the in-process queue and
// the embedded mode's durable file queue, each drained and acknowledged by
// a consumer as the workers would.
func BenchmarkPublish(b *testing.B) {
	b.Run("queue=none", func(b *testing.B) { benchPublish(b, &countingQueue{}) })
	b.Run("queue=memory", func(b *testing.B) { benchPublish(b, drained(b, ingest.NewMemQueue(100_000, 10))) })
	b.Run("queue=file", func(b *testing.B) {
		q, err := ingest.OpenFileQueue(b.TempDir(), ingest.FileQueueConfig{}, nil, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { q.Close() })
		benchPublish(b, drained(b, q))
	})
}

// drained starts a consumer that reads and acknowledges everything q holds
// until the benchmark ends.
func drained(b *testing.B, q ingest.Queue) ingest.Queue {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			msgs, err := q.Read(ctx, "drain", 1000, 10*time.Millisecond)
			if err != nil {
				return
			}
			ids := make([]string, len(msgs))
			for i, m := range msgs {
				ids[i] = m.ID
			}
			q.Ack(ctx, ids...)
		}
	}()
	b.Cleanup(func() { cancel(); <-done })
	return q
}

func benchPublish(b *testing.B, q ingest.Queue) {
	qs := ingesttest.Queries(b, 20_000)
	c, m, reg := ingesttest.NewCapper(b, ingest.CapperConfig{})
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
	cpu0 := cpuTime()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1)
			p.Publish(ctx, evs[i%int64(len(evs))])
		}
	})
	el := time.Since(start)
	// Wait for the producer to hand over what it buffered, so the queue's
	// cost is inside the measurement.
	for p.Buffered() > 0 && time.Since(start) < el+time.Minute {
		time.Sleep(time.Millisecond)
	}
	el = time.Since(start)
	cpu := cpuTime() - cpu0
	b.StopTimer()
	cancel()
	<-done
	dropped := ingesttest.Counter(b, reg, "searchd_ingest_dropped_total", nil)
	b.ReportMetric(float64(el.Nanoseconds())/float64(b.N)/1000, "µs/event")
	// The process's CPU time per event (publishers, producer loop, queue,
	// consumer, GC): unlike wall time it does not grow with other load on
	// the machine.
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N)/1000, "cpu_µs/event")
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

// cpuTime is the user plus system CPU time of this process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
