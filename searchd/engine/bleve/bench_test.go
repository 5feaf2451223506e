package bleve_test

// Benchmarks on the NSMC corpus (712k reviews; skipped when absent):
//
//	go test ./searchd/engine/bleve -run '^$' -bench NSMC -benchtime 1x -timeout 60m
//
// SEARCHD_BENCH_DOCS limits the corpus (default: all), SEARCHD_BENCH_DIR
// keeps the built index between runs (search and open benchmarks reuse it).

import (
	"context"
	"os"
	"runtime"
	"sort"
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

// benchSettings: synonyms of movie-review vocabulary.
func benchSettings() engine.AnalysisSettings {
	return engine.AnalysisSettings{Synonyms: "영화, 무비\n배우, 연기자\n최고, 짱\n감독, 연출가\n"}
}

// queryMix: real words of the corpus, typos, synonyms, 초성, keyboard
// layout, jamo prefix and multi-word queries.
var queryMix = []string{
	"영화", "배우", "연기", "감동", "스토리", "최고", "지루", "결말", "반전", "감독",
	"액션", "공포", "로맨스", "코미디", "애니메이션", "음악", "연출", "명작", "시간", "눈물",
	"영회", "연긱", "스토라", "반젼", "애니메이숀", "감돔", "코메디", "로멘스", // typos
	"무비", "연기자", "짱", "연출가", // synonyms
	"ㅇㅎ", "ㄱㄷ", "ㅂㅈ", // 초성
	"dudghk", "qodn", // keyboard layout
	"영ㅎ", "배ㅇ", // jamo prefix
	"배우 연기", "스토리 반전", "최고의 영화", "감동적인 결말", "시간 아까운 영화",
}

func corpus(b *testing.B) []engine.Document {
	b.Helper()
	path, ok := nsmc.Path()
	if !ok {
		b.Skip("NSMC corpus not found (set SEARCHD_NSMC)")
	}
	limit, _ := strconv.Atoi(os.Getenv("SEARCHD_BENCH_DOCS"))
	docs, err := nsmc.Documents(path, limit)
	if err != nil {
		b.Fatal(err)
	}
	return docs
}

// indexAll writes docs in batches, with `inflight` batches under way at
// once so analysis of one overlaps Bleve's work on another.
func indexAll(b *testing.B, e engine.Engine, docs []engine.Document, batch, inflight int) {
	b.Helper()
	ctx := context.Background()
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
			if err == nil {
				for _, it := range items {
					if it.Error != nil {
						err = it.Error
						break
					}
				}
			}
			if err != nil {
				once.Do(func() { b.Error(err) })
			}
		}()
	}
	wg.Wait()
}

// BenchmarkAnalyzeNSMC is the analyzer-only rate (Derive: both token
// streams and every derived field), for comparison with indexing.
func BenchmarkAnalyzeNSMC(b *testing.B) {
	docs := corpus(b)
	a, err := search.NewAnalyzer(benchSettings())
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
	if _, err := search.NewAnalyzer(benchSettings()); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct{ batch, inflight int }{{1000, 1}, {5000, 1}, {5000, 2}} {
		b.Run("batch="+strconv.Itoa(c.batch)+"/inflight="+strconv.Itoa(c.inflight), func(b *testing.B) {
			var elapsed time.Duration
			for n := 0; n < b.N; n++ {
				e, err := bleveengine.Open(b.TempDir(), bleveengine.Options{Analysis: benchSettings()})
				if err != nil {
					b.Fatal(err)
				}
				start := time.Now()
				indexAll(b, e, docs, c.batch, c.inflight)
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
	e, err := bleveengine.Open(dir, bleveengine.Options{Analysis: benchSettings()})
	if err != nil {
		b.Fatal(err)
	}
	st, err := e.Stats(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	if st.Docs == 0 {
		indexAll(b, e, corpus(b), 2000, 2)
	}
	return dir, e
}

func percentile(d []time.Duration, p float64) float64 {
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	i := int(float64(len(d)-1) * p)
	return float64(d[i].Microseconds()) / 1000
}

// BenchmarkSearchNSMC runs the query mix through the search service
// (analysis, fuzzy expansion, fallbacks, highlighting) and reports latency
// percentiles in milliseconds.
func BenchmarkSearchNSMC(b *testing.B) {
	_, e := benchIndex(b)
	defer e.Close()
	s := search.NewService(e, engine.NopSink{}, nil)
	ctx := context.Background()
	for _, qt := range queryMix { // warm caches once
		if _, err := s.Search(ctx, engine.Query{Text: qt}, search.RequestMeta{}); err != nil {
			b.Fatalf("%q: %v", qt, err)
		}
	}
	lat := make([]time.Duration, 0, b.N)
	zero := 0
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		qt := queryMix[n%len(queryMix)]
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
	b.StopTimer()
	b.ReportMetric(percentile(lat, 0.50), "p50-ms")
	b.ReportMetric(percentile(lat, 0.99), "p99-ms")
	b.ReportMetric(float64(zero)/float64(b.N), "zero-result-ratio")
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
