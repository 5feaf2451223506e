// Package search is the engine-neutral search service: it analyzes queries
// into plans (terms, jamo forms, fuzziness, 초성 and keyboard-layout
// alternatives), derives the Korean fields of documents, and orchestrates
// every engine the same way (AND first, OR fallback, corrections,
// suggestions, highlighting, autocomplete ranking, search events).
package search

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"go.uber.org/zap"
	"golang.org/x/text/unicode/norm"

	"github.com/searchd/searchd/analyzers"
	"github.com/searchd/searchd/analyzers/hangul"
	"github.com/searchd/searchd/searchd/engine"
)

// RequestMeta is who asked, as received at the edge (raw; ingest caps it).
type RequestMeta struct {
	RequestID string
	SessionID string
	UserID    string
	ClientIP  string
	UserAgent string
	Context   map[string]any
}

// Service is the search service shared by the API and tests.
type Service struct {
	eng  engine.Engine
	sink engine.EventSink
	log  *zap.Logger
	// analyses serves engines that are not a LiveAnalyzerSource.
	analyses *AnalyzerCache
	now      func() time.Time
}

// LiveAnalyzerSource is an engine that holds the analysis of its live
// index version (both engines do); the service uses it rather than
// building its own.
type LiveAnalyzerSource interface {
	LiveAnalyzer() (Analyzer, error)
}

// NewService wires a service over an engine. sink may be engine.NopSink{}.
func NewService(eng engine.Engine, sink engine.EventSink, log *zap.Logger) *Service {
	if sink == nil {
		sink = engine.NopSink{}
	}
	if log == nil {
		log = zap.NewNop()
	}
	return &Service{eng: eng, sink: sink, log: log, analyses: NewAnalyzerCache(), now: time.Now}
}

// Engine returns the engine behind the service (documents CRUD, stats).
func (s *Service) Engine() engine.Engine { return s.eng }

// Analyzer returns the analysis of the live index version: the engine's
// own when it is a LiveAnalyzerSource, else built from the live version's
// settings (once per distinct settings).
func (s *Service) Analyzer() (Analyzer, error) {
	if src, ok := s.eng.(LiveAnalyzerSource); ok {
		if a, err := src.LiveAnalyzer(); err == nil {
			return a, nil
		}
		// No live version to serve (not connected yet, or closed): analyze
		// as before, so a query that analyzes to nothing still answers
		// without the engine.
	}
	return s.analyses.Get(s.eng.Live().Analysis)
}

// Limits on autocomplete.
const (
	MaxAutocompleteLen  = 50
	MaxAutocompleteSize = 20
	defaultSuggestSize  = 10
	suggestFetch        = 50
	maxSimilarTerms     = 10
	maxCorrectionEdits  = 2
	// The keyboard-layout alternative is tried when the query as typed finds
	// fewer than keyboardCheckBelow documents, and replaces it when it finds
	// keyboardSwitchRatio times more.
	keyboardCheckBelow  = 10
	keyboardSwitchRatio = 10
	eventIDBytes        = 16 // search event ids: 16 random bytes, hex
)

// Validate checks a query against the limits and fills defaults.
func Validate(q *engine.Query) error {
	q.Text = normalizeQuery(q.Text)
	if n := utf8.RuneCountInString(q.Text); n > engine.MaxQueryLen {
		return engine.Errorf(engine.Invalid, "the query is %d characters long; at most %d are allowed", n, engine.MaxQueryLen)
	}
	if q.Page == 0 {
		q.Page = 1
	}
	if q.Size == 0 {
		q.Size = 10
	}
	switch {
	case q.Page < 1:
		return engine.Errorf(engine.Invalid, "page must be 1 or more")
	case q.Size < 1 || q.Size > engine.MaxPageSize:
		return engine.Errorf(engine.Invalid, "size must be between 1 and %d", engine.MaxPageSize)
	case q.Page > engine.MaxResultDepth || q.Page*q.Size > engine.MaxResultDepth: // the first: page*size must not overflow
		return engine.Errorf(engine.Invalid, "results deeper than %d are not available; narrow the search instead", engine.MaxResultDepth)
	}
	switch q.Sort {
	case "":
		q.Sort = engine.SortRelevance
	case engine.SortRelevance, engine.SortRecent, engine.SortPopular:
	default:
		return engine.Errorf(engine.Invalid, "sort must be relevance, recent or popular")
	}
	q.Filters.Category, q.Filters.Region = norm.NFC.String(q.Filters.Category), norm.NFC.String(q.Filters.Region)
	if len(q.Filters.Tags) > 0 {
		tags := make([]string, len(q.Filters.Tags)) // the caller's slice stays as it was
		for i, t := range q.Filters.Tags {
			tags[i] = norm.NFC.String(t)
		}
		q.Filters.Tags = tags
	}
	for _, v := range append([]string{q.Filters.Category, q.Filters.Region}, q.Filters.Tags...) {
		if utf8.RuneCountInString(v) > engine.MaxKeywordLen {
			return engine.Errorf(engine.Invalid, "filter values may be at most %d characters", engine.MaxKeywordLen)
		}
	}
	if len(q.Filters.Tags) > engine.MaxTags {
		return engine.Errorf(engine.Invalid, "at most %d tag filters are allowed", engine.MaxTags)
	}
	return nil
}

// Search validates and runs a user query and publishes a search event.
//
// Order of attempts: every term must match (AND); if that finds little and
// the query looks typed in the wrong keyboard layout, the converted query
// (when it finds far more); then any term (OR); then a "did you mean" correction built from indexed
// terms near each query term in jamo. The response says which happened.
func (s *Service) Search(ctx context.Context, q engine.Query, meta RequestMeta) (engine.SearchResponse, error) {
	start := s.now()
	if err := Validate(&q); err != nil {
		return engine.SearchResponse{}, err
	}
	a, err := s.Analyzer()
	if err != nil {
		return engine.SearchResponse{}, err
	}
	resp := engine.SearchResponse{Query: q.Text, Page: q.Page, Size: q.Size, Match: engine.MatchAll, Hits: []engine.Hit{}}
	plan, normalized, toks, spans := planTokens(a, q.Text)
	resp.Normalized = normalized
	base := engine.Plan{Filters: q.Filters, Sort: q.Sort, From: (q.Page - 1) * q.Size, Size: q.Size, FacetSize: engine.DefaultFacetSize}
	// asked is p with the request's filters, sort, page and facets.
	asked := func(p engine.Plan, mode engine.MatchMode) engine.Plan {
		p.Filters, p.Sort, p.From, p.Size, p.Mode, p.FacetSize = base.Filters, base.Sort, base.From, base.Size, mode, base.FacetSize
		return p
	}
	run := func(p engine.Plan, mode engine.MatchMode) (engine.Result, error) {
		return s.eng.Search(ctx, asked(p, mode))
	}

	var res engine.Result
	if q.Text != "" && plan.MatchesAll() {
		// The query analyzed to nothing (only particles or punctuation, or
		// a typo the analyzer read as such): browsing everything would
		// mislead, but its words may still be typos of indexed words.
		if plan = rawWordsPlan(q.Text); len(plan.Terms) == 0 {
			s.publish(ctx, q, &resp, start, meta, canonicalPlanned(a, q.Text, engine.Plan{}, toks))
			return resp, nil
		}
	}
	// Every word must match, a spaced pair also as the word it joins into.
	used := plan
	if spaced := joinSpaced(plan, queryBody(q.Text, plan), spans); len(spaced.Terms) != len(plan.Terms) {
		used = spaced
	}
	// 초성 and mid-syllable queries: the most common completions first,
	// from one sample of the matches when the page lies within it.
	ranked := false
	if q.Sort == engine.SortRelevance {
		if res, ranked, err = s.rankByCompletions(ctx, a, asked(used, engine.MatchAll)); err != nil {
			return resp, err
		}
		if !ranked {
			if used, err = s.preferCompletions(ctx, a, used); err != nil {
				return resp, err
			}
		}
	}
	if !ranked {
		if res, err = run(used, engine.MatchAll); err != nil {
			return resp, err
		}
	}
	// A query typed in the wrong keyboard layout usually still matches a
	// few documents by accident (dudghk: a stray Latin word); the converted
	// query (영화) wins when it finds many times more.
	if res.Total < keyboardCheckBelow && !q.AsTyped {
		if alt := keyboardAlternative(q.Text); alt != "" {
			altPlan, _ := planText(a, alt)
			if !altPlan.MatchesAll() {
				r, err := run(altPlan, engine.MatchAll)
				if err != nil {
					return resp, err
				}
				switch {
				case r.Total > 0 && (res.Total == 0 || r.Total >= keyboardSwitchRatio*res.Total):
					res, used, resp.Corrected = r, altPlan, alt
				case r.Total > 0:
					resp.Suggestions = append(resp.Suggestions, alt)
				}
			}
		}
	}
	if res.Total == 0 && len(plan.Terms)+boolInt(plan.JamoPrefix != "") > 1 {
		r, err := run(plan, engine.MatchAny)
		if err != nil {
			return resp, err
		}
		if r.Total > 0 {
			res, resp.Match = r, engine.MatchAny
		}
	}
	if res.Total == 0 && len(plan.Terms) > 0 && !q.AsTyped {
		r, cp, corrected, suggest, err := s.didYouMean(ctx, a, plan, normalized, run)
		if err != nil {
			return resp, err
		}
		switch {
		case corrected != "":
			res, used, resp.Corrected = r, cp, corrected
		case suggest != "":
			resp.Suggestions = append(resp.Suggestions, suggest)
		}
	}
	resp.Total, resp.Facets = res.Total, res.Facets
	if res.Hits != nil {
		resp.Hits = res.Hits
	}
	h := newHighlighter(a, used)
	for i := range resp.Hits {
		resp.Hits[i].Highlights = h.highlight(resp.Hits[i].Document)
	}
	s.publish(ctx, q, &resp, start, meta, canonicalPlanned(a, q.Text, plan, toks))
	return resp, nil
}

// publish records how long the search took and hands the search event to
// the sink; it never blocks. canonical is the query's CanonicalKeyword.
func (s *Service) publish(ctx context.Context, q engine.Query, resp *engine.SearchResponse, start time.Time, meta RequestMeta, canonical string) {
	took := s.now().Sub(start)
	resp.TookMillis = float64(took.Microseconds()) / 1000
	filters := map[string][]string{}
	if q.Filters.Category != "" {
		filters["category"] = []string{q.Filters.Category}
	}
	if q.Filters.Region != "" {
		filters["region"] = []string{q.Filters.Region}
	}
	if len(q.Filters.Tags) > 0 {
		filters["tag"] = q.Filters.Tags
	}
	s.sink.Publish(ctx, engine.SearchEvent{
		ID:         engine.RandomHex(eventIDBytes),
		Time:       start.UTC(),
		Query:      q.Text,
		Normalized: resp.Normalized,
		Canonical:  canonical,
		Total:      resp.Total,
		TookMillis: resp.TookMillis,
		Page:       q.Page,
		Size:       q.Size,
		Sort:       string(q.Sort),
		Filters:    filters,
		Match:      string(resp.Match),
		Corrected:  resp.Corrected,
		SessionID:  meta.SessionID,
		UserID:     meta.UserID,
		ClientIP:   meta.ClientIP,
		UserAgent:  meta.UserAgent,
		Context:    meta.Context,
	})
}

// CanonicalKeyword normalizes a query for counting (trending, analytics):
// NFC, case, spacing and analyzer normalization, then each synonym group
// mapped to its canonical member, so 삼전 and 삼성전자 — or 아이폰15 and
// 아이폰 15 — count as one keyword.
func CanonicalKeyword(a Analyzer, text string) string {
	text = normalizeQuery(text)
	if text == "" {
		return ""
	}
	if hangul.IsChosungQuery(text) {
		return hangul.Chosung(text)
	}
	return canonicalTokens(a, text, a.Query(text))
}

// canonicalPlanned is CanonicalKeyword(a, text) for normalized text that
// planTokens turned into p and toks, reusing that analysis: the tokens
// cover the whole text unless it ends in a jamo prefix, which is analyzed
// again in full.
func canonicalPlanned(a Analyzer, text string, p engine.Plan, toks []analyzers.Token) string {
	switch {
	case text == "":
		return ""
	case p.Chosung != "":
		return p.Chosung
	case p.JamoPrefix != "":
		return CanonicalKeyword(a, text)
	}
	return canonicalTokens(a, text, toks)
}

// canonicalTokens joins the terms of text's query tokens, longest synonym
// runs replaced by their canonical member; text lower-cased when there are
// no tokens.
func canonicalTokens(a Analyzer, text string, toks []analyzers.Token) string {
	terms := make([]string, 0, len(toks))
	for _, t := range toks {
		terms = append(terms, t.Term)
	}
	// Longest runs of terms that form a synonym group member are replaced by
	// the group's canonical member (삼성 전자 주가 → 삼성전자 주가).
	const maxRun = 8
	out := make([]string, 0, len(terms))
	for i := 0; i < len(terms); {
		n := 1
		word := terms[i]
		for j := min(len(terms), i+maxRun); j > i; j-- {
			if c, ok := a.Canonical(strings.Join(terms[i:j], " ")); ok {
				word, n = c, j-i
				break
			}
		}
		out = append(out, word)
		i += n
	}
	terms = out
	if len(terms) == 0 {
		return strings.ToLower(text)
	}
	return strings.Join(terms, " ")
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
