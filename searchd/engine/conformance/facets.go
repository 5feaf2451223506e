package conformance

import (
	"context"
	"slices"
	"testing"

	"github.com/searchd/searchd/searchd/engine"
	"github.com/searchd/searchd/searchd/search"
)

// outsideSeoul has a region that starts with 서울's letters without being
// below the 서울 path: a region filter 서울 must not match it.
var outsideSeoul = engine.Document{ID: "seoulsup-market", Title: "벼룩시장 셀러 구해요", Body: "중고 물건을 사고팔아요.",
	Tags: []string{"장터"}, Category: "장터", Region: "서울숲", Author: "셀러", CreatedAt: day(23), Popularity: 1}

// facetDocs are the fixtures plus outsideSeoul.
func facetDocs() []engine.Document { return append(Documents(), outsideSeoul) }

// wantFacets counts the facet fields over docs the way engine.Facets
// promises, as an oracle independent of any engine.
func wantFacets(docs []engine.Document, size int) engine.Facets {
	counts := map[string]map[string]int64{"category": {}, "region": {}, "tags": {}}
	for _, d := range docs {
		if d.Category != "" {
			counts["category"][d.Category]++
		}
		if d.Region != "" {
			counts["region"][d.Region]++
		}
		for _, t := range d.Tags {
			counts["tags"][t]++
		}
	}
	out := engine.Facets{}
	for f, m := range counts {
		fc := []engine.FacetCount{}
		for v, n := range m {
			fc = append(fc, engine.FacetCount{Value: v, Count: n})
		}
		out[f] = engine.SortFacetCounts(fc, size)
	}
	return out
}

func docsByID(docs []engine.Document, ids ...string) []engine.Document {
	var out []engine.Document
	for _, d := range docs {
		if slices.Contains(ids, d.ID) {
			out = append(out, d)
		}
	}
	return out
}

func checkFacets(t *testing.T, got, want engine.Facets) {
	t.Helper()
	for _, f := range engine.FacetFields() {
		if !slices.Equal(got[f], want[f]) {
			t.Errorf("facet %s:\n got %v\nwant %v", f, got[f], want[f])
		}
	}
}

func runFacets(t *testing.T, open Opener) {
	eng := open(t, Settings())
	docs := facetDocs()
	if _, err := eng.IndexBatch(context.Background(), docs, true); err != nil {
		t.Fatalf("index: %v", err)
	}
	s := search.NewService(eng, engine.NopSink{}, nil)
	seoul := []string{"samsung-study", "iphone-photo", "iphone-review", "book-club", "hiking", "running"}

	regions := []searchCase{
		{name: "region path prefix", query: engine.Query{Filters: engine.Filters{Region: "서울"}}, want: seoul, exact: true},
		{name: "region full path", query: engine.Query{Filters: engine.Filters{Region: "서울 강남구"}},
			want: []string{"samsung-study", "iphone-review"}, exact: true},
		{name: "region own path only", query: engine.Query{Filters: engine.Filters{Region: "서울숲"}},
			want: []string{"seoulsup-market"}, exact: true},
		{name: "region partial segment", query: engine.Query{Filters: engine.Filters{Region: "서울 강"}}, exact: true},
		{name: "region with text", query: engine.Query{Text: "모임", Filters: engine.Filters{Region: "서울"}},
			want: []string{"iphone-photo", "book-club"}, notWant: []string{"samjeon-club", "night-walk"}},
		// The page's "search what I typed" link: no correction applied.
		{name: "as typed is not corrected", query: engine.Query{Text: "포드게임", AsTyped: true}, exact: true},
		{name: "as typed keeps the layout", query: engine.Query{Text: "tkatjd", AsTyped: true}, exact: true},
	}
	for _, c := range regions {
		t.Run(c.name, func(t *testing.T) { c.check(t, mustSearch(t, s, c.query)) })
	}

	facetCases := []struct {
		name  string
		query engine.Query
	}{
		{"everything", engine.Query{Size: 50}},
		{"filtered", engine.Query{Size: 50, Filters: engine.Filters{Category: "운동"}}},
		{"region prefix", engine.Query{Size: 50, Filters: engine.Filters{Region: "서울"}}},
		{"text", engine.Query{Text: "모임", Size: 50}},
		{"fallback to any word", engine.Query{Text: "삼성전자 북한산", Size: 50}},
	}
	for _, c := range facetCases {
		t.Run("facets "+c.name, func(t *testing.T) {
			r := mustSearch(t, s, c.query)
			if r.Total == 0 || int(r.Total) != len(r.Hits) {
				t.Fatalf("want every match on one page, got %d of %d", len(r.Hits), r.Total)
			}
			// Facets count every match, not just the page: the oracle
			// counts the documents of all hits.
			checkFacets(t, r.Facets, wantFacets(docsByID(docs, ids(r)...), engine.DefaultFacetSize))
		})
	}
	t.Run("facets count beyond the page and keep the top values", func(t *testing.T) {
		r := mustSearch(t, s, engine.Query{Size: 2})
		if len(r.Hits) != 2 || int(r.Total) != len(docs) {
			t.Fatalf("got %d hits of %d", len(r.Hits), r.Total)
		}
		want := wantFacets(docs, engine.DefaultFacetSize)
		if len(want["tags"]) != engine.DefaultFacetSize {
			t.Fatalf("the fixtures need more than %d tags to test the cut", engine.DefaultFacetSize)
		}
		checkFacets(t, r.Facets, want)
	})
}
