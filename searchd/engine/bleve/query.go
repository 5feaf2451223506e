package bleve

import (
	"context"
	"errors"
	"fmt"
	"slices"

	blevesearch "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/searchd/searchd/searchd/engine"
	"github.com/searchd/searchd/searchd/search"
)

// boostFilter keeps filter clauses from changing the order.
const boostFilter = 0.001

// termQuery matches one plan term in every form: exact, synonym, fuzzy.
// A word of several parts matches when all its parts do, or when the whole
// word is within its fuzziness of a document word.
func (x expander) termQuery(t engine.PlanTerm) (query.Query, error) {
	if len(t.Parts) > 0 {
		jamo, err := x.jamoQuery(t)
		if err != nil {
			return nil, err
		}
		parts := make([]query.Query, 0, len(t.Parts))
		for _, p := range t.Parts {
			q, err := x.termQuery(p)
			if err != nil {
				return nil, err
			}
			parts = append(parts, q)
		}
		return query.NewDisjunctionQuery([]query.Query{query.NewConjunctionQuery(parts), jamo}), nil
	}
	var clauses []query.Query
	for _, c := range exactFields {
		// A clause whose term the field lacks matches nothing, but Bleve
		// still opens and advances its reader in every segment (on an
		// unmerged full-corpus index that was p99 24 → 34 ms).
		n, err := x.docFreq(c.field, t.Text)
		if err != nil {
			return nil, err
		}
		if n > 0 {
			clauses = append(clauses, termQ(t.Text, c.field, c.boost))
		}
	}
	if t.Fuzziness > 0 {
		// The term's own jamo spelling is left out: every document holding
		// the term is matched above already, and walking a common word's
		// postings once more is most of a query's cost.
		q, err := x.fuzzy("terms_jamo", t.Jamo, t.Fuzziness, t.PrefixLength, engine.BoostFuzzy, t.Jamo)
		if err != nil {
			return nil, err
		}
		clauses = append(clauses, q)
	}
	return disjunctionOrNone(clauses), nil
}

// exactFields are where a query word matches as written or as a synonym.
var exactFields = []struct {
	field string
	boost float64
}{
	{"title", engine.BoostExactTitle},
	{"body", engine.BoostExactBody},
	{"title_syn", engine.BoostSynonymTitle},
	{"body_syn", engine.BoostSynonymBody},
	{"tags_text", engine.BoostSynonymBody},
}

// jamoQuery matches a whole word's jamo spelling, fuzzily when allowed.
func (x expander) jamoQuery(t engine.PlanTerm) (query.Query, error) {
	if t.Fuzziness == 0 {
		return termQ(t.Jamo, "terms_jamo", engine.BoostFuzzy), nil
	}
	return x.fuzzy("terms_jamo", t.Jamo, t.Fuzziness, t.PrefixLength, engine.BoostFuzzy, "")
}

func termQ(text, field string, boost float64) query.Query {
	q := query.NewTermQuery(text)
	q.SetField(field)
	q.SetBoost(boost)
	return q
}

// buildQuery translates a plan; user text only ever reaches Bleve as the
// analyzed terms of term queries.
func (x expander) buildQuery(p engine.Plan) (query.Query, error) {
	var parts []query.Query
	for _, t := range p.Terms {
		q, err := x.termQuery(t)
		if err != nil {
			return nil, err
		}
		parts = append(parts, q)
	}
	if p.JamoPrefix != "" {
		q, err := x.prefix("terms_jamo", p.JamoPrefix, engine.BoostPrefix)
		if err != nil {
			return nil, err
		}
		parts = append(parts, q)
	}
	if p.Chosung != "" {
		q, err := x.prefix("chosung", p.Chosung, engine.BoostPrefix)
		if err != nil {
			return nil, err
		}
		parts = append(parts, q)
	}
	var text query.Query
	switch {
	case len(parts) == 0:
		text = query.NewMatchAllQuery()
	case len(parts) == 1:
		// A conjunction or disjunction of one clause costs Bleve a copy of
		// every match: on a common word, a third of the query's time.
		text = parts[0]
	case p.Mode == engine.MatchAny:
		d := query.NewDisjunctionQuery(parts)
		d.SetMin(1)
		text = d
	default:
		text = query.NewConjunctionQuery(parts)
	}
	filters := []query.Query{text}
	if p.Filters.Category != "" {
		filters = append(filters, termQ(p.Filters.Category, "category", boostFilter))
	}
	if p.Filters.Region != "" {
		filters = append(filters, regionQ(p.Filters.Region))
	}
	for _, t := range p.Filters.Tags {
		filters = append(filters, termQ(t, "tags", boostFilter))
	}
	if len(filters) == 1 {
		return text, nil
	}
	return query.NewConjunctionQuery(filters), nil
}

// liveReader returns a snapshot reader of the live version's index; the
// caller closes it.
func (e *Engine) liveReader() (index.IndexReader, error) {
	v, err := e.live()
	if err != nil {
		return nil, err
	}
	adv, err := v.idx.Advanced()
	if err != nil {
		return nil, fmt.Errorf("bleve: %w", err)
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, fmt.Errorf("bleve: reader: %w", err)
	}
	return r, nil
}

// sortOrder: relevance sorts by score alone. Any further sort key makes
// Bleve load that key (and the external id, for _id) for every matching
// document, not just the top ones — two thirds of the time of a query for
// a common word on the full corpus. Ties keep index order.
func sortOrder(s engine.Sort) []string {
	switch s {
	case engine.SortRecent:
		return []string{"-created_at", "-_score"}
	case engine.SortPopular:
		return []string{"-popularity", "-_score"}
	}
	return []string{"-_score"}
}

// Search implements engine.Engine.
func (e *Engine) Search(ctx context.Context, p engine.Plan) (engine.Result, error) {
	v, err := e.live()
	if err != nil {
		return engine.Result{}, err
	}
	return e.searchIn(ctx, v, p)
}

// SearchVersion implements engine.Engine.
func (e *Engine) SearchVersion(ctx context.Context, n int, p engine.Plan) (engine.Result, error) {
	v, err := e.get(n)
	if err != nil {
		return engine.Result{}, err
	}
	return e.searchIn(ctx, v, p)
}

func (e *Engine) searchIn(ctx context.Context, v *version, p engine.Plan) (engine.Result, error) {
	q := expandedQuery(func(x expander) (query.Query, error) { return x.buildQuery(p) })
	req := blevesearch.NewSearchRequestOptions(q, p.Size, p.From, false)
	req.SortBy(sortOrder(p.Sort))
	req.Fields = []string{"source"}
	addFacets(req, p.FacetSize)
	res, err := v.idx.SearchInContext(ctx, req)
	if err != nil {
		return engine.Result{}, translate(ctx, err)
	}
	out := engine.Result{Total: int64(res.Total), Hits: make([]engine.Hit, 0, len(res.Hits)), Facets: facets(res, p.FacetSize)}
	for _, h := range res.Hits {
		s, err := hitSource(h.Fields)
		if err != nil {
			return engine.Result{}, fmt.Errorf("bleve: hit %q: %w", h.ID, err)
		}
		out.Hits = append(out.Hits, engine.Hit{ID: h.ID, Score: h.Score, Document: s.Doc})
	}
	return out, nil
}

// translate maps Bleve errors to searchd's codes.
func translate(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return fmt.Errorf("bleve: search: %w", err)
}

// Suggest implements engine.Engine.
func (e *Engine) Suggest(ctx context.Context, p engine.SuggestPlan) ([]engine.SuggestHit, error) {
	if p.Chosung == "" && !slices.ContainsFunc(p.JamoPrefixes, func(jp string) bool { return jp != "" }) {
		return nil, nil
	}
	v, err := e.live()
	if err != nil {
		return nil, err
	}
	q := expandedQuery(func(x expander) (query.Query, error) {
		var parts []query.Query
		for _, jp := range p.JamoPrefixes {
			if jp != "" {
				q, err := x.prefix("suggest_jamo", jp, 1)
				if err != nil {
					return nil, err
				}
				parts = append(parts, q)
			}
		}
		if p.Chosung != "" {
			q, err := x.prefix("suggest_chosung", p.Chosung, 1)
			if err != nil {
				return nil, err
			}
			parts = append(parts, q)
		}
		return query.NewDisjunctionQuery(parts), nil
	})
	req := blevesearch.NewSearchRequestOptions(q, p.Size, 0, false)
	req.SortBy([]string{"-popularity", "_id"})
	req.Fields = []string{"source"}
	res, err := v.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, translate(ctx, err)
	}
	out := make([]engine.SuggestHit, 0, len(res.Hits))
	for _, h := range res.Hits {
		s, err := hitSource(h.Fields)
		if err != nil {
			return nil, fmt.Errorf("bleve: hit %q: %w", h.ID, err)
		}
		out = append(out, engine.SuggestHit{Phrases: s.Suggest, Popularity: s.Doc.Popularity})
	}
	return out, nil
}

// SimilarTerms implements engine.Engine with Bleve's Levenshtein automaton
// over the terms_jamo dictionary, choosing candidates like fuzzy matching
// does (closest, then most frequent by their postings).
func (e *Engine) SimilarTerms(ctx context.Context, jamo string, maxEdits, size int) ([]engine.TermCount, error) {
	r, err := e.liveReader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	fr, ok := r.(index.IndexReaderFuzzy)
	if !ok {
		return nil, errors.New("bleve: the index reader has no fuzzy dictionary")
	}
	d, err := fr.FieldDictFuzzy("terms_jamo", jamo, min(maxEdits, 2), "")
	cands, err := expander{ctx, r}.collect(d, err, "terms_jamo", size, true)
	if err != nil {
		return nil, err
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	out := make([]engine.TermCount, 0, len(cands))
	for _, c := range cands {
		out = append(out, engine.TermCount{Term: c.term, Count: c.count})
	}
	return engine.TopTerms(out, size), nil
}

// Analyze implements engine.Engine with the live version's analysis.
func (e *Engine) Analyze(_ context.Context, req engine.AnalyzeRequest) ([]engine.Token, error) {
	v, err := e.live()
	if err != nil {
		return nil, err
	}
	return search.AnalyzeText(v.analyzer, req)
}
