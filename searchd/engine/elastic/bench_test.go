package elastic_test

// The elastic engine against the embedded engine, side by side in one run,
// on the first 100k NSMC reviews (skipped without the corpus or a node):
//
//	SEARCHD_TEST_ES_URL=$(cat tools/opensearch/.node/url) \
//	  go test ./searchd/engine/elastic -run '^$' -bench EnginesNSMC -benchtime 1x -timeout 30m
//
// SEARCHD_BENCH_DOCS changes the corpus size. The query mix and synonyms
// are internal/nsmc's, shared with the embedded engine's benchmarks; the
// judged set is internal/judged's, and "agreement" is the share of its
// queries whose top 10 are the same in both engines.

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/searchd/searchd/internal/judged"
	"github.com/searchd/searchd/internal/nsmc"
	"github.com/searchd/searchd/internal/testenv"
	"github.com/searchd/searchd/searchd/engine"
	bleveengine "github.com/searchd/searchd/searchd/engine/bleve"
	"github.com/searchd/searchd/searchd/engine/elastic"
	"github.com/searchd/searchd/searchd/search"
)

const (
	defaultBenchDocs = 100_000
	searchRounds     = 5
)

// BenchmarkEnginesNSMC indexes the same documents into both engines and
// runs the same query mix through the search service on each: indexing
// rate (docs/s) and search latency p50/p99 (ms) per engine. One iteration
// of a search benchmark runs the whole mix searchRounds times, so that
// -benchtime 1x still gives percentiles over a few hundred searches.
func BenchmarkEnginesNSMC(b *testing.B) {
	docs := nsmc.BenchDocuments(b, defaultBenchDocs)
	settings := nsmc.AnalysisSettings()
	node := testenv.OpenSearch(b)
	prefix := node.Prefix(b) // the parent's: indexes outlive the index sub-benchmark
	dir := b.TempDir()       // likewise for the embedded engine's files
	engines := []struct {
		name string
		open func(b *testing.B, n int) engine.Engine
	}{
		{"embedded", func(b *testing.B, n int) engine.Engine {
			e, err := bleveengine.Open(filepath.Join(dir, strconv.Itoa(n)), bleveengine.Options{Analysis: settings})
			if err != nil {
				b.Fatal(err)
			}
			return e
		}},
		{"elastic", func(b *testing.B, n int) engine.Engine {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			e, err := elastic.Open(ctx, elastic.Options{URLs: []string{node.URL}, Prefix: fmt.Sprintf("%s%d-", prefix, n),
				Analysis: settings, RequestTimeout: time.Minute})
			if err == nil {
				err = e.Ready(ctx)
			}
			if err != nil {
				b.Fatal(err)
			}
			return e
		}},
	}
	qs := judged.BenchQueries(b)
	outcomes := map[string][]judged.Outcome{}
	for _, eng := range engines {
		var built engine.Engine
		b.Run(eng.name+"/index", func(b *testing.B) {
			var elapsed time.Duration
			for n := 0; n < b.N; n++ {
				if built != nil {
					built.Close()
				}
				built = eng.open(b, n)
				start := time.Now()
				nsmc.Load(b, built, docs, 2000, 2)
				elapsed += time.Since(start)
				// Both engines search a merged index (not timed).
				if err := built.MergeSegments(context.Background(), built.Live().Number); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(docs)*b.N)/elapsed.Seconds(), "docs/s")
		})
		if built == nil {
			continue
		}
		b.Run(eng.name+"/search", func(b *testing.B) { nsmc.SearchMix(b, built, searchRounds) })
		// The judged set (internal/judged) on each engine: recall, MRR and
		// precision as the embedded engine's RelevanceNSMC reports them.
		b.Run(eng.name+"/relevance", func(b *testing.B) {
			for n := 0; n < b.N; n++ {
				out, err := judged.Run(context.Background(), search.NewService(built, engine.NopSink{}, nil), qs)
				if err != nil {
					b.Fatal(err)
				}
				outcomes[eng.name] = out
				judged.ReportBench(b, judged.Summarize(out))
			}
		})
		built.Close()
	}
	// The share of judged queries whose top 10 (ids, in order) are the same
	// in both engines.
	if a, e := outcomes["embedded"], outcomes["elastic"]; a != nil && e != nil {
		b.Run("agreement", func(b *testing.B) {
			b.ReportMetric(judged.Agreement(a, e), "top10-same-order")
			b.ReportMetric(judged.SetAgreement(a, e), "top10-same-set")
		})
	}
}
