package elastic

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	es "github.com/olivere/elastic/v7"
	"go.uber.org/zap"

	"github.com/searchd/searchd/searchd/engine"
)

// writer feeds olivere's BulkProcessor from a bounded queue and reports each
// document's bulk item result back to the request it came from.
//
// The queue is ours because BulkProcessor.Add blocks without a context:
// callers wait on the queue with their context instead. One feeder goroutine
// moves items into the processor; when it has handed over the last item of
// a request and nothing else is queued, it flushes, so a lone caller does
// not wait for the flush interval while concurrent callers still share
// bulk requests.
type writer struct {
	proc  *es.BulkProcessor
	queue chan queued
	stop  chan struct{}
	done  chan struct{}
	log   *zap.Logger

	closeOnce sync.Once
	closeErr  error
}

type queued struct {
	req  *tracked
	last bool // the last item of its request
}

// tracked is a bulk index request that knows whom to tell how it went.
type tracked struct {
	*es.BulkIndexRequest
	w *waiter
	i int
}

// waiter collects the results of one request's documents.
type waiter struct {
	mu      sync.Mutex
	results []engine.ItemResult
	pending int
	done    chan struct{}
}

func newWaiter(results []engine.ItemResult, pending int) *waiter {
	w := &waiter{results: results, pending: pending, done: make(chan struct{})}
	if pending == 0 {
		close(w.done)
	}
	return w
}

func (w *waiter) set(i int, r engine.ItemResult) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.results[i] = r
	w.pending--
	if w.pending == 0 {
		close(w.done)
	}
}

func newWriter(c *es.Client, o Options, log *zap.Logger) (*writer, error) {
	w := &writer{
		queue: make(chan queued, o.QueueSize),
		stop:  make(chan struct{}),
		done:  make(chan struct{}),
		log:   log,
	}
	// The processor commits with its own context: Close flushes it, so it
	// must outlive the engine's run loop. Per-request time is bounded by
	// the HTTP client's timeout.
	proc, err := c.BulkProcessor().
		Name("searchd-documents").
		Workers(o.BulkWorkers).
		BulkActions(o.BulkActions).
		BulkSize(o.BulkBytes).
		FlushInterval(o.FlushInterval).
		// Whole-request failures are retried a few times; item failures
		// are not (a retried item's result could no longer be matched to
		// its request), they are reported to the caller.
		Backoff(es.NewSimpleBackoff(200, 500, 1000, 2000)).
		RetryItemStatusCodes().
		After(w.after).
		Do(context.Background())
	if err != nil {
		return nil, err
	}
	w.proc = proc
	go w.feed()
	return w, nil
}

func (w *writer) feed() {
	defer close(w.done)
	for {
		select {
		case <-w.stop:
			return
		case q := <-w.queue:
			w.proc.Add(q.req)
			if q.last && len(w.queue) == 0 {
				if err := w.proc.Flush(); err != nil {
					w.log.Warn("bulk flush failed", zap.Error(err))
				}
			}
		}
	}
}

// after maps bulk item results back to their requests; res.Items are in
// the order of reqs.
func (w *writer) after(_ int64, reqs []es.BulkableRequest, res *es.BulkResponse, err error) {
	if err != nil {
		w.log.Warn("bulk request failed", zap.Int("docs", len(reqs)), zap.Error(err))
	}
	for i, r := range reqs {
		t, ok := r.(*tracked)
		if !ok {
			continue
		}
		id := t.w.results[t.i].ID
		switch {
		case err != nil || res == nil || i >= len(res.Items):
			t.w.set(t.i, failed(id, engine.Errorf(engine.EngineUnavailable, "the search engine (Elasticsearch) did not take the bulk request")))
		default:
			for _, item := range res.Items[i] {
				if item.Status >= 200 && item.Status < 300 {
					t.w.set(t.i, engine.ItemResult{ID: id, Status: item.Status})
				} else {
					t.w.set(t.i, itemError(id, item.Status, item.Error))
				}
				break
			}
		}
	}
}

// enqueue hands one request's documents to the processor; each request is
// an index action into its version's concrete index.
func (w *writer) enqueue(ctx context.Context, reqs []*tracked) error {
	for i, r := range reqs {
		select {
		case w.queue <- queued{req: r, last: i == len(reqs)-1}:
		case <-w.stop:
			return engine.Errorf(engine.EngineUnavailable, "the engine is closed")
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// writerCloseBudget bounds close while the cluster is unreachable.
const writerCloseBudget = 10 * time.Second

// close stops the feeder, fails what is still queued and flushes and stops
// the processor (which commits what it holds).
func (w *writer) close() error {
	w.closeOnce.Do(func() {
		close(w.stop)
		// olivere's processor waits for a live connection without end once
		// the cluster is unreachable (its workers block in
		// waitForActiveConnection, and Flush and Close with them): give up
		// after a budget rather than hang the shutdown. Callers waiting on
		// their documents end with their own contexts.
		timeout := time.NewTimer(writerCloseBudget)
		defer timeout.Stop()
		select {
		case <-w.done:
		case <-timeout.C:
			w.closeErr = fmt.Errorf("elastic: the bulk processor did not stop within %s (the cluster is unreachable); the documents it held are not confirmed", writerCloseBudget)
			return
		}
		for {
			select {
			case q := <-w.queue:
				q.req.w.set(q.req.i, failed(q.req.w.results[q.req.i].ID, engine.Errorf(engine.EngineUnavailable, "the engine closed before the document was sent")))
				continue
			default:
			}
			break
		}
		closed := make(chan error, 1)
		go func() { closed <- w.proc.Close() }()
		select {
		case err := <-closed:
			if err != nil {
				w.closeErr = errors.Join(errors.New("elastic: closing the bulk processor"), err)
			}
		case <-timeout.C:
			w.closeErr = fmt.Errorf("elastic: the bulk processor did not stop within %s (the cluster is unreachable); the documents it held are not confirmed", writerCloseBudget)
		}
	})
	return w.closeErr
}
