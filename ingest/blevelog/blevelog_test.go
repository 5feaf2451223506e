package blevelog_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/searchd/searchd/ingest"
	"github.com/searchd/searchd/ingest/blevelog"
	"github.com/searchd/searchd/ingest/ingesttest"
)

var newStore = ingesttest.BleveStore

func TestStore(t *testing.T) { ingesttest.StoreSuite(t, newStore) }

// TestEmbeddedPipeline is embedded mode end to end: the durable file queue,
// the real workers, the Bleve log index.
func TestEmbeddedPipeline(t *testing.T) {
	ingesttest.PipelineSuite(t, ingesttest.FileQueue, newStore, newOutage)
}

// switchStore forwards to a Bleve store that the test closes and later
// reopens on the same directory: while it is closed every call fails as the
// closed index's does.
type switchStore struct {
	mu sync.RWMutex
	s  *blevelog.Store
}

func (w *switchStore) cur() *blevelog.Store {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return w.s
}

func (w *switchStore) BulkWrite(ctx context.Context, evs []ingest.LogEvent) ([]ingest.ItemResult, error) {
	return w.cur().BulkWrite(ctx, evs)
}

func (w *switchStore) TopQueries(ctx context.Context, from, to time.Time, n int) ([]ingest.QueryCount, error) {
	return w.cur().TopQueries(ctx, from, to, n)
}

func (w *switchStore) ZeroResultQueries(ctx context.Context, from, to time.Time, n int) ([]ingest.QueryCount, error) {
	return w.cur().ZeroResultQueries(ctx, from, to, n)
}

func (w *switchStore) Count(ctx context.Context, from, to time.Time) (int64, error) {
	return w.cur().Count(ctx, from, to)
}

func (w *switchStore) DeleteOlderThan(ctx context.Context, now time.Time, days int) (int64, error) {
	return w.cur().DeleteOlderThan(ctx, now, days)
}

func (w *switchStore) Close() error { return w.cur().Close() }

func newOutage(tb testing.TB) (ingest.Store, func(), func()) {
	dir := filepath.Join(tb.TempDir(), "search-logs")
	s, err := blevelog.Open(dir)
	if err != nil {
		tb.Fatal(err)
	}
	w := &switchStore{s: s}
	tb.Cleanup(func() { w.Close() })
	down := func() {
		if err := w.cur().Close(); err != nil {
			tb.Fatal(err)
		}
	}
	up := func() {
		s, err := blevelog.Open(dir)
		if err != nil {
			tb.Fatal(err)
		}
		w.mu.Lock()
		w.s = s
		w.mu.Unlock()
	}
	return w, down, up
}
