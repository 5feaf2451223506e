package bleve_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/searchd/searchd/analyzers/hangul"
	"github.com/searchd/searchd/searchd/engine"
)

// A common prefix on a large index has tens of thousands of completions,
// most of them one-off run-together words sorting before the frequent word.
// The prefix match must still reach the frequent word: 영ㅎ finds 영화.
func TestPrefixReachesFrequentCompletions(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes 25,000 documents")
	}
	e := openTemp(t, engine.AnalysisSettings{})
	syl := []rune("가나다라마바사아자차카타파하")
	var docs []engine.Document
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; len(docs) < 25_000; i++ {
		// 영하 + three syllables: distinct words that sort before 영화.
		w := "영하" + string(syl[i%14]) + string(syl[(i/14)%14]) + string(syl[(i/196)%14]) + fmt.Sprint(i/2744)
		docs = append(docs, engine.Document{ID: fmt.Sprintf("junk-%d", i), Body: w, CreatedAt: at})
	}
	for i := range 20 {
		docs = append(docs, engine.Document{ID: fmt.Sprintf("movie-%d", i), Body: "영화 재밌다", Category: "movie", CreatedAt: at})
	}
	items, err := e.IndexBatch(context.Background(), docs, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if it.Error != nil {
			t.Fatalf("%s: %v", it.ID, it.Error)
		}
	}
	// Only the movies are in the category: the prefix finds them all when
	// its expansions reach 영화.
	res, err := e.Search(context.Background(), engine.Plan{JamoPrefix: hangul.Jamo("영ㅎ"), Size: 50,
		Filters: engine.Filters{Category: "movie"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 20 {
		t.Fatalf("영ㅎ found %d of the 20 documents with 영화", res.Total)
	}
}

// Prefix expansions: the most frequent completion is scored and ranks
// first; the other completions match through one constant-score union,
// also inside a conjunction (which advances it to the filter's documents).
func TestPrefixExpansionUnion(t *testing.T) {
	e := openTemp(t, engine.AnalysisSettings{})
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	var docs []engine.Document
	add := func(word string, n int, category string) {
		for i := range n {
			docs = append(docs, engine.Document{ID: fmt.Sprintf("%s-%s-%d", word, category, i), Body: word, Category: category, CreatedAt: at})
		}
	}
	add("영혼", 2, "a") // indexed first: index order alone would put it on top
	add("영호", 1, "b")
	add("영하", 6, "a")
	add("영화", 3, "b")
	add("공포", 4, "a")
	if _, err := e.IndexBatch(context.Background(), docs, true); err != nil {
		t.Fatal(err)
	}
	res, err := e.Search(context.Background(), engine.Plan{JamoPrefix: hangul.Jamo("영ㅎ"), Size: 20})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 12 {
		t.Fatalf("영ㅎ matched %d documents, want the 12 with 영혼, 영호, 영하, 영화", res.Total)
	}
	for i, h := range res.Hits[:6] {
		if h.ID[:len("영하")] != "영하" {
			t.Fatalf("hit %d is %s: the most frequent completion (영하) should rank first", i, h.ID)
		}
	}
	tail := res.Hits[6].Score
	for _, h := range res.Hits[6:] {
		if h.Score != tail {
			t.Fatalf("the other completions score alike: %s has %v, %s %v", h.ID, h.Score, res.Hits[6].ID, tail)
		}
	}
	res, err = e.Search(context.Background(), engine.Plan{JamoPrefix: hangul.Jamo("영ㅎ"), Size: 20, Filters: engine.Filters{Category: "b"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 4 {
		t.Fatalf("영ㅎ in category b matched %d documents, want 4 (영호, 영화)", res.Total)
	}
	// Deletes and updates take effect on documents matched by the union.
	if err := e.Delete(context.Background(), "영혼-a-0", true); err != nil {
		t.Fatal(err)
	}
	if err := e.Index(context.Background(), engine.Document{ID: "영호-b-0", Body: "공포", Category: "b", CreatedAt: at}, true); err != nil {
		t.Fatal(err)
	}
	res, err = e.Search(context.Background(), engine.Plan{JamoPrefix: hangul.Jamo("영ㅎ"), Size: 20})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range res.Hits {
		if h.ID == "영혼-a-0" || h.ID == "영호-b-0" {
			t.Fatalf("%s still matches after it was deleted or rewritten", h.ID)
		}
	}
	if res.Total != 10 {
		t.Fatalf("영ㅎ matched %d documents after a delete and an update, want 10", res.Total)
	}
}
