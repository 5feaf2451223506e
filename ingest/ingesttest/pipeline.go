package ingesttest

import (
	"context"
	"fmt"
	"math/rand"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/searchd/searchd/ingest"
	"github.com/searchd/searchd/searchd/engine"
)

// Salt is the hashing salt tests use.
var Salt = []byte("ingesttest-salt-0123456789")

// NewOutage returns a store and two functions that make it unavailable
// (a closed index, a closed port) and available again.
type NewOutage func(tb testing.TB) (s ingest.Store, down, up func())

// Counter reads a counter of reg whose labels include labels; 0 if absent.
func Counter(tb testing.TB, reg prometheus.Gatherer, name string, labels map[string]string) float64 {
	tb.Helper()
	return sum(tb, reg, name, labels, func(m *dto.Metric) float64 { return m.GetCounter().GetValue() })
}

// Gauge reads the gauge name of reg (summed over its labels); 0 if absent.
func Gauge(tb testing.TB, reg prometheus.Gatherer, name string) float64 {
	tb.Helper()
	return sum(tb, reg, name, nil, func(m *dto.Metric) float64 { return m.GetGauge().GetValue() })
}

// sum adds up value over the metrics name of reg whose labels include labels.
func sum(tb testing.TB, reg prometheus.Gatherer, name string, labels map[string]string, value func(*dto.Metric) float64) float64 {
	tb.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		tb.Fatal(err)
	}
	var total float64
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	next:
		for _, m := range mf.GetMetric() {
			got := map[string]string{}
			for _, l := range m.GetLabel() {
				got[l.GetName()] = l.GetValue()
			}
			for k, v := range labels {
				if got[k] != v {
					continue next
				}
			}
			total += value(m)
		}
	}
	return total
}

// NewMetrics returns metrics on a fresh registry.
func NewMetrics(tb testing.TB) (*ingest.Metrics, *prometheus.Registry) {
	tb.Helper()
	reg := prometheus.NewRegistry()
	m, err := ingest.NewMetrics(reg)
	if err != nil {
		tb.Fatal(err)
	}
	return m, reg
}

// NewCapper returns a capper and the metrics it counts on, on a fresh
// registry; cfg.Salt defaults to Salt.
func NewCapper(tb testing.TB, cfg ingest.CapperConfig) (*ingest.Capper, *ingest.Metrics, *prometheus.Registry) {
	tb.Helper()
	if cfg.Salt == nil {
		cfg.Salt = Salt
	}
	m, reg := NewMetrics(tb)
	c, err := ingest.NewCapper(cfg, m)
	if err != nil {
		tb.Fatal(err)
	}
	return c, m, reg
}

// WaitCounter polls the counter name of reg (summed over its labels) until
// it reaches want or timeout passes; the caller checks the value.
func WaitCounter(tb testing.TB, reg prometheus.Gatherer, name string, want float64, timeout time.Duration) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for Counter(tb, reg, name, nil) < want && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
}

// StartWorker runs a worker until the test ends or stop is called; stop
// waits for Run to return.
func StartWorker(tb testing.TB, q ingest.Queue, s ingest.Store, cfg ingest.WorkerConfig, m *ingest.Metrics) (stop func()) {
	tb.Helper()
	w, err := ingest.NewWorker(q, s, cfg, m, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return run(tb, w.Run)
}

func run(tb testing.TB, f func(context.Context) error) func() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = f(ctx) }()
	var once sync.Once
	stop := func() { once.Do(func() { cancel(); <-done }) }
	tb.Cleanup(stop)
	return stop
}

// WaitCount polls the store until it holds want events (in the last 400
// days); it fails the test when the count stops growing for 30 seconds
// (slow machines and -race are fine, a stuck pipeline is not). It returns
// the final count.
func WaitCount(tb testing.TB, s ingest.Store, want int64) int64 {
	tb.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	var n, last int64
	var err error
	stall := time.Now()
	for time.Since(stall) < 30*time.Second {
		n, err = s.Count(ctx, now.AddDate(0, 0, -400), now.Add(24*time.Hour))
		if err == nil && n >= want {
			return n
		}
		if n > last {
			last, stall = n, time.Now()
		}
		time.Sleep(50 * time.Millisecond)
	}
	tb.Fatalf("the store holds %d events (err %v), want %d", n, err, want)
	return n
}

// fastWorker is a worker configuration for tests: small idle times and
// backoff so that faults are recovered from in well under a second.
func fastWorker(name string) ingest.WorkerConfig {
	return ingest.WorkerConfig{Consumer: name, Batch: 500, Block: 50 * time.Millisecond,
		MinIdle: 300 * time.Millisecond, ReclaimEvery: 100 * time.Millisecond,
		BackoffMin: 20 * time.Millisecond, BackoffMax: 200 * time.Millisecond}
}

// PipelineSuite runs the producer and workers over a queue and a store with
// faults: client junk, a killed consumer, a store outage, a poison event.
// outage may be nil when the backend cannot be taken down by the test.
func PipelineSuite(t *testing.T, newQueue NewQueue, newStore NewStore, outage NewOutage) {
	t.Run("capped events never grow the mapping", func(t *testing.T) { cappedEvents(t, newQueue, newStore) })
	t.Run("a consumer killed mid-batch loses and duplicates nothing", func(t *testing.T) { killedConsumer(t, newQueue, newStore) })
	t.Run("a poison event is dead-lettered and the rest flow on", func(t *testing.T) { poison(t, newQueue, newStore) })
	t.Run("personal data is masked in the log index", func(t *testing.T) { personalData(t, newQueue, newStore) })
	t.Run("events wait out a store outage", func(t *testing.T) {
		if outage == nil {
			t.Skip("this store cannot be taken down by the test")
		}
		storeOutage(t, newQueue, outage)
	})
}

// junkEvent builds search event i with random context: valid keys k00..k23
// (beyond MaxContextKeys are dropped), invalid keys, a nested object and
// oversized values. It adds what capping must count to want.
func junkEvent(rng *rand.Rand, i int, at time.Time, want map[[2]string]int) engine.SearchEvent {
	ctx := map[string]any{}
	valid := rng.Intn(24)
	for k := 0; k < valid; k++ {
		key := fmt.Sprintf("k%02d", k)
		switch rng.Intn(4) {
		case 0:
			ctx[key] = strings.Repeat("값", ingest.MaxContextValLen+1+rng.Intn(500))
			if k < ingest.MaxContextKeys {
				want[[2]string{"context", ingest.ReasonTruncated}]++
			}
		case 1:
			ctx[key] = float64(rng.Intn(1000))
		default:
			ctx[key] = fmt.Sprintf("v%d", rng.Intn(50))
		}
	}
	want[[2]string{"context", ingest.ReasonLimit}] += max(0, valid-ingest.MaxContextKeys)
	bad := rng.Intn(3)
	for k := 0; k < bad; k++ {
		ctx[[]string{"Upper", "has-dash", "9digit", strings.Repeat("x", 40)}[rng.Intn(4)]+fmt.Sprint(k)] = "x"
	}
	want[[2]string{"context", ingest.ReasonKeyInvalid}] += bad
	if rng.Intn(5) == 0 {
		ctx["obj"] = map[string]any{"field_" + fmt.Sprint(i): 1}
		want[[2]string{"context", ingest.ReasonValueNotScalar}]++
	}
	q := fmt.Sprintf("검색어 %d", rng.Intn(100))
	if rng.Intn(10) == 0 {
		q = strings.Repeat("긴", ingest.MaxQueryTextLen+rng.Intn(100)+1)
		want[[2]string{"query", ingest.ReasonTruncated}]++
	}
	return engine.SearchEvent{
		ID: fmt.Sprintf("junk-%06d", i), Time: at, Query: q, Normalized: q, Total: int64(rng.Intn(3)),
		Page: 1, Size: 10, Sort: "relevance", Match: "all", SessionID: fmt.Sprint("s", rng.Intn(100)),
		ClientIP: "198.51.100.7", UserAgent: "Mozilla/5.0 Chrome/126.0", Context: ctx,
		Filters: map[string][]string{"category": {"meetup"}},
	}
}

func cappedEvents(t *testing.T, newQueue NewQueue, newStore NewStore) {
	const n = 10_000
	ctx := context.Background()
	capper, m, reg := NewCapper(t, ingest.CapperConfig{})
	q, s := newQueue(t, 2*n), newStore(t)

	// A reference event with every field set fixes the field set.
	ref := capper.Cap(engine.SearchEvent{ID: "reference", Time: time.Now(), Query: "q", Normalized: "q",
		Canonical: "q", Corrected: "q", Total: 1, TookMillis: 1, Page: 1, Size: 1, Sort: "recent", Match: "all",
		SessionID: "s", UserID: "u", ClientIP: "::1", UserAgent: "x", Context: map[string]any{"a": "b"},
		Filters: map[string][]string{"tag": {"t"}}})
	mustWrite(t, s, []ingest.LogEvent{ref})
	lister, _ := s.(FieldLister)
	var before []string
	if lister != nil {
		var err error
		if before, err = lister.MappedFields(ctx); err != nil {
			t.Fatal(err)
		}
	}
	p := ingest.NewProducer(capper, q, ingest.ProducerConfig{Buffer: 2 * n}, m, nil)
	run(t, p.Run)
	StartWorker(t, q, s, fastWorker("w1"), m)

	rng := rand.New(rand.NewSource(4))
	want := map[[2]string]int{}
	at := time.Now().Add(-time.Minute)
	for i := 0; i < n; i++ {
		p.Publish(ctx, junkEvent(rng, i, at, want))
	}
	WaitCount(t, s, n+1)

	if d := Counter(t, reg, "searchd_ingest_dropped_total", nil); d != 0 {
		t.Fatalf("%v events dropped", d)
	}
	if dl, _ := q.DeadLetters(ctx, 10); len(dl) != 0 {
		t.Fatalf("mapping errors: %v", dl)
	}
	for k, v := range want {
		if got := Counter(t, reg, "searchd_ingest_capped_total", map[string]string{"field": k[0], "reason": k[1]}); got != float64(v) {
			t.Errorf("capped{field=%s,reason=%s} = %v, want %d", k[0], k[1], got, v)
		}
	}
	if lister != nil {
		after, err := lister.MappedFields(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(after, before) {
			t.Fatalf("the index's fields changed:\nbefore %v\nafter  %v", before, after)
		}
		t.Logf("%d fields before and after %d events", len(after), n)
	}
}

// crashingStore writes the first half of its first batch, then cancels the
// worker's context (the process dies between the write and XACK).
type crashingStore struct {
	ingest.Store
	cancel  context.CancelFunc
	crashed bool
}

func (c *crashingStore) BulkWrite(ctx context.Context, evs []ingest.LogEvent) ([]ingest.ItemResult, error) {
	if c.crashed {
		return c.Store.BulkWrite(ctx, evs)
	}
	c.crashed = true
	if _, err := c.Store.BulkWrite(ctx, evs[:len(evs)/2]); err != nil {
		return nil, err
	}
	c.cancel()
	return nil, context.Canceled
}

func killedConsumer(t *testing.T, newQueue NewQueue, newStore NewStore) {
	const n = 2000
	ctx := context.Background()
	m, reg := NewMetrics(t)
	q, s := newQueue(t, 2*n), newStore(t)
	if got, err := q.Enqueue(ctx, Events("crash", n, time.Now().Add(-time.Minute))); got != n || err != nil {
		t.Fatalf("Enqueue = %d, %v", got, err)
	}

	wctx, cancel := context.WithCancel(ctx)
	w, err := ingest.NewWorker(q, &crashingStore{Store: s, cancel: cancel}, fastWorker("doomed"), m, nil)
	if err != nil {
		t.Fatal(err)
	}
	_ = w.Run(wctx) // returns once the store "crashed" it
	if half := int64(fastWorker("").Batch / 2); WaitCount(t, s, half) != half {
		t.Fatalf("after the crash the store holds more than the half batch written")
	}
	if d := Counter(t, reg, "searchd_ingest_delivered_total", nil); d != 0 {
		t.Fatalf("the crashed worker acknowledged %v events", d)
	}

	StartWorker(t, q, s, fastWorker("survivor"), m)
	WaitCount(t, s, n)
	WaitCounter(t, reg, "searchd_ingest_delivered_total", n, time.Minute)
	if d := Counter(t, reg, "searchd_ingest_delivered_total", nil); d != n {
		t.Fatalf("delivered %v, want %d", d, n)
	}
	if r := Counter(t, reg, "searchd_ingest_reclaimed_total", nil); r != float64(fastWorker("").Batch) {
		t.Fatalf("reclaimed %v, want the crashed batch of %d", r, fastWorker("").Batch)
	}
	now := time.Now().UTC()
	if got, _ := s.Count(ctx, now.AddDate(0, 0, -1), now.Add(time.Hour)); got != n {
		t.Fatalf("the store holds %d events, want each of %d exactly once", got, n)
	}
}

func poison(t *testing.T, newQueue NewQueue, newStore NewStore) {
	ctx := context.Background()
	m, reg := NewMetrics(t)
	q, s := newQueue(t, 1000), newStore(t)
	at := time.Now().Add(-time.Minute)
	evs := Events("flow", 100, at)
	evs = append(evs[:50], append([]ingest.LogEvent{Poison("poison-1", at)}, evs[50:]...)...)
	q.Enqueue(ctx, evs)
	StartWorker(t, q, s, fastWorker("w1"), m)
	WaitCount(t, s, 100)
	deadline := time.Now().Add(time.Minute)
	var dl []ingest.DeadLetter
	for len(dl) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		dl, _ = q.DeadLetters(ctx, 10)
	}
	if len(dl) != 1 || dl[0].EventID != "poison-1" || dl[0].Class != ingest.DeadRejected || dl[0].Reason == "" {
		t.Fatalf("dead letters %+v", dl)
	}
	t.Logf("dead letter reason: %s", dl[0].Reason)
	if c := Counter(t, reg, "searchd_ingest_dead_letters_total", map[string]string{"class": ingest.DeadRejected}); c != 1 {
		t.Fatalf("dead letters counted %v", c)
	}
	if d := Counter(t, reg, "searchd_ingest_delivered_total", nil); d != 100 {
		t.Fatalf("delivered %v, want 100", d)
	}
}

func storeOutage(t *testing.T, newQueue NewQueue, outage NewOutage) {
	const n = 1000
	ctx := context.Background()
	capper, m, reg := NewCapper(t, ingest.CapperConfig{})
	s, down, up := outage(t)
	q := newQueue(t, 2*n)
	down()
	p := ingest.NewProducer(capper, q, ingest.ProducerConfig{}, m, nil)
	run(t, p.Run)
	StartWorker(t, q, s, fastWorker("w1"), m)
	for i := 0; i < n; i++ {
		p.Publish(ctx, engine.SearchEvent{ID: fmt.Sprintf("outage-%05d", i), Time: time.Now(), Query: "q"})
	}
	WaitCounter(t, reg, "searchd_ingest_store_errors_total", 3, time.Minute)
	if Counter(t, reg, "searchd_ingest_delivered_total", nil) != 0 {
		t.Fatal("events delivered while the store was down")
	}
	up()
	WaitCount(t, s, n)
	WaitCounter(t, reg, "searchd_ingest_delivered_total", n, time.Minute)
	if d := Counter(t, reg, "searchd_ingest_delivered_total", nil); d != n {
		t.Fatalf("delivered %v, want %d", d, n)
	}
	if dl, _ := q.DeadLetters(ctx, 10); len(dl) != 0 {
		t.Fatalf("dead letters after an outage: %v", dl)
	}
	t.Logf("%v failed bulk writes during the outage", Counter(t, reg, "searchd_ingest_store_errors_total", nil))
}

// SearchEvent returns a plausible search event number i.
func SearchEvent(i int) engine.SearchEvent {
	q := fmt.Sprintf("검색어 %d", i%100)
	return engine.SearchEvent{ID: fmt.Sprintf("se-%08d", i), Time: time.Now(), Query: q, Normalized: q,
		Total: int64(i % 5), Page: 1, Size: 10, Sort: "relevance", Match: "all", SessionID: fmt.Sprint("s", i%1000),
		ClientIP: "198.51.100.7", UserAgent: "Mozilla/5.0 Chrome/126.0", Context: map[string]any{"platform": "web"}}
}
