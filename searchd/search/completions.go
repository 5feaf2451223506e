package search

import (
	"context"
	"sort"
	"strings"

	"github.com/searchd/searchd/analyzers/hangul"
	"github.com/searchd/searchd/searchd/engine"
)

// 초성 and mid-syllable queries (ㄱㄷ, 감ㄷ) fit many words; users mean the
// common ones. The service samples the documents the query matches, counts
// which words complete it there (감독 in so many, 기대 in so many) and asks
// the engine to rank documents with the most common completions first
// (Plan.Prefer), the same way for both engines.
const (
	// completionSample documents are read to count completions.
	completionSample = 50
	// maxPrefer completions are preferred, the most common most.
	maxPrefer = 3
	// boostPrefer is the most common completion's boost; the next ones get
	// a falling share of it.
	boostPrefer = 20
)

// rankByCompletions runs p once for the first completionSample matches,
// counts the completions in them and orders those matches so that
// documents with the most common completions come first (score order
// within each group), returning the page p asks for. ok is false when p
// has no 초성 or jamo prefix, is not sorted by relevance, or asks for a
// page past the sample; the caller then runs p as it is.
func (s *Service) rankByCompletions(ctx context.Context, a Analyzer, p engine.Plan) (engine.Result, bool, error) {
	if (p.Chosung == "" && p.JamoPrefix == "") || p.Sort != engine.SortRelevance || p.From+p.Size > completionSample {
		return engine.Result{}, false, nil
	}
	sample := p
	sample.From, sample.Size = 0, completionSample
	r, err := s.eng.Search(ctx, sample)
	if err != nil {
		return engine.Result{}, false, err
	}
	words, docWords := completionsOf(a, r.Hits, p)
	rank := func(i int) int {
		for k, w := range words {
			if docWords[i][w] {
				return k
			}
		}
		return len(words)
	}
	order := make([]int, len(r.Hits))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(x, y int) bool { return rank(order[x]) < rank(order[y]) })
	out := engine.Result{Total: r.Total, Facets: r.Facets, Hits: make([]engine.Hit, 0, p.Size)}
	for _, i := range order[min(p.From, len(order)):min(p.From+p.Size, len(order))] {
		out.Hits = append(out.Hits, r.Hits[i])
	}
	return out, true, nil
}

// preferCompletions returns p with Prefer set to its most common
// completions among a sample of its matches (for pages past the sample).
func (s *Service) preferCompletions(ctx context.Context, a Analyzer, p engine.Plan) (engine.Plan, error) {
	if p.Chosung == "" && p.JamoPrefix == "" {
		return p, nil
	}
	sample := p
	// Only the sample's hits are read: no facets.
	sample.From, sample.Size, sample.Sort, sample.Mode, sample.FacetSize = 0, completionSample, engine.SortRelevance, engine.MatchAll, 0
	r, err := s.eng.Search(ctx, sample)
	if err != nil {
		return p, err
	}
	words, _ := completionsOf(a, r.Hits, p)
	out := p
	out.Prefer = nil
	for i, w := range words {
		out.Prefer = append(out.Prefer, engine.PreferTerm{Jamo: hangul.Jamo(w), Boost: boostPrefer * float64(maxPrefer-i) / maxPrefer})
	}
	return out, nil
}

// completionsOf returns the maxPrefer words completing p that most of hits
// hold (most common first) and, per hit, the completions it holds.
func completionsOf(a Analyzer, hits []engine.Hit, p engine.Plan) ([]string, []map[string]bool) {
	counts := map[string]int{}
	docWords := make([]map[string]bool, len(hits))
	for i, h := range hits {
		seen := map[string]bool{}
		for _, text := range []string{h.Document.Title, h.Document.Body} {
			for _, t := range a.Query(text) {
				if !seen[t.Term] && completes(t.Term, p) {
					seen[t.Term] = true
					counts[t.Term]++
				}
			}
		}
		docWords[i] = seen
	}
	words := make([]string, 0, len(counts))
	for w := range counts {
		words = append(words, w)
	}
	sort.Slice(words, func(i, j int) bool {
		if counts[words[i]] != counts[words[j]] {
			return counts[words[i]] > counts[words[j]]
		}
		return words[i] < words[j]
	})
	return words[:min(len(words), maxPrefer)], docWords
}

// completes reports whether term is a word the plan's 초성 spell exactly
// or whose jamo spelling starts with its jamo prefix.
func completes(term string, p engine.Plan) bool {
	if p.Chosung != "" {
		return hangul.IsSyllable([]rune(term)[0]) && hangul.Chosung(term) == p.Chosung
	}
	return strings.HasPrefix(hangul.Jamo(term), p.JamoPrefix) && hangul.Jamo(term) != p.JamoPrefix
}
