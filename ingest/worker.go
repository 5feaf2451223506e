package ingest

import (
	"context"
	"fmt"
	"time"

	"go.uber.org/zap"
)

// WorkerConfig configures a Worker; zero values take the defaults.
type WorkerConfig struct {
	// Consumer names this worker in the queue's consumer group; unique per
	// worker (e.g. host-pid-n). Required.
	Consumer string
	// Batch is the most events read and bulk-written at once (default 500).
	Batch int
	// Block is how long one read waits for new events (default 1s).
	Block time.Duration
	// MinIdle is how long a message must have been pending on a consumer
	// before this worker takes it over (default 30s).
	MinIdle time.Duration
	// ReclaimEvery is how often the worker looks for such messages
	// (default MinIdle/2).
	ReclaimEvery time.Duration
	// BackoffMin and BackoffMax bound the exponential backoff between
	// retries while the store fails (defaults 100ms and 10s).
	BackoffMin, BackoffMax time.Duration
	// MaxItemAttempts is how often one event with a retryable per-item error
	// is tried before it is dead-lettered (default 8). Failures of a whole
	// bulk request (store down) are retried without limit.
	MaxItemAttempts int
}

func (c *WorkerConfig) defaults() {
	if c.Batch <= 0 {
		c.Batch = 500
	}
	if c.Block <= 0 {
		c.Block = time.Second
	}
	if c.MinIdle <= 0 {
		c.MinIdle = 30 * time.Second
	}
	if c.ReclaimEvery <= 0 {
		c.ReclaimEvery = c.MinIdle / 2
	}
	if c.BackoffMin <= 0 {
		c.BackoffMin = 100 * time.Millisecond
	}
	if c.BackoffMax <= 0 {
		c.BackoffMax = 10 * time.Second
	}
	if c.MaxItemAttempts <= 0 {
		c.MaxItemAttempts = 8
	}
}

// Worker moves events from a Queue into a Store: read a batch, bulk-write
// it, acknowledge what the store accepted, dead-letter what it rejected,
// retry the rest with backoff. It also reclaims messages left pending by
// consumers that stopped. The same code runs over the Redis Stream and the
// in-process queue.
type Worker struct {
	queue   Queue
	store   Store
	cfg     WorkerConfig
	metrics *Metrics
	log     *zap.Logger
	now     func() time.Time
}

// NewWorker returns a worker; start its Run loop.
func NewWorker(q Queue, s Store, cfg WorkerConfig, m *Metrics, log *zap.Logger) (*Worker, error) {
	if cfg.Consumer == "" {
		return nil, fmt.Errorf("ingest: worker needs a consumer name")
	}
	cfg.defaults()
	if log == nil {
		log = zap.NewNop()
	}
	log = log.With(zap.String("component", "ingest"), zap.String("consumer", cfg.Consumer))
	return &Worker{queue: q, store: s, cfg: cfg, metrics: m, log: log, now: time.Now}, nil
}

// Run delivers events until ctx ends and returns nil then. Messages it was
// writing when ctx ended stay pending and are reclaimed by another worker.
func (w *Worker) Run(ctx context.Context) error {
	var lastReclaim time.Time
	backoff := w.cfg.BackoffMin
	for ctx.Err() == nil {
		if w.now().Sub(lastReclaim) >= w.cfg.ReclaimEvery {
			lastReclaim = w.now()
			msgs, err := w.queue.Reclaim(ctx, w.cfg.Consumer, w.cfg.MinIdle, w.cfg.Batch)
			if err == nil && len(msgs) > 0 {
				w.metrics.add(w.metrics.reclaimed, len(msgs))
				w.log.Info("reclaimed pending search-log events", zap.Int("events", len(msgs)))
				w.process(ctx, msgs)
				if len(msgs) == w.cfg.Batch {
					lastReclaim = time.Time{} // there may be more
				}
				continue
			}
		}
		msgs, err := w.queue.Read(ctx, w.cfg.Consumer, w.cfg.Batch, w.cfg.Block)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			w.log.Warn("search-log queue read failed", zap.Error(err), zap.Duration("retry_in", backoff))
			backoff = w.sleep(ctx, backoff)
			continue
		}
		backoff = w.cfg.BackoffMin
		if len(msgs) > 0 {
			w.process(ctx, msgs)
		}
	}
	return nil
}

// process writes one batch until every message is acked or dead-lettered,
// or ctx ends.
func (w *Worker) process(ctx context.Context, msgs []Message) {
	var dead []DeadLetter
	todo := make([]Message, 0, len(msgs))
	for _, m := range msgs {
		if m.Err != nil {
			dead = append(dead, w.deadLetter(m, DeadUndecodable, m.Err.Error()))
			continue
		}
		todo = append(todo, m)
	}
	w.bury(ctx, dead)

	attempts := map[string]int{}
	backoff := w.cfg.BackoffMin
	evs := make([]LogEvent, 0, len(todo))
	for len(todo) > 0 && ctx.Err() == nil {
		evs = evs[:0]
		for _, m := range todo {
			evs = append(evs, m.Event)
		}
		res, err := w.store.BulkWrite(ctx, evs)
		if err == nil && len(res) != len(evs) {
			err = fmt.Errorf("store returned %d results for %d events", len(res), len(evs))
		}
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			w.metrics.add(w.metrics.storeErrors, 1)
			w.metrics.add(w.metrics.retries, 1)
			w.log.Warn("search-log store write failed; retrying", zap.Error(err),
				zap.Int("events", len(evs)), zap.Duration("retry_in", backoff))
			backoff = w.sleep(ctx, backoff)
			continue
		}
		var acks []string
		var retry []Message
		dead = dead[:0]
		for i, r := range res {
			m := todo[i]
			switch r.Outcome {
			case ItemOK:
				acks = append(acks, m.ID)
			case ItemRejected:
				dead = append(dead, w.deadLetter(m, DeadRejected, r.Reason))
			default:
				attempts[m.ID]++
				if attempts[m.ID] >= w.cfg.MaxItemAttempts {
					dead = append(dead, w.deadLetter(m, DeadRetriesSpent, r.Reason))
				} else {
					retry = append(retry, m)
				}
			}
		}
		if len(acks) > 0 {
			if err := w.queue.Ack(ctx, acks...); err != nil {
				// The events are in the store; they stay pending, are
				// reclaimed and rewritten under the same ids: no duplicate.
				w.log.Warn("search-log ack failed", zap.Error(err), zap.Int("events", len(acks)))
			} else {
				w.metrics.add(w.metrics.delivered, len(acks))
			}
		}
		w.bury(ctx, dead)
		todo = retry
		if len(retry) > 0 {
			w.metrics.add(w.metrics.retries, 1)
			backoff = w.sleep(ctx, backoff)
		}
	}
}

func (w *Worker) deadLetter(m Message, class, reason string) DeadLetter {
	d := DeadLetter{MessageID: m.ID, EventID: m.Event.ID, Class: class, Reason: reason,
		FailedAt: w.now().UTC(), Payload: string(m.Payload)}
	if d.Payload == "" {
		if b, err := EncodeEvent(m.Event); err == nil {
			d.Payload = string(b)
		}
	}
	return d
}

func (w *Worker) bury(ctx context.Context, dead []DeadLetter) {
	if len(dead) == 0 {
		return
	}
	if err := w.queue.DeadLetter(ctx, dead); err != nil {
		w.log.Warn("search-log dead-letter write failed; the events stay pending", zap.Error(err))
		return
	}
	for _, d := range dead {
		w.metrics.dead(d.Class, 1)
		w.log.Warn("search-log event dead-lettered", zap.String("event_id", d.EventID),
			zap.String("class", d.Class), zap.String("reason", d.Reason))
	}
}

// sleep waits backoff or until ctx ends and returns the next backoff:
// twice as long, at most BackoffMax.
func (w *Worker) sleep(ctx context.Context, backoff time.Duration) time.Duration {
	t := time.NewTimer(backoff)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
	return min(backoff*2, w.cfg.BackoffMax)
}
