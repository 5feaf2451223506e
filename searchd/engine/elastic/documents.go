package elastic

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	es "github.com/olivere/elastic/v7"

	"github.com/searchd/searchd/searchd/engine"
	"github.com/searchd/searchd/searchd/search"
)

func defaultWorkers() int { return runtime.GOMAXPROCS(0) }

// source is a document as indexed: its own fields and the fields searchd
// derived from it (the mapping's properties, nothing else).
type source struct {
	engine.Document
	engine.Derived
}

// documentFields are the _source fields that make up an engine.Document.
var documentFields = []string{"id", "title", "body", "tags", "category", "region", "author", "created_at", "popularity"}

func decodeDocument(h *es.SearchHit) (engine.Document, error) {
	var d engine.Document
	if err := json.Unmarshal(h.Source, &d); err != nil {
		return d, fmt.Errorf("elastic: document %q: %w", h.Id, err)
	}
	if d.ID == "" {
		d.ID = h.Id
	}
	return d, nil
}

// Index implements engine.Engine.
func (e *Engine) Index(ctx context.Context, d engine.Document, refresh bool) error {
	return engine.IndexOne(ctx, e, d, refresh)
}

// IndexBatch implements engine.Engine: documents are validated and derived
// with the live version's analyzer, written into that version's index
// through the bulk processor, and reported item by item. With refresh the
// index is refreshed before returning; otherwise writes become visible
// within the index's refresh interval (1s).
func (e *Engine) IndexBatch(ctx context.Context, docs []engine.Document, refresh bool) ([]engine.ItemResult, error) {
	c, v, fs, err := e.targets()
	if err != nil {
		return nil, err
	}
	at := make([]time.Time, len(docs))
	now := e.stamp()
	for i := range at {
		at[i] = now
	}
	res, err := e.write(ctx, v, docs, at)
	if err != nil {
		return nil, err
	}
	if err := e.writeFollowers(ctx, fs, docs, at, res); err != nil {
		// Live has the documents but a follower may not: the write is
		// not acknowledged (a retry is idempotent).
		return nil, err
	}
	if !refresh {
		return res, nil
	}
	rctx, cancel := e.ctx(ctx)
	defer cancel()
	if _, err := c.Refresh(v.index).Do(rctx); err != nil {
		return nil, translate(rctx, "refresh", err)
	}
	return res, nil
}

// write derives docs with v's analyzer (in parallel) and bulk-writes them
// into v's index, returning when every document has a result. at[i] is
// document i's update time and its external version (follow.go).
func (e *Engine) write(ctx context.Context, v *version, docs []engine.Document, at []time.Time) ([]engine.ItemResult, error) {
	e.mu.RLock()
	w := e.writer
	e.mu.RUnlock()
	if w == nil {
		return nil, engine.Errorf(engine.EngineUnavailable, "not connected to Elasticsearch")
	}
	results := make([]engine.ItemResult, len(docs))
	reqs := make([]*tracked, len(docs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(e.opts.AnalysisWorkers, len(docs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= len(docs) {
					return
				}
				results[i] = engine.ItemResult{ID: docs[i].ID}
				if err := engine.ValidateDocument(docs[i]); err != nil {
					results[i] = failed(docs[i].ID, err)
					continue
				}
				a := search.Derive(v.analyzer, docs[i], at[i])
				reqs[i] = &tracked{
					BulkIndexRequest: es.NewBulkIndexRequest().Index(v.index).Id(docs[i].ID).Doc(source{a.Doc, a.Derived}).
						VersionType("external_gte").Version(at[i].UnixNano()),
					i: i,
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	send := reqs[:0:0]
	for _, r := range reqs {
		if r != nil {
			send = append(send, r)
		}
	}
	wt := newWaiter(results, len(send))
	for _, r := range send {
		r.w = wt
	}
	if err := w.enqueue(ctx, send); err != nil {
		return nil, err
	}
	select {
	case <-wt.done:
		return results, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Get implements engine.Engine.
func (e *Engine) Get(ctx context.Context, id string) (engine.Document, error) {
	c, _, err := e.conn()
	if err != nil {
		return engine.Document{}, err
	}
	if id == "" {
		return engine.Document{}, engine.Errorf(engine.Invalid, "document id is required")
	}
	ctx, cancel := e.ctx(ctx)
	defer cancel()
	res, err := c.Get().Index(e.alias).Id(id).
		FetchSourceContext(es.NewFetchSourceContext(true).Include(documentFields...)).Do(ctx)
	if err != nil {
		if es.IsNotFound(err) {
			return engine.Document{}, engine.Errorf(engine.NotFound, "document %q does not exist", id)
		}
		return engine.Document{}, translate(ctx, "get", err)
	}
	if !res.Found {
		return engine.Document{}, engine.Errorf(engine.NotFound, "document %q does not exist", id)
	}
	var d engine.Document
	if err := json.Unmarshal(res.Source, &d); err != nil {
		return d, fmt.Errorf("elastic: document %q: %w", id, err)
	}
	return d, nil
}

// Delete implements engine.Engine. It deletes from the live version's
// index, where writes go.
func (e *Engine) Delete(ctx context.Context, id string, refresh bool) error {
	c, v, fs, err := e.targets()
	if err != nil {
		return err
	}
	if id == "" {
		return engine.Errorf(engine.Invalid, "document id is required")
	}
	ctx, cancel := e.ctx(ctx)
	defer cancel()
	at := e.stamp()
	if err := e.deleteIn(ctx, c, v.index, id, at, refresh); err != nil {
		if es.IsNotFound(err) {
			return engine.Errorf(engine.NotFound, "document %q does not exist", id)
		}
		if es.IsConflict(err) {
			return engine.Errorf(engine.Conflict, "document %q was written again meanwhile; the newer write stands", id)
		}
		return translate(ctx, "delete", err)
	}
	return e.deleteFollowers(ctx, c, fs, id, at, refresh)
}
