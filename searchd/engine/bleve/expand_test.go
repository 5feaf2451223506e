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
		docs = append(docs, engine.Document{ID: fmt.Sprintf("movie-%d", i), Body: "영화 재밌다", CreatedAt: at})
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
	res, err := e.Search(context.Background(), engine.Plan{JamoPrefix: hangul.Jamo("영ㅎ"), Size: 50})
	if err != nil {
		t.Fatal(err)
	}
	movies := 0
	for _, h := range res.Hits {
		if len(h.ID) > 6 && h.ID[:6] == "movie-" {
			movies++
		}
	}
	if movies == 0 {
		t.Fatalf("영ㅎ found %d documents, none of the 20 with 영화", res.Total)
	}
}
