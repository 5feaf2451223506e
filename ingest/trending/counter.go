package trending

import (
	"cmp"
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/searchd/searchd/ingest/pii"
	"github.com/searchd/searchd/searchd/engine"
)

// Drop reasons (label values of searchd_trending_dropped_total).
const (
	dropQueueFull  = "queue_full"
	dropStoreError = "store_error"
	dropClosed     = "closed"
)

// CounterConfig configures a Counter.
type CounterConfig struct {
	// Salt keys the identity hash (HMAC-SHA256); at least MinSaltLen bytes
	// and the same on every instance, or dedup cannot work across them.
	Salt string
	// MaxRunes: longer keys are noise (default 30).
	MaxRunes int
	// ZeroResultRepeat: after this many zero-result searches of a keyword
	// in a row, further zero-result searches of it are noise (default 3).
	ZeroResultRepeat int
	// QueueSize bounds the in-process queue (default 8192).
	QueueSize int
	// BatchSize bounds one store write (default DefaultBatchSize).
	BatchSize int
	// Workers write batches concurrently (default 4), so Redis works on
	// one batch while the next is prepared.
	Workers int
	// CountInterval: counted hits are tallied per keyword and the tally is
	// written at least this often (default 1s), so a keyword searched a
	// thousand times in that interval costs one store update, not a
	// thousand. It delays what snapshots see by at most this much.
	CountInterval time.Duration
	// MaxTallyKeys writes the tally early once it holds this many keywords
	// (default 16384), bounding its memory; stores split a big tally into
	// several short calls.
	MaxTallyKeys int
	// Clock stamps events that carry no time (default SystemClock).
	Clock Clock
}

func (c CounterConfig) withDefaults() CounterConfig {
	c.MaxRunes = cmp.Or(c.MaxRunes, 30)
	c.ZeroResultRepeat = cmp.Or(c.ZeroResultRepeat, 3)
	c.QueueSize = cmp.Or(c.QueueSize, 8192)
	c.BatchSize = cmp.Or(c.BatchSize, DefaultBatchSize)
	c.Workers = cmp.Or(c.Workers, 4)
	c.CountInterval = cmp.Or(c.CountInterval, time.Second)
	c.MaxTallyKeys = cmp.Or(c.MaxTallyKeys, 16_384)
	if c.Clock == nil {
		c.Clock = SystemClock{}
	}
	return c
}

func (c CounterConfig) validate() error {
	switch {
	case len(c.Salt) < MinSaltLen:
		return engine.Errorf(engine.Invalid, "trending: the identity salt must be at least %d bytes", MinSaltLen)
	case c.MaxRunes < 1 || c.ZeroResultRepeat < 1 || c.QueueSize < 1 || c.BatchSize < 1 || c.BatchSize > 4096 || c.Workers < 1 || c.Workers > 64 ||
		c.CountInterval < time.Millisecond || c.MaxTallyKeys < 1:
		return engine.Errorf(engine.Invalid, "trending: counter limits must be positive (batch size at most 4096, at most 64 workers, count interval at least 1ms)")
	}
	return nil
}

// DefaultBatchSize is the default number of hits per dedup call.
const DefaultBatchSize = 256

// maxTallyHits writes the tally early once it holds this many hits.
const maxTallyHits = 131_072

// maxZeroTracked bounds the zero-result streak map; it is cleared when
// full (a streak restarts, which only delays the rule).
const maxZeroTracked = 100_000

// Counter is the trending engine.EventSink: Publish filters and queues;
// Run's workers dedup batches in the store (per hit: the decision must be
// shared by every instance at once) and tally the counted hits per
// keyword; the tally is written every CountInterval (or when it is big),
// one update per keyword.
type Counter struct {
	cfg   CounterConfig
	store Store
	m     *metrics
	log   *zap.Logger
	hash  *hasher
	ch    chan Hit
	flush []chan chan struct{} // one per worker

	stopped atomic.Bool
	mu      sync.Mutex
	zero    map[string]int // key → zero-result searches in a row

	tmu    sync.Mutex  // guards every scope's tallies
	global *scope      // the overall store
	cats   *categories // nil: no trending by category
	// writing is read-held while a tally taken from c.tally is written,
	// so Flush can wait for every write in flight.
	writing sync.RWMutex
}

var _ engine.EventSink = (*Counter)(nil)

func newCounter(cfg CounterConfig, store Store, maxCategories int, m *metrics, log *zap.Logger) (*Counter, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	newScope := func(st Store) *scope {
		return &scope{store: st, tallies: newTallier(st.Config(), cfg.MaxTallyKeys, maxTallyHits)}
	}
	c := &Counter{
		cfg: cfg, store: store, m: m, log: log, hash: newHasher(cfg.Salt),
		ch: make(chan Hit, cfg.QueueSize), flush: make([]chan chan struct{}, cfg.Workers),
		zero: map[string]int{}, global: newScope(store),
	}
	if cs, ok := store.(CategoryStore); ok && maxCategories > 0 {
		c.cats = &categories{cs: cs, max: maxCategories, newScope: newScope, log: log,
			tracked: map[string]*scope{}, untracked: map[string]bool{}}
	}
	for i := range c.flush {
		c.flush[i] = make(chan chan struct{})
	}
	return c, nil
}

// Publish implements engine.EventSink. It never blocks: a full queue drops
// the event (counted by reason).
func (c *Counter) Publish(_ context.Context, ev engine.SearchEvent) {
	c.m.published.Inc()
	h, reason := c.hit(ev)
	if reason != "" {
		c.m.excluded.WithLabelValues(reason).Inc()
		return
	}
	if c.stopped.Load() {
		c.m.dropped.WithLabelValues(dropClosed).Inc()
		return
	}
	select {
	case c.ch <- h:
	default:
		c.m.dropped.WithLabelValues(dropQueueFull).Inc()
	}
}

// hit turns an event into a Hit or names why it is noise.
func (c *Counter) hit(ev engine.SearchEvent) (Hit, string) {
	for _, q := range []string{ev.Query, ev.Canonical, ev.Normalized} {
		if k := pii.Detect(q); k != "" {
			return Hit{}, k.Reason()
		}
	}
	src := ev.Canonical
	if src == "" {
		src = ev.Query
	}
	key := Key(src)
	if r := Noise(key, c.cfg.MaxRunes); r != "" {
		return Hit{}, r
	}
	if r := c.zeroResults(key, ev.Total == 0); r != "" {
		return Hit{}, r
	}
	user := c.hash.identity(ev)
	if user == "" {
		return Hit{}, ReasonNoIdentity
	}
	surface := Surface(ev.Query)
	if surface == "" {
		surface = Surface(src)
	}
	now := c.cfg.Clock.Now()
	t := ev.Time
	if t.IsZero() || t.After(now.Add(5*time.Second)) {
		t = now
	}
	h := Hit{Key: key, Surface: surface, User: user, Time: t}
	if cs := ev.Filters["category"]; len(cs) > 0 && c.cats != nil {
		h.Category = CategoryKey(cs[0])
	}
	return h, ""
}

// zeroResults applies the zero-result streak rule.
func (c *Counter) zeroResults(key string, zero bool) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !zero {
		delete(c.zero, key)
		return ""
	}
	if len(c.zero) >= maxZeroTracked {
		clear(c.zero)
	}
	c.zero[key]++
	if c.zero[key] > c.cfg.ZeroResultRepeat {
		return ReasonZeroResults
	}
	return ""
}

// Run writes queued hits to the store in batches with Workers goroutines
// until ctx ends, then writes what is still queued (with a short budget)
// and returns nil.
func (c *Counter) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	for i := range c.cfg.Workers {
		wg.Go(func() { c.work(ctx, c.flush[i]) })
	}
	tick := time.NewTicker(c.cfg.CountInterval)
	defer tick.Stop()
	for ctx.Err() == nil {
		select {
		case <-tick.C:
			_ = c.countTally(ctx)
		case <-ctx.Done():
		}
	}
	c.stopped.Store(true)
	wg.Wait()
	drainCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	_ = c.countTally(drainCtx)
	return nil
}

func (c *Counter) work(ctx context.Context, flush chan chan struct{}) {
	batch := make([]Hit, 0, c.cfg.BatchSize)
	for {
		select {
		case <-ctx.Done():
			drainCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
			c.fill(drainCtx, batch)
			cancel()
			return
		case h := <-c.ch:
			batch = c.fill(ctx, append(batch, h))
		case done := <-flush:
			batch = c.fill(ctx, batch)
			close(done)
		}
	}
}

// fill takes queued hits without waiting and writes a batch whenever it is
// full; the last (partial) batch is written too, so hits never wait for
// more traffic. It returns the emptied buffer.
func (c *Counter) fill(ctx context.Context, batch []Hit) []Hit {
	for {
		select {
		case h := <-c.ch:
			batch = append(batch, h)
			if len(batch) == c.cfg.BatchSize {
				batch = c.write(ctx, batch)
			}
		default:
			return c.write(ctx, batch)
		}
	}
}

func (c *Counter) write(ctx context.Context, batch []Hit) []Hit {
	if len(batch) == 0 {
		return batch
	}
	c.writeScope(ctx, c.global, batch)
	if c.cats != nil {
		byScope := map[*scope][]Hit{}
		var order []*scope
		for _, h := range batch {
			if h.Category == "" {
				continue
			}
			sc := c.cats.scope(ctx, h.Category)
			if sc == nil {
				continue
			}
			if byScope[sc] == nil {
				order = append(order, sc)
			}
			byScope[sc] = append(byScope[sc], h)
		}
		for _, sc := range order {
			c.writeScope(ctx, sc, byScope[sc])
		}
	}
	return batch[:0]
}

// writeScope deduplicates hits in one scope's store and tallies the
// counted ones (the metrics of counted and deduplicated searches are the
// overall scope's).
func (c *Counter) writeScope(ctx context.Context, sc *scope, batch []Hit) {
	start := time.Now()
	ok, err := sc.store.Dedup(ctx, batch)
	c.m.batch.Observe(time.Since(start).Seconds())
	if err != nil {
		c.m.dropped.WithLabelValues(dropStoreError).Add(float64(len(batch)))
		c.log.Warn("trending: dedup of a batch failed", zap.Int("hits", len(batch)), zap.Error(err))
		return
	}
	c.writing.RLock()
	defer c.writing.RUnlock()
	c.tmu.Lock()
	n, full := sc.tallies.add(batch, ok)
	c.tmu.Unlock()
	if sc == c.global {
		c.m.counted.Add(float64(n))
		c.m.dupes.Add(float64(len(batch) - n))
	}
	for _, t := range full {
		_ = c.count(ctx, sc.store, t)
	}
}

// countTally writes the current tally of every scope.
func (c *Counter) countTally(ctx context.Context) error {
	scopes := []*scope{c.global}
	if c.cats != nil {
		scopes = append(scopes, c.cats.scopes()...)
	}
	c.writing.RLock()
	defer c.writing.RUnlock()
	c.tmu.Lock()
	ts := make([]*Tally, len(scopes))
	for i, sc := range scopes {
		ts[i] = sc.tallies.take()
	}
	c.tmu.Unlock()
	var errs []error
	for i, sc := range scopes {
		errs = append(errs, c.count(ctx, sc.store, ts[i]))
	}
	return errors.Join(errs...)
}

func (c *Counter) count(ctx context.Context, st Store, t *Tally) error {
	if t.Hits == 0 {
		return nil
	}
	start := time.Now()
	err := st.Count(ctx, t)
	c.m.tally.Observe(time.Since(start).Seconds())
	if err != nil {
		c.m.dropped.WithLabelValues(dropStoreError).Add(float64(t.Hits))
		c.log.Warn("trending: writing counts failed", zap.Int("hits", t.Hits), zap.Int("keywords", len(t.Keys)), zap.Error(err))
	}
	return err
}

// Flush waits until every hit published before it has been deduplicated
// and counted. It needs Run to be running.
func (c *Counter) Flush(ctx context.Context) error {
	for _, f := range c.flush {
		done := make(chan struct{})
		select {
		case f <- done:
		case <-ctx.Done():
			return ctx.Err()
		}
		select {
		case <-done:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	err := c.countTally(ctx)
	// Wait for tallies other goroutines took before this one.
	c.writing.Lock()
	c.writing.Unlock()
	return err
}
