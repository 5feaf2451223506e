package bleve_test

// Benchmarks on the NSMC corpus (712k reviews; skipped when absent):
//
//	go test ./searchd/engine/bleve -run '^$' -bench NSMC -benchtime 1x -timeout 60m
//
// SEARCHD_BENCH_DOCS limits the corpus (default: all), SEARCHD_BENCH_DIR
// keeps the built index between runs (search and open benchmarks reuse it),
// SEARCHD_BENCH_MERGE=0 searches it without merging its segments first.

import (
	"context"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/searchd/searchd/internal/nsmc"
	"github.com/searchd/searchd/searchd/engine"
	bleveengine "github.com/searchd/searchd/searchd/engine/bleve"
	"github.com/searchd/searchd/searchd/search"
)

func corpus(b *testing.B) []engine.Document { return nsmc.BenchDocuments(b, 0) }

// BenchmarkAnalyzeNSMC is the analyzer-only rate (Derive: both token
// streams and every derived field), for comparison with indexing.
func BenchmarkAnalyzeNSMC(b *testing.B) {
	docs := corpus(b)
	a, err := search.NewAnalyzer(nsmc.AnalysisSettings())
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	start := time.Now()
	for n := 0; n < b.N; n++ {
		var wg sync.WaitGroup
		next := make(chan int, 1024)
		for w := 0; w < runtime.GOMAXPROCS(0); w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					search.Derive(a, docs[i], start)
				}
			}()
		}
		for i := range docs {
			next <- i
		}
		close(next)
		wg.Wait()
	}
	b.ReportMetric(float64(len(docs)*b.N)/time.Since(start).Seconds(), "docs/s")
}

// BenchmarkIndexNSMC indexes the corpus into a fresh index, comparing
// request sizes and concurrent requests side by side (a request of 1,000
// is one Bleve batch; larger ones are split into batches written several
// at a time).
func BenchmarkIndexNSMC(b *testing.B) {
	docs := corpus(b)
	// Load the dictionary before timing anything.
	if _, err := search.NewAnalyzer(nsmc.AnalysisSettings()); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct{ batch, inflight int }{{1000, 1}, {5000, 1}, {5000, 2}} {
		b.Run("batch="+strconv.Itoa(c.batch)+"/inflight="+strconv.Itoa(c.inflight), func(b *testing.B) {
			var elapsed time.Duration
			for n := 0; n < b.N; n++ {
				e, err := bleveengine.Open(b.TempDir(), bleveengine.Options{Analysis: nsmc.AnalysisSettings()})
				if err != nil {
					b.Fatal(err)
				}
				start := time.Now()
				nsmc.Load(b, e, docs, c.batch, c.inflight)
				elapsed += time.Since(start)
				e.Close()
			}
			b.ReportMetric(float64(len(docs)*b.N)/elapsed.Seconds(), "docs/s")
		})
	}
}

// benchIndex opens the index in SEARCHD_BENCH_DIR (building it when empty)
// or a temporary one.
func benchIndex(b *testing.B) (string, *bleveengine.Engine) {
	b.Helper()
	dir := os.Getenv("SEARCHD_BENCH_DIR")
	if dir == "" {
		dir = b.TempDir()
	}
	e, err := bleveengine.Open(dir, bleveengine.Options{Analysis: nsmc.AnalysisSettings()})
	if err != nil {
		b.Fatal(err)
	}
	st, err := e.Stats(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	if st.Docs == 0 {
		nsmc.Load(b, e, corpus(b), 2000, 2)
	}
	// After a bulk load the index is merged into one segment, as the admin
	// API offers (POST /api/v1/admin/versions/{v}/merge), unless
	// SEARCHD_BENCH_MERGE=0 (the segments scorch's merge policy left).
	if os.Getenv("SEARCHD_BENCH_MERGE") == "0" {
		return dir, e
	}
	start := time.Now()
	if err := e.MergeSegments(context.Background(), e.Live().Number); err != nil {
		b.Fatal(err)
	}
	b.Logf("merged the index in %s", time.Since(start))
	return dir, e
}

// BenchmarkSearchNSMC runs the query mix through the search service
// (analysis, fuzzy expansion, fallbacks, highlighting) and reports latency
// percentiles in milliseconds.
func BenchmarkSearchNSMC(b *testing.B) {
	_, e := benchIndex(b)
	defer e.Close()
	nsmc.SearchMix(b, e, 1)
}

// BenchmarkOpenNSMC measures start-to-ready with an existing index and the
// resident memory once open.
func BenchmarkOpenNSMC(b *testing.B) {
	dir, e := benchIndex(b)
	e.Close()
	runtime.GC()
	var total time.Duration
	for n := 0; n < b.N; n++ {
		start := time.Now()
		e, err := bleveengine.Open(dir, bleveengine.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if err := e.Ready(context.Background()); err != nil {
			b.Fatal(err)
		}
		// The first search loads the dictionary and warms the index.
		s := search.NewService(e, engine.NopSink{}, nil)
		if _, err := s.Search(context.Background(), engine.Query{Text: "영화"}, search.RequestMeta{}); err != nil {
			b.Fatal(err)
		}
		total += time.Since(start)
		if n == b.N-1 {
			b.ReportMetric(rssMiB(), "rss-MiB")
		}
		e.Close()
	}
	b.ReportMetric(total.Seconds()/float64(b.N), "open-to-first-result-s")
}

func rssMiB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			f := strings.Fields(line)
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}
