package ingest

import (
	"context"
	"errors"
	"time"

	"go.uber.org/zap"

	"github.com/searchd/searchd/searchd/engine"
)

// ProducerConfig sizes a Producer; zero values take the defaults.
type ProducerConfig struct {
	// Buffer is how many capped events wait in memory for the queue
	// (default 8192); when it is full, Publish drops and counts.
	Buffer int
	// Batch is the most events sent to the queue in one call (default 256).
	Batch int
	// EnqueueTimeout bounds one call to the queue (default 2s).
	EnqueueTimeout time.Duration
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
	if c.FlushTimeout <= 0 {
		c.FlushTimeout = 2 * time.Second
	}
}

// Producer is the engine.EventSink of the search path: Publish caps the
// event and puts it in a bounded in-memory buffer without blocking and
// without I/O; Run moves buffered events to the queue in batches. When the
// buffer is full or the queue fails, events are dropped and counted
// (searchd_ingest_dropped_total) — search never waits for logging.
type Producer struct {
	capper  *Capper
	queue   Queue
	cfg     ProducerConfig
	metrics *Metrics
	log     *zap.Logger
	buf     chan LogEvent
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

// Publish implements engine.EventSink. It never blocks.
func (p *Producer) Publish(_ context.Context, ev engine.SearchEvent) {
	le := p.capper.Cap(ev)
	p.metrics.add(p.metrics.published, 1)
	select {
	case p.buf <- le:
	default:
		p.metrics.drop(DropBufferFull, 1)
	}
}

// Run sends buffered events to the queue until ctx ends, then flushes what
// is buffered within FlushTimeout and returns nil.
func (p *Producer) Run(ctx context.Context) error {
	batch := make([]LogEvent, 0, p.cfg.Batch)
	for {
		select {
		case <-ctx.Done():
			p.flush(batch)
			return nil
		case ev := <-p.buf:
			batch = p.fill(append(batch[:0], ev))
			p.send(ctx, batch)
		}
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

func (p *Producer) flush(batch []LogEvent) {
	ctx, cancel := context.WithTimeout(context.Background(), p.cfg.FlushTimeout)
	defer cancel()
	for ctx.Err() == nil {
		batch = p.fill(batch[:0])
		if len(batch) == 0 {
			return
		}
		p.send(ctx, batch)
	}
	p.metrics.drop(DropQueueUnavailable, len(p.buf))
}

func (p *Producer) send(ctx context.Context, batch []LogEvent) {
	ctx, cancel := context.WithTimeout(ctx, p.cfg.EnqueueTimeout)
	defer cancel()
	n, err := p.queue.Enqueue(ctx, batch)
	p.metrics.add(p.metrics.enqueued, n)
	if err == nil {
		return
	}
	if errors.Is(err, ErrQueueFull) {
		p.metrics.drop(DropQueueFull, len(batch)-n)
		return
	}
	p.metrics.drop(DropQueueUnavailable, len(batch)-n)
	p.log.Warn("search-log queue unavailable; events dropped",
		zap.String("component", "ingest"), zap.Int("dropped", len(batch)-n), zap.Error(err))
}
