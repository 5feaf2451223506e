package ingest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/searchd/searchd/searchd/engine"
)

// ProducerConfig sizes a Producer; zero values take the defaults.
type ProducerConfig struct {
	// Buffer is how many capped events wait in memory for the queue
	// (default 8192). When it is full, Publish drops the oldest buffered
	// event and counts it (buffer_full).
	Buffer int
	// Batch is the most events sent to the queue in one call (default 256).
	Batch int
	// EnqueueTimeout bounds one call to the queue (default 2s).
	EnqueueTimeout time.Duration
	// RetryMin and RetryMax bound the exponential backoff between attempts
	// while the queue fails (defaults 50ms and 2s).
	RetryMin, RetryMax time.Duration
	// FlushTimeout bounds the final flush when Run's context ends (default 2s).
	FlushTimeout time.Duration
}

func (c *ProducerConfig) defaults() {
	if c.Buffer <= 0 {
		c.Buffer = 8192
	}
	if c.Batch <= 0 {
		c.Batch = 256
	}
	if c.EnqueueTimeout <= 0 {
		c.EnqueueTimeout = 2 * time.Second
	}
	if c.RetryMin <= 0 {
		c.RetryMin = 50 * time.Millisecond
	}
	if c.RetryMax <= 0 {
		c.RetryMax = 2 * time.Second
	}
	if c.FlushTimeout <= 0 {
		c.FlushTimeout = 2 * time.Second
	}
}

// Component states reported by Status.
const (
	StatusUp       = "up"       // the queue accepts events
	StatusDegraded = "degraded" // the queue fails; events wait in the buffer
)

// Producer is the engine.EventSink of the search path: Publish caps the
// event and puts it in a bounded in-memory buffer without blocking and
// without I/O; Run moves buffered events to the queue in batches. When the
// queue fails (Redis down, or a bounded queue full) Run keeps the events
// and retries with backoff until it accepts them; only a full buffer drops,
// the oldest event first, counted (searchd_ingest_dropped_total) — search
// never waits for logging. A Redis outage shorter than the buffer (8,192
// events by default) loses nothing.
type Producer struct {
	capper  *Capper
	queue   Queue
	cfg     ProducerConfig
	metrics *Metrics
	log     *zap.Logger
	buf     chan LogEvent

	held     atomic.Int64 // events Run holds outside buf (the batch in flight)
	mu       sync.Mutex
	failing  time.Time // when the current run of failed attempts began; zero when up
	failures int       // failed attempts since then
}

var _ engine.EventSink = (*Producer)(nil)

// NewProducer returns a producer; start its Run loop.
func NewProducer(c *Capper, q Queue, cfg ProducerConfig, m *Metrics, log *zap.Logger) *Producer {
	cfg.defaults()
	if log == nil {
		log = zap.NewNop()
	}
	return &Producer{capper: c, queue: q, cfg: cfg, metrics: m, log: log,
		buf: make(chan LogEvent, cfg.Buffer)}
}

// Publish implements engine.EventSink. It never blocks: when the buffer is
// full it drops the oldest buffered event to make room.
func (p *Producer) Publish(_ context.Context, ev engine.SearchEvent) {
	le := p.capper.Cap(ev)
	p.metrics.add(p.metrics.published, 1)
	for range 2 {
		select {
		case p.buf <- le:
			return
		default:
		}
		select {
		case <-p.buf:
			p.metrics.drop(DropBufferFull, 1)
		default:
		}
	}
	// Other publishers refilled the room twice over; this event goes.
	p.metrics.drop(DropBufferFull, 1)
}

// Buffered is the number of events waiting for the queue.
func (p *Producer) Buffered() int { return len(p.buf) + int(p.held.Load()) }

// Capacity is how many events the producer holds while the queue fails:
// the buffer plus the batch in flight.
func (p *Producer) Capacity() int { return p.cfg.Buffer + p.cfg.Batch }

// Status reports whether the queue accepts events: StatusUp, or
// StatusDegraded while Run retries a failing queue (the detail says since
// when and how much is buffered). It is meant for a status endpoint; the
// detail names no address.
func (p *Producer) Status() (state, detail string) {
	p.mu.Lock()
	since, failures := p.failing, p.failures
	p.mu.Unlock()
	buffered := p.Buffered()
	if since.IsZero() {
		return StatusUp, fmt.Sprintf("%d events buffered (room for %d)", buffered, p.Capacity())
	}
	return StatusDegraded, fmt.Sprintf("search-log queue unavailable since %s (%d failed attempts); %d events buffered (room for %d), retrying; the oldest are dropped when the buffer is full",
		since.UTC().Format(time.RFC3339), failures, buffered, p.Capacity())
}

// Run sends buffered events to the queue until ctx ends, retrying failures
// with backoff, then flushes what is buffered within FlushTimeout and
// returns nil.
func (p *Producer) Run(ctx context.Context) error {
	batch := make([]LogEvent, 0, p.cfg.Batch)
	backoff := p.cfg.RetryMin
	for {
		if len(batch) == 0 {
			select {
			case <-ctx.Done():
				p.flush(batch)
				return nil
			case ev := <-p.buf:
				batch = append(batch, ev)
			}
		}
		batch = p.fill(batch)
		p.held.Store(int64(len(batch)))
		rest, err := p.send(ctx, batch)
		batch = batch[:copy(batch, rest)]
		p.held.Store(int64(len(batch)))
		p.observe(err)
		if err == nil {
			backoff = p.cfg.RetryMin
			continue
		}
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			p.flush(batch)
			return nil
		case <-t.C:
		}
		backoff = min(2*backoff, p.cfg.RetryMax)
	}
}

// fill adds buffered events to batch without waiting.
func (p *Producer) fill(batch []LogEvent) []LogEvent {
	for len(batch) < p.cfg.Batch {
		select {
		case ev := <-p.buf:
			batch = append(batch, ev)
		default:
			return batch
		}
	}
	return batch
}

// flush sends batch and the buffer within FlushTimeout and counts what the
// queue did not take.
func (p *Producer) flush(batch []LogEvent) {
	ctx, cancel := context.WithTimeout(context.Background(), p.cfg.FlushTimeout)
	defer cancel()
	var err error
	for ctx.Err() == nil {
		batch = p.fill(batch)
		if len(batch) == 0 {
			p.held.Store(0)
			return
		}
		var rest []LogEvent
		rest, err = p.send(ctx, batch)
		batch = batch[:copy(batch, rest)]
		if err != nil {
			select {
			case <-ctx.Done():
			case <-time.After(p.cfg.RetryMin):
			}
		}
	}
	reason := DropQueueUnavailable
	if errors.Is(err, ErrQueueFull) {
		reason = DropQueueFull
	}
	n := len(batch) + len(p.buf)
	p.metrics.drop(reason, n)
	p.held.Store(0)
	p.log.Warn("search-log queue did not take the buffered events before shutdown; dropped",
		zap.String("component", "ingest"), zap.Int("dropped", n), zap.Error(err))
}

// send enqueues batch once and returns what the queue did not accept.
func (p *Producer) send(ctx context.Context, batch []LogEvent) ([]LogEvent, error) {
	ctx, cancel := context.WithTimeout(ctx, p.cfg.EnqueueTimeout)
	defer cancel()
	n, err := p.queue.Enqueue(ctx, batch)
	n = max(0, min(n, len(batch)))
	p.metrics.add(p.metrics.enqueued, n)
	if err == nil && n < len(batch) {
		err = fmt.Errorf("queue accepted %d of %d events", n, len(batch))
	}
	return batch[n:], err
}

// observe records the outcome of an attempt for Status, metrics and logs.
func (p *Producer) observe(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.metrics.setProducer(p.Buffered(), err != nil)
	switch {
	case err == nil && !p.failing.IsZero():
		p.log.Info("search-log queue available again; buffered events are being sent",
			zap.String("component", "ingest"), zap.Duration("outage", time.Since(p.failing)),
			zap.Int("failed_attempts", p.failures), zap.Int("buffered", p.Buffered()))
		p.failing, p.failures = time.Time{}, 0
	case err != nil:
		if p.failing.IsZero() {
			p.failing = time.Now()
			p.log.Warn("search-log queue unavailable; keeping events in the buffer and retrying",
				zap.String("component", "ingest"), zap.Int("buffered", p.Buffered()),
				zap.Int("buffer", p.cfg.Buffer), zap.Error(err))
		}
		p.failures++
	}
}
