// Package blevelog is the embedded mode's search-log index: one Bleve v2
// index on local disk (the service passes <data dir>/search-logs) with the
// schema of mappings/search_logs.bleve.json. Analytics are terms facets over
// a timestamp range.
package blevelog

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/searchd/searchd/ingest"
	"github.com/searchd/searchd/mappings"
	"github.com/searchd/searchd/searchd/engine"
)

// Store implements ingest.Store on a Bleve index.
type Store struct {
	idx bleve.Index
	dir string
}

var _ ingest.Store = (*Store)(nil)

// Open opens the log index in dir, creating it with the log mapping when
// dir holds none. Each bulk write is persisted before it returns (and so
// before its events are acknowledged).
func Open(dir string) (*Store, error) {
	cfg := map[string]any{"unsafe_batch": false}
	if _, err := os.Stat(filepath.Join(dir, "index_meta.json")); err == nil {
		idx, err := bleve.OpenUsing(dir, cfg)
		if err != nil {
			return nil, fmt.Errorf("blevelog: open %s: %w", dir, err)
		}
		return &Store{idx: idx, dir: dir}, nil
	}
	m, err := mappings.SearchLogsBleve()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return nil, fmt.Errorf("blevelog: %w", err)
	}
	idx, err := bleve.NewUsing(dir, m, bleve.Config.DefaultIndexType, bleve.Config.DefaultKVStore, cfg)
	if err != nil {
		return nil, fmt.Errorf("blevelog: create %s: %w", dir, err)
	}
	return &Store{idx: idx, dir: dir}, nil
}

// Close implements ingest.Store.
func (s *Store) Close() error { return s.idx.Close() }

// doc is the document indexed for an event: the schema's fields, with the
// context as one stored, non-indexed JSON string.
func doc(ev ingest.LogEvent) map[string]any {
	d := map[string]any{
		"event_id": ev.ID, "timestamp": ev.Timestamp, "query": ev.Query, "query_key": ev.QueryKey,
		"normalized": ev.Normalized, "canonical": ev.Canonical, "total": float64(ev.Total),
		"took_ms": ev.TookMillis, "page": float64(ev.Page), "size": float64(ev.Size), "sort": ev.Sort,
		"zero_result": ev.ZeroResult, "match": ev.Match, "ua_family": ev.UAFamily,
	}
	for k, v := range map[string]string{"corrected": ev.Corrected, "session_hash": ev.SessionHash,
		"user_hash": ev.UserHash, "client_net": ev.ClientNet} {
		if v != "" {
			d[k] = v
		}
	}
	if len(ev.Filters) > 0 {
		d["filters"] = ev.Filters
	}
	if len(ev.Context) > 0 {
		b, _ := json.Marshal(ev.Context) // scalars only: cannot fail
		d["context"] = string(b)
		d["context_kv"] = ev.ContextKV
	}
	return d
}

// BulkWrite implements ingest.Store: events that do not fit the schema
// (ingest.Validate) are rejected, the rest written in one batch.
func (s *Store) BulkWrite(ctx context.Context, evs []ingest.LogEvent) ([]ingest.ItemResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res := make([]ingest.ItemResult, len(evs))
	b := s.idx.NewBatch()
	for i, ev := range evs {
		res[i].ID = ev.ID
		if err := ingest.Validate(ev); err != nil {
			res[i].Outcome, res[i].Reason = ingest.ItemRejected, "invalid event: "+err.Error()
			continue
		}
		if err := b.Index(ev.ID, doc(ev)); err != nil {
			res[i].Outcome, res[i].Reason = ingest.ItemRejected, err.Error()
		}
	}
	if err := s.idx.Batch(b); err != nil {
		return nil, unavailable(err)
	}
	return res, nil
}

func unavailable(err error) error {
	if errors.Is(err, bleve.ErrorIndexClosed) {
		return fmt.Errorf("blevelog: %w: %w", engine.Errorf(engine.Unavailable, "the log index is closed"), err)
	}
	return fmt.Errorf("blevelog: %w", err)
}

// rangeQuery matches events with from <= timestamp < to.
func rangeQuery(from, to time.Time) *query.DateRangeQuery {
	inc, exc := true, false
	q := bleve.NewDateRangeInclusiveQuery(from, to, &inc, &exc)
	q.SetField("timestamp")
	return q
}

// TopQueries implements ingest.Store.
func (s *Store) TopQueries(ctx context.Context, from, to time.Time, size int) ([]ingest.QueryCount, error) {
	return s.facet(ctx, rangeQuery(from, to), size)
}

// ZeroResultQueries implements ingest.Store.
func (s *Store) ZeroResultQueries(ctx context.Context, from, to time.Time, size int) ([]ingest.QueryCount, error) {
	zero := bleve.NewBoolFieldQuery(true)
	zero.SetField("zero_result")
	return s.facet(ctx, bleve.NewConjunctionQuery(rangeQuery(from, to), zero), size)
}

// facet counts query keys of the matching events. The empty key (a search
// without text) is left out; one term more than size is asked for to make up
// for it. Bleve returns the terms most frequent first, ties by term.
func (s *Store) facet(ctx context.Context, q query.Query, size int) ([]ingest.QueryCount, error) {
	req := bleve.NewSearchRequestOptions(q, 0, 0, false)
	req.AddFacet("q", bleve.NewFacetRequest("query_key", size+1))
	res, err := s.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, unavailable(err)
	}
	out := []ingest.QueryCount{}
	if f := res.Facets["q"]; f != nil && f.Terms != nil {
		for _, t := range f.Terms.Terms() {
			if t.Term != "" && len(out) < size {
				out = append(out, ingest.QueryCount{Query: t.Term, Count: int64(t.Count)})
			}
		}
	}
	return out, nil
}

// Count implements ingest.Store (Bleve writes are visible at once).
func (s *Store) Count(ctx context.Context, from, to time.Time) (int64, error) {
	req := bleve.NewSearchRequestOptions(rangeQuery(from, to), 0, 0, false)
	res, err := s.idx.SearchInContext(ctx, req)
	if err != nil {
		return 0, unavailable(err)
	}
	return int64(res.Total), nil
}

// DeleteOlderThan implements ingest.Store: events with timestamps before the
// start of now's day (UTC) minus days are deleted; it returns how many.
func (s *Store) DeleteOlderThan(ctx context.Context, now time.Time, days int) (int64, error) {
	cutoff, err := ingest.RetentionCutoff(now, days)
	if err != nil {
		return 0, err
	}
	var deleted int64
	for {
		req := bleve.NewSearchRequestOptions(rangeQuery(time.Unix(0, 0).UTC(), cutoff), 1000, 0, false)
		res, err := s.idx.SearchInContext(ctx, req)
		if err != nil {
			return deleted, unavailable(err)
		}
		if len(res.Hits) == 0 {
			return deleted, nil
		}
		b := s.idx.NewBatch()
		for _, h := range res.Hits {
			b.Delete(h.ID)
		}
		if err := s.idx.Batch(b); err != nil {
			return deleted, unavailable(err)
		}
		deleted += int64(len(res.Hits))
	}
}

// MappedFields lists the fields the index holds; with the explicit mapping
// it never grows past the schema, whatever clients send.
func (s *Store) MappedFields(context.Context) ([]string, error) {
	fs, err := s.idx.Fields()
	if err != nil {
		return nil, unavailable(err)
	}
	sort.Strings(fs)
	return fs, nil
}

// FieldContents returns what the index holds for field, stored values and
// indexed terms, over its first maxContents events (for tests that check
// what the log keeps in clear).
func (s *Store) FieldContents(ctx context.Context, field string) ([]string, error) {
	req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), maxContents, 0, false)
	req.Fields = []string{field}
	res, err := s.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, unavailable(err)
	}
	var out []string
	for _, h := range res.Hits {
		if v, ok := h.Fields[field].(string); ok {
			out = append(out, v)
		}
	}
	d, err := s.idx.FieldDict(field)
	if err != nil {
		return nil, unavailable(err)
	}
	defer d.Close()
	for {
		e, err := d.Next()
		if err != nil {
			return nil, unavailable(err)
		}
		if e == nil {
			return out, nil
		}
		out = append(out, e.Term)
	}
}

// maxContents bounds FieldContents.
const maxContents = 10_000
