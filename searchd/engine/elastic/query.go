package elastic

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	es "github.com/olivere/elastic/v7"

	"github.com/searchd/searchd/searchd/engine"
)

// topTerms bounds prefix expansions like the embedded engine: the most
// frequent matching terms only.
var topTerms = fmt.Sprintf("top_terms_%d", engine.MaxPrefixExpansions)

// termQuery matches one plan term in every form: exact, synonym, fuzzy. A
// word of several parts matches when all its parts do, or when the whole
// word is within its fuzziness of a document word.
func termQuery(t engine.PlanTerm) es.Query {
	if len(t.Parts) > 0 {
		all := es.NewBoolQuery()
		for _, p := range t.Parts {
			all.Must(termQuery(p))
		}
		return es.NewBoolQuery().Should(all, jamoQuery(t))
	}
	return es.NewBoolQuery().Should(
		es.NewTermQuery("title.exact", t.Text).Boost(engine.BoostExactTitle),
		es.NewTermQuery("body.exact", t.Text).Boost(engine.BoostExactBody),
		es.NewTermQuery("title", t.Text).Boost(engine.BoostSynonymTitle),
		es.NewTermQuery("body", t.Text).Boost(engine.BoostSynonymBody),
		jamoQuery(t),
	)
}

// jamoQuery matches a term's jamo spelling, fuzzily when allowed. Edits are
// plain Levenshtein edits (no transpositions), as the planner counts them.
func jamoQuery(t engine.PlanTerm) es.Query {
	if t.Fuzziness == 0 {
		return es.NewTermQuery("terms_jamo", t.Jamo).Boost(engine.BoostFuzzy)
	}
	return es.NewFuzzyQuery("terms_jamo", t.Jamo).Fuzziness(t.Fuzziness).PrefixLength(t.PrefixLength).
		Transpositions(false).MaxExpansions(engine.MaxFuzzyExpansions).Boost(engine.BoostFuzzy)
}

// buildQuery translates a plan; user text only ever reaches Elasticsearch
// as the analyzed terms of term, fuzzy and prefix queries.
func buildQuery(p engine.Plan) es.Query {
	var parts []es.Query
	for _, t := range p.Terms {
		parts = append(parts, termQuery(t))
	}
	if p.JamoPrefix != "" {
		parts = append(parts, es.NewPrefixQuery("terms_jamo", p.JamoPrefix).Rewrite(topTerms).Boost(engine.BoostPrefix))
	}
	if p.Chosung != "" {
		parts = append(parts, es.NewPrefixQuery("chosung", p.Chosung).Rewrite(topTerms).Boost(engine.BoostPrefix))
	}
	var text es.Query
	switch {
	case len(parts) == 0:
		text = es.NewMatchAllQuery()
	case p.Mode == engine.MatchAny:
		text = es.NewBoolQuery().Should(parts...).MinimumNumberShouldMatch(1)
	default:
		text = es.NewBoolQuery().Must(parts...)
	}
	var filters []es.Query
	if p.Filters.Category != "" {
		filters = append(filters, es.NewTermQuery("category", p.Filters.Category))
	}
	if p.Filters.Region != "" {
		filters = append(filters, regionQuery(p.Filters.Region))
	}
	for _, t := range p.Filters.Tags {
		filters = append(filters, es.NewTermQuery("tags", t))
	}
	if len(filters) == 0 {
		return text
	}
	return es.NewBoolQuery().Must(text).Filter(filters...)
}

// sortOrder: the primary keys are the embedded engine's; ties are broken
// by popularity and id here, which Elasticsearch does cheaply (the embedded
// engine sorts relevance by score alone, since a second key makes Bleve
// load it for every match).
func sortOrder(s engine.Sort) []es.Sorter {
	byScore := es.NewScoreSort().Desc()
	byID := es.NewFieldSort("id").Asc()
	switch s {
	case engine.SortRecent:
		return []es.Sorter{es.NewFieldSort("created_at").Desc(), byScore, byID}
	case engine.SortPopular:
		return []es.Sorter{es.NewFieldSort("popularity").Desc(), byScore, byID}
	}
	return []es.Sorter{byScore, es.NewFieldSort("popularity").Desc(), byID}
}

// Search implements engine.Engine.
func (e *Engine) Search(ctx context.Context, p engine.Plan) (engine.Result, error) {
	return e.searchIn(ctx, e.alias, p)
}

// SearchVersion implements engine.Engine.
func (e *Engine) SearchVersion(ctx context.Context, n int, p engine.Plan) (engine.Result, error) {
	return e.searchIn(ctx, e.indexName(n), p)
}

func (e *Engine) searchIn(ctx context.Context, index string, p engine.Plan) (engine.Result, error) {
	c, _, err := e.conn()
	if err != nil {
		return engine.Result{}, err
	}
	ctx, cancel := e.ctx(ctx)
	defer cancel()
	res, err := withFacets(c.Search(index), p.FacetSize).Query(buildQuery(p)).SortBy(sortOrder(p.Sort)...).
		From(p.From).Size(p.Size).TrackTotalHits(true).
		FetchSourceContext(es.NewFetchSourceContext(true).Include(documentFields...)).Do(ctx)
	if err != nil {
		return engine.Result{}, translateSearch(ctx, err)
	}
	out := engine.Result{Hits: make([]engine.Hit, 0, len(res.Hits.Hits)), Facets: facets(res, p.FacetSize)}
	if res.Hits.TotalHits != nil {
		out.Total = res.Hits.TotalHits.Value
	}
	for _, h := range res.Hits.Hits {
		d, err := decodeDocument(h)
		if err != nil {
			return engine.Result{}, err
		}
		hit := engine.Hit{ID: h.Id, Document: d}
		if h.Score != nil {
			hit.Score = *h.Score
		}
		out.Hits = append(out.Hits, hit)
	}
	return out, nil
}

// translateSearch explains the one 400 a valid plan can cause: a fuzzy or
// prefix term expanding to more clauses than the cluster allows.
func translateSearch(ctx context.Context, err error) error {
	err = translate(ctx, "search", err)
	if engine.ErrorCode(err) == engine.Invalid && containsAny(engine.ErrorMessage(err), "too_many_clauses", "maxClauseCount", "too many clauses") {
		return engine.Errorf(engine.Invalid, "the query matches too many spellings; type a longer word")
	}
	return err
}

// Suggest implements engine.Engine.
func (e *Engine) Suggest(ctx context.Context, p engine.SuggestPlan) ([]engine.SuggestHit, error) {
	c, _, err := e.conn()
	if err != nil {
		return nil, err
	}
	var parts []es.Query
	for _, jp := range p.JamoPrefixes {
		if jp != "" {
			parts = append(parts, es.NewPrefixQuery("suggest_jamo", jp).Rewrite(topTerms))
		}
	}
	if p.Chosung != "" {
		parts = append(parts, es.NewPrefixQuery("suggest_chosung", p.Chosung).Rewrite(topTerms))
	}
	if len(parts) == 0 {
		return nil, nil
	}
	ctx, cancel := e.ctx(ctx)
	defer cancel()
	res, err := c.Search(e.alias).Query(es.NewBoolQuery().Should(parts...)).
		SortBy(es.NewFieldSort("popularity").Desc(), es.NewFieldSort("id").Asc()).
		Size(p.Size).FetchSourceContext(es.NewFetchSourceContext(true).Include("suggest", "popularity")).Do(ctx)
	if err != nil {
		return nil, translateSearch(ctx, err)
	}
	out := make([]engine.SuggestHit, 0, len(res.Hits.Hits))
	for _, h := range res.Hits.Hits {
		var s struct {
			Suggest    []string `json:"suggest"`
			Popularity int64    `json:"popularity"`
		}
		if err := json.Unmarshal(h.Source, &s); err != nil {
			return nil, fmt.Errorf("elastic: hit %q: %w", h.Id, err)
		}
		out = append(out, engine.SuggestHit{Phrases: s.Suggest, Popularity: s.Popularity})
	}
	return out, nil
}

// SimilarTerms implements engine.Engine with the term suggester on
// terms_jamo: every indexed term within maxEdits (at most 2) jamo edits,
// any first letter, whatever the input's own frequency, most frequent
// first, with document counts.
func (e *Engine) SimilarTerms(ctx context.Context, jamo string, maxEdits, size int) ([]engine.TermCount, error) {
	c, _, err := e.conn()
	if err != nil {
		return nil, err
	}
	if jamo == "" || size <= 0 {
		return nil, nil
	}
	body := map[string]any{
		"size": 0,
		"suggest": map[string]any{
			"similar": map[string]any{
				"text": jamo,
				"term": map[string]any{
					"field":           "terms_jamo",
					"suggest_mode":    "always",
					"max_edits":       max(1, min(maxEdits, 2)),
					"prefix_length":   0,
					"min_word_length": 1,
					"sort":            "frequency",
					"size":            size,
					"max_inspections": 10,
					"accuracy":        0.1,
					"max_term_freq":   1e9, // absolute: never skip a frequent input
					"string_distance": "levenshtein",
				},
			},
		},
	}
	ctx, cancel := e.ctx(ctx)
	defer cancel()
	res, err := c.Search(e.alias).Source(body).Do(ctx)
	if err != nil {
		return nil, translateSearch(ctx, err)
	}
	var out []engine.TermCount
	for _, s := range res.Suggest["similar"] {
		for _, o := range s.Options {
			out = append(out, engine.TermCount{Term: o.Text, Count: uint64(o.Freq)})
		}
	}
	return engine.TopTerms(out, size), nil
}

// analyzeResponse is _analyze's answer, with nori's attributes in explain
// mode.
type analyzeResponse struct {
	Tokens []analyzeToken `json:"tokens"`
	Detail struct {
		Tokenizer struct {
			Tokens []analyzeToken `json:"tokens"`
		} `json:"tokenizer"`
		TokenFilters []struct {
			Tokens []analyzeToken `json:"tokens"`
		} `json:"tokenfilters"`
	} `json:"detail"`
}

type analyzeToken struct {
	Token          string  `json:"token"`
	StartOffset    int     `json:"start_offset"`
	EndOffset      int     `json:"end_offset"`
	Type           string  `json:"type"`
	Position       int     `json:"position"`
	PositionLength int     `json:"positionLength"`
	LeftPOS        *string `json:"leftPOS"`
	RightPOS       *string `json:"rightPOS"`
	POSType        *string `json:"posType"`
	Reading        *string `json:"reading"`
	Morphemes      *string `json:"morphemes"`
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// Analyze implements engine.Engine with _analyze on the live index; with
// Explain, the tokens and nori's attributes come from the last stage of
// the chain.
func (e *Engine) Analyze(ctx context.Context, req engine.AnalyzeRequest) ([]engine.Token, error) {
	c, _, err := e.conn()
	if err != nil {
		return nil, err
	}
	role, err := engine.AnalyzerRole(req.Analyzer)
	if err != nil {
		return nil, err
	}
	body := map[string]any{"analyzer": "korean_" + role, "text": req.Text}
	if req.Explain {
		body["explain"] = true
		body["attributes"] = []string{"leftPOS", "rightPOS", "posType", "reading", "morphemes"}
	}
	ctx, cancel := e.ctx(ctx)
	defer cancel()
	resp, err := c.PerformRequest(ctx, es.PerformRequestOptions{Method: http.MethodPost, Path: "/" + escape(e.alias) + "/_analyze", Body: body})
	if err != nil {
		return nil, translate(ctx, "analyze", err)
	}
	var ar analyzeResponse
	if err := json.Unmarshal(resp.Body, &ar); err != nil {
		return nil, fmt.Errorf("elastic: analyze response: %w", err)
	}
	toks := ar.Tokens
	if req.Explain {
		toks = ar.Detail.Tokenizer.Tokens
		if n := len(ar.Detail.TokenFilters); n > 0 {
			toks = ar.Detail.TokenFilters[n-1].Tokens
		}
	}
	out := make([]engine.Token, 0, len(toks))
	for _, t := range toks {
		tok := engine.Token{Token: t.Token, StartOffset: t.StartOffset, EndOffset: t.EndOffset, Type: t.Type, Position: t.Position}
		if t.PositionLength > 1 {
			tok.PositionLength = t.PositionLength
		}
		if req.Explain {
			tok.LeftPOS, tok.RightPOS, tok.POSType = deref(t.LeftPOS), deref(t.RightPOS), deref(t.POSType)
			tok.Reading, tok.Morphemes = deref(t.Reading), deref(t.Morphemes)
		}
		out = append(out, tok)
	}
	return out, nil
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
