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

// preferCompletions returns p with Prefer set from a sample of its
// matches, or p unchanged when it has no 초성 or jamo prefix.
func (s *Service) preferCompletions(ctx context.Context, a Analyzer, p engine.Plan) (engine.Plan, error) {
	if p.Chosung == "" && p.JamoPrefix == "" {
		return p, nil
	}
	sample := p
	sample.From, sample.Size, sample.Sort, sample.Mode = 0, completionSample, engine.SortRelevance, engine.MatchAll
	r, err := s.eng.Search(ctx, sample)
	if err != nil {
		return p, err
	}
	counts := map[string]int{}
	for _, h := range r.Hits {
		seen := map[string]bool{}
		for _, text := range []string{h.Document.Title, h.Document.Body} {
			for _, t := range a.Query(text) {
				if !seen[t.Term] && completes(t.Term, p) {
					seen[t.Term] = true
					counts[t.Term]++
				}
			}
		}
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
	out := p
	out.Prefer = nil
	for i, w := range words[:min(len(words), maxPrefer)] {
		out.Prefer = append(out.Prefer, engine.PreferTerm{Jamo: hangul.Jamo(w), Boost: boostPrefer * float64(maxPrefer-i) / maxPrefer})
	}
	return out, nil
}

// completes reports whether term is a word the plan's 초성 spell exactly
// or whose jamo spelling starts with its jamo prefix.
func completes(term string, p engine.Plan) bool {
	if p.Chosung != "" {
		return hangul.IsSyllable([]rune(term)[0]) && hangul.Chosung(term) == p.Chosung
	}
	return strings.HasPrefix(hangul.Jamo(term), p.JamoPrefix) && hangul.Jamo(term) != p.JamoPrefix
}
