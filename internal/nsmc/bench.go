package nsmc

import (
	"context"
	"os"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/searchd/searchd/searchd/engine"
	"github.com/searchd/searchd/searchd/search"
)

// Shared by the engine benchmarks, so every engine runs the same queries
// over the same documents with the same synonyms.

// AnalysisSettings are the benchmark index's settings: synonyms of movie
// review vocabulary.
func AnalysisSettings() engine.AnalysisSettings {
	return engine.AnalysisSettings{Synonyms: "영화, 무비\n배우, 연기자\n최고, 짱\n감독, 연출가\n"}
}

// QueryMix is a fixed mix of real words of the corpus, typos, synonyms,
// 초성, keyboard-layout, jamo-prefix and multi-word queries.
func QueryMix() []string {
	return []string{
		"영화", "배우", "연기", "감동", "스토리", "최고", "지루", "결말", "반전", "감독",
		"액션", "공포", "로맨스", "코미디", "애니메이션", "음악", "연출", "명작", "시간", "눈물",
		"영회", "연긱", "스토라", "반젼", "애니메이숀", "감돔", "코메디", "로멘스", // typos
		"무비", "연기자", "짱", "연출가", // synonyms
		"ㅇㅎ", "ㄱㄷ", "ㅂㅈ", // 초성
		"dudghk", "qodn", // keyboard layout
		"영ㅎ", "배ㅇ", // jamo prefix
		"배우 연기", "스토리 반전", "최고의 영화", "감동적인 결말", "시간 아까운 영화",
	}
}

// BenchDocuments loads the corpus for a benchmark: SEARCHD_BENCH_DOCS
// documents (else def; 0 = all). It skips when the corpus is absent.
func BenchDocuments(b *testing.B, def int) []engine.Document {
	b.Helper()
	path, ok := Path()
	if !ok {
		b.Skip("NSMC corpus not found (set SEARCHD_NSMC)")
	}
	limit := def
	if n, err := strconv.Atoi(os.Getenv("SEARCHD_BENCH_DOCS")); err == nil && n >= 0 {
		limit = n
	}
	docs, err := Documents(path, limit)
	if err != nil {
		b.Fatal(err)
	}
	return docs
}

// Load writes docs in requests of batch documents, inflight requests under
// way at once, then makes them searchable.
func Load(b *testing.B, e engine.Engine, docs []engine.Document, batch, inflight int) {
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

// SearchMix runs the query mix rounds times through the search service
// (after one warm-up round) and reports p50/p99 latency in milliseconds
// and the share of searches that found nothing.
func SearchMix(b *testing.B, e engine.Engine, rounds int) {
	b.Helper()
	s := search.NewService(e, engine.NopSink{}, nil)
	ctx := context.Background()
	mix := QueryMix()
	for _, qt := range mix {
		if _, err := s.Search(ctx, engine.Query{Text: qt}, search.RequestMeta{}); err != nil {
			b.Fatalf("%q: %v", qt, err)
		}
	}
	lat := make([]time.Duration, 0, b.N*rounds*len(mix))
	zero := 0
	b.ResetTimer()
	for n := 0; n < b.N*rounds; n++ {
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
	b.ReportMetric(Percentile(lat, 0.50), "p50-ms")
	b.ReportMetric(Percentile(lat, 0.99), "p99-ms")
	b.ReportMetric(float64(zero)/float64(len(lat)), "zero-result-ratio")
}

// Percentile returns the p-th percentile of d in milliseconds.
func Percentile(d []time.Duration, p float64) float64 {
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	return float64(d[int(float64(len(d)-1)*p)].Microseconds()) / 1000
}
