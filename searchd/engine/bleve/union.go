package bleve

import (
	"context"
	"fmt"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// unionQuery matches documents holding any of a field's terms, every one
// with the same score (its boost): the rewrite of fuzzy and prefix
// expansions, like Elasticsearch's constant_score rewrite of prefix
// queries and top_terms_boost of fuzzy ones. Scoring each expansion as a
// term query cost a term scorer per posting plus a heap merge of up to 50
// posting lists; the union is one roaring-bitmap OR per segment, then a
// walk over its bits. On the full corpus that made the worst queries (a
// typo or 초성 prefix expanding to a word in a third of the documents)
// about twice as fast.
type unionQuery struct {
	field string
	terms []string
	boost float64
}

func newUnionQuery(field string, terms []string, boost float64) *unionQuery {
	return &unionQuery{field: field, terms: terms, boost: boost}
}

// Searcher implements query.Query.
func (q *unionQuery) Searcher(ctx context.Context, r index.IndexReader, _ mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	tfrs := make([]index.TermFieldReader, 0, len(q.terms))
	closeAll := func() {
		for _, t := range tfrs {
			_ = t.Close()
		}
	}
	for _, t := range q.terms {
		tfr, err := r.TermFieldReader(ctx, []byte(t), q.field, false, false, false)
		if err != nil {
			closeAll()
			return nil, fmt.Errorf("bleve: union of %s terms: %w", q.field, err)
		}
		if tfr.Count() == 0 {
			_ = tfr.Close()
			continue
		}
		tfrs = append(tfrs, tfr)
	}
	switch len(tfrs) {
	case 0:
		return searcher.NewMatchNoneSearcher(r)
	case 1:
		return newConstSearcher(tfrs[0], tfrs[0].Count(), q.boost, opts), nil
	}
	merged, err := unadornedOr(tfrs)
	if err != nil || merged == nil {
		closeAll()
		if err == nil {
			err = fmt.Errorf("the index cannot merge postings")
		}
		return nil, fmt.Errorf("bleve: union of %s terms: %w", q.field, err)
	}
	var count uint64
	for _, t := range tfrs {
		count += t.Count() // an upper bound, as Bleve's own estimates are
	}
	closeAll() // the merged reader holds its own bitmaps
	return newConstSearcher(merged, count, q.boost, opts), nil
}

// unadornedOr ORs the postings of tfrs with scorch's "unadorned
// disjunction" optimization (document numbers only, no frequencies).
func unadornedOr(tfrs []index.TermFieldReader) (index.TermFieldReader, error) {
	var octx index.OptimizableContext
	for _, t := range tfrs {
		o, ok := t.(index.Optimizable)
		if !ok {
			return nil, nil
		}
		var err error
		if octx, err = o.Optimize("disjunction:unadorned", octx); err != nil || octx == nil {
			return nil, err
		}
	}
	out, err := octx.Finish()
	if err != nil {
		return nil, err
	}
	tfr, _ := out.(index.TermFieldReader)
	return tfr, nil
}

// constSearcher walks a term field reader and scores every document with
// its weight (boost × query norm), as Bleve's constant scorer does.
type constSearcher struct {
	tfr    index.TermFieldReader
	count  uint64
	boost  float64
	weight float64
	score  bool
	tfd    index.TermFieldDoc
}

func newConstSearcher(tfr index.TermFieldReader, count uint64, boost float64, opts search.SearcherOptions) *constSearcher {
	return &constSearcher{tfr: tfr, count: count, boost: boost, weight: boost, score: opts.Score != "none"}
}

func (s *constSearcher) match(ctx *search.SearchContext, tfd *index.TermFieldDoc) *search.DocumentMatch {
	dm := ctx.DocumentMatchPool.Get()
	dm.IndexInternalID = append(dm.IndexInternalID[:0], tfd.ID...)
	if s.score {
		dm.Score = s.weight
	}
	return dm
}

func (s *constSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	tfd, err := s.tfr.Next(s.tfd.Reset())
	if err != nil || tfd == nil {
		return nil, err
	}
	return s.match(ctx, tfd), nil
}

func (s *constSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	tfd, err := s.tfr.Advance(id, s.tfd.Reset())
	if err != nil || tfd == nil {
		return nil, err
	}
	return s.match(ctx, tfd), nil
}

func (s *constSearcher) Close() error               { return s.tfr.Close() }
func (s *constSearcher) Weight() float64            { return s.boost * s.boost }
func (s *constSearcher) SetQueryNorm(qnorm float64) { s.weight = s.boost * qnorm }
func (s *constSearcher) Size() int                  { return 128 + s.tfr.Size() }
func (s *constSearcher) Count() uint64              { return s.count }
func (s *constSearcher) Min() int                   { return 0 }
func (s *constSearcher) DocumentMatchPoolSize() int { return 1 }

// SetBoost implements query.BoostableQuery.
func (q *unionQuery) SetBoost(b float64) { q.boost = b }

// Boost implements query.BoostableQuery.
func (q *unionQuery) Boost() float64 { return q.boost }

var (
	_ query.BoostableQuery = (*unionQuery)(nil)
	_ search.Searcher      = (*constSearcher)(nil)
)

// expandedQuery builds its query when Bleve asks for the searcher, with
// the reader and context of the search itself: fuzzy and prefix
// expansions are chosen on the snapshot the query runs on, one reader per
// search, and stop when the client goes away.
type expandedQuery func(x expander) (query.Query, error)

// Searcher implements query.Query.
func (f expandedQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	q, err := f(expander{ctx, r})
	if err != nil {
		return nil, err
	}
	return q.Searcher(ctx, r, m, opts)
}
