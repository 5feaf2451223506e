package conformance

import (
	"cmp"
	"context"
	"math"
	"os"
	"slices"
	"testing"

	"github.com/searchd/searchd/internal/judged"
	"github.com/searchd/searchd/internal/nsmc"
	"github.com/searchd/searchd/searchd/engine"
	"github.com/searchd/searchd/searchd/search"
)

// judgedDocs: the first reviews of the NSMC corpus the judged sample is
// generated from and searched in.
const (
	judgedDocs   = 2000
	judgedSample = 8 // every judgedSample-th word of the generated set
)

// checkJudgedSample runs a sample of the judged set (internal/judged, its
// fixed seed, generated from the same reviews) and checks what holds for
// every query whatever the ranking: a query in decomposed jamo (NFD) finds
// exactly what the composed word finds, and a word typed in the wrong
// keyboard layout that is corrected back to the word finds exactly that.
func checkJudgedSample(t *testing.T, open Opener) {
	path, ok := nsmc.Path()
	if !ok {
		if os.Getenv("CI") != "" || os.Getenv("SEARCHD_REQUIRE_ALL") != "" {
			t.Fatal("the NSMC corpus is required (set SEARCHD_NSMC or keep it at ../shared/data/nsmc/)")
		}
		t.Skip("NSMC corpus not found (set SEARCHD_NSMC)")
	}
	docs, err := nsmc.Documents(path, judgedDocs)
	if err != nil {
		t.Fatal(err)
	}
	eng := open(t, nsmc.AnalysisSettings())
	if _, err := eng.IndexBatch(context.Background(), docs, true); err != nil {
		t.Fatal(err)
	}
	s := search.NewService(eng, engine.NopSink{}, nil)
	a, err := s.Analyzer()
	if err != nil {
		t.Fatal(err)
	}
	v := judged.NewVocabulary()
	for _, d := range docs {
		v.Add(a, d.Body)
	}
	qs, _ := judged.Generate(v, judged.DefaultOptions())
	exact := map[string][]string{}
	words := 0
	for _, jq := range qs {
		if jq.Variant == judged.Exact {
			words++
			if words%judgedSample == 0 {
				exact[jq.Words[0]] = rankedIDs(mustSearch(t, s, engine.Query{Text: jq.Text}))
			}
		}
	}
	checked := 0
	for _, jq := range qs {
		want, sampled := exact[jq.Words[0]]
		if !sampled || len(jq.Words) != 1 {
			continue
		}
		switch jq.Variant {
		case judged.NFD:
			checked++
			if got := rankedIDs(mustSearch(t, s, engine.Query{Text: jq.Text})); !slices.Equal(got, want) {
				t.Errorf("NFD %+q = %v, %s = %v", jq.Text, got, jq.Words[0], want)
			}
		case judged.Layout:
			r := mustSearch(t, s, engine.Query{Text: jq.Text})
			if r.Corrected == jq.Words[0] {
				checked++
				if got := rankedIDs(r); !slices.Equal(got, want) {
					t.Errorf("layout %q corrected to %s = %v, %s = %v", jq.Text, r.Corrected, got, jq.Words[0], want)
				}
			}
		}
	}
	if checked < 40 {
		t.Errorf("only %d judged queries checked", checked)
	}
}

// rankedIDs lists the hits' ids by score, and by id among equal scores:
// the engines order ties by internal document numbers, which segment
// merges between two searches may change, so only the ranking is compared.
func rankedIDs(r engine.SearchResponse) []string {
	hits := slices.Clone(r.Hits)
	key := func(h engine.Hit) float64 { return math.Round(h.Score * 1e6) }
	slices.SortStableFunc(hits, func(a, b engine.Hit) int {
		if c := cmp.Compare(key(b), key(a)); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.ID
	}
	return out
}
