package bleve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	blevesearch "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/searchd/searchd/analyzers"
	"github.com/searchd/searchd/mappings"
	"github.com/searchd/searchd/searchd/engine"
	"github.com/searchd/searchd/searchd/search"
)

func defaultWorkers() int { return runtime.GOMAXPROCS(0) }

// source is what the stored "source" field holds: the document as given
// and the derived fields (suggestions for autocomplete, the update time for
// catch-up copies).
type source struct {
	Doc       engine.Document `json:"doc"`
	Suggest   []string        `json:"suggest,omitempty"`
	UpdatedAt time.Time       `json:"updated_at"`
}

// build turns an analyzed document into a Bleve document, field by field
// as the mapping in mappings/ declares them.
func (e *Engine) build(a search.Analyzed) (*document.Document, error) {
	d := a.Doc
	src, err := json.Marshal(source{Doc: d, Suggest: a.Derived.Suggest, UpdatedAt: a.Derived.UpdatedAt})
	if err != nil {
		return nil, err
	}
	doc := document.NewDocument(d.ID)
	for _, f := range e.fields {
		opts := fieldOptions(f)
		var text analysis.Analyzer
		var value []byte
		switch f.Name {
		case "source":
			doc.AddField(document.NewTextFieldWithIndexingOptions(f.Name, nil, src, opts))
			continue
		case "title":
			text, value = preAnalyzed(a.TitleExact), []byte(d.Title)
		case "body":
			text, value = preAnalyzed(a.BodyExact), []byte(d.Body)
		case "title_syn":
			text, value = preAnalyzed(synonymsOnly(a.TitleIndex)), []byte(d.Title)
		case "body_syn":
			text, value = preAnalyzed(synonymsOnly(a.BodyIndex)), []byte(d.Body)
		case "tags_text":
			text = preAnalyzed(a.TagsIndex)
		case "tags":
			text = keywords(d.Tags)
		case "category":
			text = keywords(nonEmpty(d.Category))
		case "region":
			text = keywords(nonEmpty(d.Region))
		case "author":
			text = keywords(nonEmpty(d.Author))
		case "terms_jamo":
			text = keywords(a.Derived.TermsJamo)
		case "chosung":
			text = keywords(a.Derived.Chosung)
		case "suggest_jamo":
			text = keywords(a.Derived.SuggestJamo)
		case "suggest_chosung":
			text = keywords(a.Derived.SuggestChosung)
		case "created_at", "updated_at":
			t := d.CreatedAt
			if f.Name == "updated_at" {
				t = a.Derived.UpdatedAt
			}
			df, err := document.NewDateTimeFieldWithIndexingOptions(f.Name, nil, t, time.RFC3339, opts)
			if err != nil {
				return nil, engine.Errorf(engine.Invalid, "document %q: %s: %v", d.ID, f.Name, err)
			}
			doc.AddField(df)
			continue
		case "popularity":
			doc.AddField(document.NewNumericFieldWithIndexingOptions(f.Name, nil, float64(d.Popularity), opts))
			continue
		default:
			return nil, fmt.Errorf("bleve: the mapping has field %q the engine does not know", f.Name)
		}
		doc.AddField(document.NewTextFieldCustom(f.Name, nil, value, opts, text))
	}
	return doc, nil
}

// synonymsOnly keeps the tokens the synonym filter added. The title and
// body fields hold the words as written, title_syn and body_syn only what
// synonyms added: a common word's postings are then walked once per query
// (exact) instead of twice, and exact matches still outrank synonym ones.
func synonymsOnly(toks []analyzers.Token) []analyzers.Token {
	var out []analyzers.Token
	for _, t := range toks {
		if t.Type == analyzers.TypeSynonym {
			out = append(out, t)
		}
	}
	return out
}

func fieldOptions(f mappings.Field) index.FieldIndexingOptions {
	var o index.FieldIndexingOptions
	if f.Index {
		o |= index.IndexField
	}
	if f.Store {
		o |= index.StoreField
	}
	if f.DocValues {
		o |= index.DocValues
	}
	if f.TermVectors {
		o |= index.IncludeTermVectors
	}
	return o
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// Index implements engine.Engine. Writes are visible to the next search as
// soon as they return (Bleve's scorch applies a batch before returning),
// so refresh needs no extra work.
func (e *Engine) Index(ctx context.Context, d engine.Document, refresh bool) error {
	return engine.IndexOne(ctx, e, d, refresh)
}

// Sizes of the Bleve batches IndexBatch writes, and how many it keeps under
// way at once. Scorch applies a batch and waits for it to be persisted;
// several batches in flight overlap analysis, segment building and
// persistence (measured: 1,000 × 4 in flight indexes ~3× faster than one
// batch at a time; see BenchmarkIndexNSMC).
const (
	subBatchSize       = 1000
	subBatchesInFlight = 4
)

// IndexBatch implements engine.Engine: documents are validated, analyzed
// by a pool of workers and written in Bleve batches, several at once.
// Within one call the last valid write of an id wins.
// With followers, the documents live accepted are written to each follower
// (with the same update time) before the call returns; see follow.go.
func (e *Engine) IndexBatch(ctx context.Context, docs []engine.Document, _ bool) ([]engine.ItemResult, error) {
	e.wmu.RLock()
	defer e.wmu.RUnlock()
	v, fs, err := e.targets()
	if err != nil {
		return nil, err
	}
	if len(fs) == 0 {
		return e.indexChunked(ctx, v, docs, nil)
	}
	ids := make([]string, len(docs))
	for i, d := range docs {
		ids[i] = d.ID
	}
	defer e.ids.lock(ids)()
	at := make([]time.Time, len(docs))
	now := e.now()
	for i := range at {
		at[i] = now
	}
	results, err := e.indexChunked(ctx, v, docs, at)
	if err != nil {
		return nil, err
	}
	var okDocs []engine.Document
	var okIdx []int
	for i, r := range results {
		if r.Error == nil {
			okDocs, okIdx = append(okDocs, docs[i]), append(okIdx, i)
		}
	}
	okIDs := make([]string, len(okDocs))
	for i, d := range okDocs {
		okIDs[i] = d.ID
	}
	for _, f := range fs {
		e.touch(f.number, okIDs)
		res, err := e.indexChunked(ctx, f, okDocs, at[:len(okDocs)])
		if err != nil {
			// Live has the documents but a follower may not: the write is
			// not acknowledged (the caller retries; a retry is idempotent).
			return nil, fmt.Errorf("bleve: write to follower version %d: %w", f.number, err)
		}
		for j, r := range res {
			if r.Error != nil {
				results[okIdx[j]] = r
			}
		}
	}
	return results, nil
}

// indexChunked writes docs into v; at, when set, is each document's update
// time (copies keep the source's), else the time of the call.
func (e *Engine) indexChunked(ctx context.Context, v *version, docs []engine.Document, at []time.Time) ([]engine.ItemResult, error) {
	if at == nil {
		now := e.now()
		at = make([]time.Time, len(docs))
		for i := range at {
			at[i] = now
		}
	}
	// Invalid documents are answered at once. Of the valid writes of one id
	// only the last is indexed (as in _bulk, where it would overwrite the
	// earlier ones), so concurrent batches cannot reorder them; the earlier
	// writes report its outcome.
	results := make([]engine.ItemResult, len(docs))
	last := make(map[string]int, len(docs))
	for i, d := range docs {
		if err := engine.ValidateDocument(d); err != nil {
			results[i] = failed(d.ID, err)
			continue
		}
		last[d.ID] = i
	}
	keep := make([]int, 0, len(last))
	for i, d := range docs {
		if j, ok := last[d.ID]; ok && j == i {
			keep = append(keep, i)
		}
	}
	errs := make(chan error, (len(keep)+subBatchSize-1)/subBatchSize)
	sem := make(chan struct{}, subBatchesInFlight)
	var wg sync.WaitGroup
	for start := 0; start < len(keep); start += subBatchSize {
		idx := keep[start:min(start+subBatchSize, len(keep))]
		chunk := make([]engine.Document, len(idx))
		chunkAt := make([]time.Time, len(idx))
		for j, i := range idx {
			chunk[j], chunkAt[j] = docs[i], at[i]
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			res, err := e.indexInto(ctx, v, chunk, chunkAt)
			if err != nil {
				errs <- err
				return
			}
			for j, i := range idx {
				results[i] = res[j]
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}
	for i, d := range docs {
		if j, ok := last[d.ID]; ok && j != i && results[i].Error == nil {
			results[i] = results[j]
		}
	}
	return results, nil
}

// indexInto analyzes valid documents with distinct ids and writes them as
// one Bleve batch.
func (e *Engine) indexInto(ctx context.Context, v *version, docs []engine.Document, at []time.Time) ([]engine.ItemResult, error) {
	results, built, err := e.buildAll(ctx, v, docs, at)
	if err != nil {
		return nil, err
	}
	if err := writeBuilt(v, built); err != nil {
		return nil, err
	}
	return results, nil
}

// buildAll analyzes docs with v's analyzer in parallel into Bleve
// documents (nil where a document failed, with its result saying why).
func (e *Engine) buildAll(ctx context.Context, v *version, docs []engine.Document, at []time.Time) ([]engine.ItemResult, []*document.Document, error) {
	results := make([]engine.ItemResult, len(docs))
	built := make([]*document.Document, len(docs))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < e.workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = engine.ItemResult{ID: docs[i].ID, Status: 201}
				doc, err := e.build(search.Derive(v.analyzer, docs[i], at[i]))
				if err != nil {
					results[i] = failed(docs[i].ID, err)
					continue
				}
				built[i] = doc
			}
		}()
	}
	for i := range docs {
		select {
		case next <- i:
		case <-ctx.Done():
			close(next)
			wg.Wait()
			return nil, nil, ctx.Err()
		}
	}
	close(next)
	wg.Wait()
	return results, built, nil
}

// writeBuilt writes the non-nil documents into v as one Bleve batch.
func writeBuilt(v *version, built []*document.Document) error {
	b := v.idx.NewBatch()
	for _, d := range built {
		if d != nil {
			if err := b.IndexAdvanced(d); err != nil {
				return fmt.Errorf("bleve: batch: %w", err)
			}
		}
	}
	if b.Size() > 0 {
		if err := v.idx.Batch(b); err != nil {
			return engine.Errorf(engine.EngineUnavailable, "the index rejected the batch: %v", err)
		}
	}
	return nil
}

func failed(id string, err error) engine.ItemResult {
	code := engine.ErrorCode(err)
	status := 500
	if code == engine.Invalid {
		status = 400
	}
	return engine.ItemResult{ID: id, Status: status, Error: &engine.Error{Code: code, Message: engine.ErrorMessage(err)}}
}

// Get implements engine.Engine.
func (e *Engine) Get(_ context.Context, id string) (engine.Document, error) {
	v, err := e.live()
	if err != nil {
		return engine.Document{}, err
	}
	src, err := loadSource(v.idx, id)
	if err != nil {
		return engine.Document{}, err
	}
	return src.Doc, nil
}

var errNoSource = errors.New("no stored source")

// stored returns the stored document id, or NotFound.
func stored(idx blevesearch.Index, id string) (index.Document, error) {
	doc, err := idx.Document(id)
	if err != nil {
		return nil, fmt.Errorf("bleve: get %q: %w", id, err)
	}
	if doc == nil {
		return nil, engine.Errorf(engine.NotFound, "document %q does not exist", id)
	}
	return doc, nil
}

func loadSource(idx blevesearch.Index, id string) (source, error) {
	var src source
	doc, err := stored(idx, id)
	if err != nil {
		return src, err
	}
	var raw []byte
	doc.VisitFields(func(f index.Field) {
		if f.Name() == "source" {
			raw = f.Value()
		}
	})
	if raw == nil {
		return src, fmt.Errorf("bleve: document %q: %w", id, errNoSource)
	}
	if err := json.Unmarshal(raw, &src); err != nil {
		return src, fmt.Errorf("bleve: document %q: %w", id, err)
	}
	return src, nil
}

// Delete implements engine.Engine: from live, then from every follower.
func (e *Engine) Delete(ctx context.Context, id string, _ bool) error {
	e.wmu.RLock()
	defer e.wmu.RUnlock()
	v, fs, err := e.targets()
	if err != nil {
		return err
	}
	if len(fs) > 0 {
		defer e.ids.lock([]string{id})()
	}
	// Existence only: the stored source is not decoded.
	if _, err := stored(v.idx, id); err != nil {
		return err
	}
	if err := v.idx.Delete(id); err != nil {
		return fmt.Errorf("bleve: delete %q: %w", id, err)
	}
	for _, f := range fs {
		e.touch(f.number, []string{id})
		if err := f.idx.Delete(id); err != nil {
			return fmt.Errorf("bleve: delete %q from follower version %d: %w", id, f.number, err)
		}
	}
	return nil
}

// CopyVersion implements engine.Engine: every document of from (updated
// at or after since) is re-analyzed with to's settings and written to to.
// Pages are read in id order one after the other, and up to
// subBatchesInFlight of them are analyzed and written at once, as bulk
// indexing does (pages hold distinct ids, so their id locks never meet).
func (e *Engine) CopyVersion(ctx context.Context, from, to int, since time.Time) (int, error) {
	src, dst, err := e.copyPair(from, to)
	if err != nil {
		return 0, err
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	const page = 1000
	var copied atomic.Int64
	var wg sync.WaitGroup
	sem := make(chan struct{}, subBatchesInFlight)
	var after []string
	for ctx.Err() == nil {
		req := blevesearch.NewSearchRequestOptions(blevesearch.NewMatchAllQuery(), page, 0, false)
		if !since.IsZero() {
			q := blevesearch.NewDateRangeInclusiveQuery(since, time.Time{}, boolPtr(true), nil)
			q.SetField("updated_at")
			req.Query = q
		}
		req.Fields = []string{"source"}
		req.SortBy([]string{"_id"})
		if after != nil {
			req.SearchAfter = after
		}
		res, err := src.idx.SearchInContext(ctx, req)
		if err != nil {
			cancel(fmt.Errorf("bleve: copy from version %d: %w", from, err))
			break
		}
		if len(res.Hits) == 0 {
			break
		}
		docs := make([]engine.Document, 0, len(res.Hits))
		at := make([]time.Time, 0, len(res.Hits))
		for _, h := range res.Hits {
			s, err := hitSource(h.Fields)
			if err != nil {
				cancel(err)
				break
			}
			docs, at = append(docs, s.Doc), append(at, s.UpdatedAt)
		}
		after = []string{res.Hits[len(res.Hits)-1].ID}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			n, err := e.copyPage(ctx, dst, docs, at)
			if err != nil {
				cancel(err)
				return
			}
			copied.Add(int64(n))
			engine.ReportProgress(ctx, len(docs))
		}()
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return int(copied.Load()), err
	}
	return int(copied.Load()), nil
}

// copyPage analyzes one page of copied documents (distinct ids) and writes
// those no write has touched since dst started following (follow.go),
// under the page's id locks; it returns how many it wrote.
func (e *Engine) copyPage(ctx context.Context, dst *version, docs []engine.Document, at []time.Time) (int, error) {
	items, built, err := e.buildAll(ctx, dst, docs, at)
	if err != nil {
		return 0, err
	}
	for _, it := range items {
		if it.Error != nil {
			return 0, fmt.Errorf("bleve: copy %q: %s", it.ID, it.Error.Message)
		}
	}
	ids := make([]string, len(docs))
	for i, d := range docs {
		ids[i] = d.ID
	}
	defer e.ids.lock(slices.Clone(ids))()
	keep := e.untouched(dst.number, ids)
	if len(keep) < len(built) {
		kept := make([]*document.Document, 0, len(keep))
		for _, i := range keep {
			kept = append(kept, built[i])
		}
		built = kept
	}
	if err := writeBuilt(dst, built); err != nil {
		return 0, err
	}
	return len(built), nil
}

func boolPtr(b bool) *bool { return &b }

func hitSource(fields map[string]any) (source, error) {
	var s source
	raw, _ := fields["source"].(string)
	if raw == "" {
		return s, errNoSource
	}
	err := json.NewDecoder(strings.NewReader(raw)).Decode(&s)
	return s, err
}

// CopyDocuments implements engine.Engine.
func (e *Engine) CopyDocuments(ctx context.Context, from, to int, ids []string) (int, error) {
	src, dst, err := e.copyPair(from, to)
	if err != nil {
		return 0, err
	}
	const page = 1000
	copied := 0
	for start := 0; start < len(ids); start += page {
		var docs []engine.Document
		var at []time.Time
		seen := map[string]bool{}
		for _, id := range ids[start:min(start+page, len(ids))] {
			if seen[id] {
				continue
			}
			seen[id] = true
			s, err := loadSource(src.idx, id)
			if engine.ErrorCode(err) == engine.NotFound {
				continue
			}
			if err != nil {
				return copied, err
			}
			docs, at = append(docs, s.Doc), append(at, s.UpdatedAt)
		}
		n, err := e.copyPage(ctx, dst, docs, at)
		if err != nil {
			return copied, err
		}
		copied += n
	}
	return copied, nil
}

// copyPair returns the source and the target version of a copy.
func (e *Engine) copyPair(from, to int) (src, dst *version, err error) {
	if src, err = e.get(from); err != nil {
		return nil, nil, err
	}
	if dst, err = e.get(to); err != nil {
		return nil, nil, err
	}
	return src, dst, nil
}
