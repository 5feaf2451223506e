package elastic_test

// The elastic engine against the embedded engine, side by side in one run,
// on the first 100k NSMC reviews (skipped without the corpus or a node):
//
//	SEARCHD_TEST_ES_URL=$(cat tools/opensearch/.node/url) \
//	  go test ./searchd/engine/elastic -run '^$' -bench EnginesNSMC -benchtime 1x -timeout 30m
//
// SEARCHD_BENCH_DOCS changes the corpus size. The query mix and synonyms
// are read from the embedded engine's benchmark (../bleve/bench_test.go),
// so both benchmarks always run the same queries.

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

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

// sharedMix returns the embedded benchmark's query mix (var queryMix) and
// synonyms (the string literal in benchSettings).
func sharedMix(b *testing.B) ([]string, engine.AnalysisSettings) {
	b.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "../bleve/bench_test.go", nil, 0)
	if err != nil {
		b.Fatalf("the embedded engine's benchmark: %v", err)
	}
	var mix []string
	var settings engine.AnalysisSettings
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ValueSpec:
			if len(n.Names) == 1 && n.Names[0].Name == "queryMix" && len(n.Values) == 1 {
				for _, el := range n.Values[0].(*ast.CompositeLit).Elts {
					mix = append(mix, unquote(b, el))
				}
			}
		case *ast.FuncDecl:
			if n.Name.Name == "benchSettings" {
				ast.Inspect(n.Body, func(m ast.Node) bool {
					if lit, ok := m.(*ast.BasicLit); ok && lit.Kind == token.STRING && settings.Synonyms == "" {
						settings.Synonyms = unquote(b, lit)
					}
					return true
				})
			}
		}
		return true
	})
	if len(mix) == 0 || settings.Synonyms == "" {
		b.Fatal("queryMix or benchSettings not found in ../bleve/bench_test.go")
	}
	return mix, settings
}

func unquote(b *testing.B, e ast.Expr) string {
	lit, ok := e.(*ast.BasicLit)
	if !ok {
		b.Fatalf("not a string literal: %T", e)
	}
	s, err := strconv.Unquote(lit.Value)
	if err != nil {
		b.Fatal(err)
	}
	return s
}

func benchCorpus(b *testing.B) []engine.Document {
	b.Helper()
	path, ok := nsmc.Path()
	if !ok {
		b.Skip("NSMC corpus not found (set SEARCHD_NSMC)")
	}
	limit := defaultBenchDocs
	if n, err := strconv.Atoi(os.Getenv("SEARCHD_BENCH_DOCS")); err == nil && n > 0 {
		limit = n
	}
	docs, err := nsmc.Documents(path, limit)
	if err != nil {
		b.Fatal(err)
	}
	return docs
}

// loadAll indexes docs in batches of 2000, two batches under way at once
// (the embedded benchmark's best setting), then makes them searchable.
func loadAll(b *testing.B, e engine.Engine, docs []engine.Document) {
	b.Helper()
	ctx := context.Background()
	const batch, inflight = 2000, 2
	sem := make(chan struct{}, inflight)
	var wg sync.WaitGroup
	var once sync.Once
	for i := 0; i < len(docs); i += batch {
		chunk := docs[i:min(i+batch, len(docs))]
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			items, err := e.IndexBatch(ctx, chunk, false)
			for _, it := range items {
				if err == nil && it.Error != nil {
					err = it.Error
				}
			}
			if err != nil {
				once.Do(func() { b.Error(err) })
			}
		}()
	}
	wg.Wait()
	if _, err := e.IndexBatch(ctx, nil, true); err != nil {
		b.Fatal(err)
	}
}

func latencyMs(d []time.Duration, p float64) float64 {
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	return float64(d[int(float64(len(d)-1)*p)].Microseconds()) / 1000
}

// BenchmarkEnginesNSMC indexes the same documents into both engines and
// runs the same query mix through the search service on each: indexing
// rate (docs/s) and search latency p50/p99 (ms) per engine. One iteration
// of a search benchmark runs the whole mix searchRounds times, so that
// -benchtime 1x still gives percentiles over a few hundred searches.
func BenchmarkEnginesNSMC(b *testing.B) {
	docs := benchCorpus(b)
	mix, settings := sharedMix(b)
	node := testenv.OpenSearch(b)
	prefix := node.Prefix(b) // the parent's: indexes outlive the index sub-benchmark
	engines := []struct {
		name string
		open func(b *testing.B, n int) engine.Engine
	}{
		{"embedded", func(b *testing.B, _ int) engine.Engine {
			e, err := bleveengine.Open(b.TempDir(), bleveengine.Options{Analysis: settings})
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
				loadAll(b, built, docs)
				elapsed += time.Since(start)
			}
			b.ReportMetric(float64(len(docs)*b.N)/elapsed.Seconds(), "docs/s")
		})
		if built == nil {
			continue
		}
		b.Run(eng.name+"/search", func(b *testing.B) {
			s := search.NewService(built, engine.NopSink{}, nil)
			ctx := context.Background()
			for _, qt := range mix { // warm caches once
				if _, err := s.Search(ctx, engine.Query{Text: qt}, search.RequestMeta{}); err != nil {
					b.Fatalf("%q: %v", qt, err)
				}
			}
			lat := make([]time.Duration, 0, b.N*searchRounds*len(mix))
			zero := 0
			b.ResetTimer()
			for n := 0; n < b.N*searchRounds; n++ {
				for _, qt := range mix {
					start := time.Now()
					r, err := s.Search(ctx, engine.Query{Text: qt}, search.RequestMeta{})
					lat = append(lat, time.Since(start))
					if err != nil {
						b.Fatalf("%q: %v", qt, err)
					}
					if r.Total == 0 {
						zero++
					}
				}
			}
			b.StopTimer()
			b.ReportMetric(latencyMs(lat, 0.50), "p50-ms")
			b.ReportMetric(latencyMs(lat, 0.99), "p99-ms")
			b.ReportMetric(float64(zero)/float64(len(lat)), "zero-result-ratio")
		})
		built.Close()
	}
}
