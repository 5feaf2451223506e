package dictionary_test

import (
	"context"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/searchd/searchd/internal/nsmc"
	"github.com/searchd/searchd/internal/testenv"
	"github.com/searchd/searchd/searchd/dictionary"
	"github.com/searchd/searchd/searchd/engine"
	bleveengine "github.com/searchd/searchd/searchd/engine/bleve"
	"github.com/searchd/searchd/searchd/engine/elastic"
	"github.com/searchd/searchd/searchd/search"
)

// BenchmarkRebuildEmbedded measures, in one run on the full corpus
// (SEARCHD_BENCH_DOCS to use fewer): the bulk indexing rate, a dictionary
// apply's total time and copy rate (and their ratio), search p99 while
// idle and during the rebuild (and their ratio), the process's peak
// memory, and a preview of 30 queries. Run with -benchtime 1x.
func BenchmarkRebuildEmbedded(b *testing.B) {
	docs := nsmc.BenchDocuments(b, 0)
	eng, err := bleveengine.Open(b.TempDir(), bleveengine.Options{Analysis: nsmc.AnalysisSettings()})
	if err != nil {
		b.Fatal(err)
	}
	defer eng.Close()
	benchRebuild(b, eng, docs)
}

// BenchmarkRebuildElastic is the same on the OpenSearch node (100k
// documents by default).
func BenchmarkRebuildElastic(b *testing.B) {
	docs := nsmc.BenchDocuments(b, 100_000)
	node := testenv.OpenSearch(b)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	eng, err := elastic.Open(ctx, elastic.Options{URLs: []string{node.URL}, Prefix: node.Prefix(b), Analysis: nsmc.AnalysisSettings(),
		RequestTimeout: time.Minute, LiveRefresh: time.Second, FollowWait: 2 * time.Second})
	if err != nil {
		b.Fatal(err)
	}
	defer eng.Close()
	if err := eng.Ready(ctx); err != nil {
		b.Fatal(err)
	}
	benchRebuild(b, eng, docs)
}

func benchRebuild(b *testing.B, eng engine.Engine, docs []engine.Document) {
	ctx := context.Background()
	start := time.Now()
	nsmc.Load(b, eng, docs, 1000, 4)
	bulk := float64(len(docs)) / time.Since(start).Seconds()
	if err := eng.MergeSegments(ctx, eng.Live().Number); err != nil {
		b.Fatal(err)
	}
	store, err := dictionary.OpenFileStore(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	svc, err := dictionary.New(dictionary.Config{Engine: eng, Store: store, Audit: store})
	if err != nil {
		b.Fatal(err)
	}
	defer svc.Close()
	if err := svc.Start(ctx); err != nil {
		b.Fatal(err)
	}
	s := search.NewService(eng, engine.NopSink{}, nil)
	mix := nsmc.QueryMix()
	searchOnce := func(i int) time.Duration {
		t0 := time.Now()
		if _, err := s.Search(ctx, engine.Query{Text: mix[i%len(mix)]}, search.RequestMeta{}); err != nil {
			b.Fatal(err)
		}
		return time.Since(t0)
	}
	// Idle: as many searches as fit in 20 seconds (at least one round).
	var idle []time.Duration
	for i, t0 := 0, time.Now(); i < len(mix) || time.Since(t0) < 20*time.Second; i++ {
		idle = append(idle, searchOnce(i))
	}
	draft := dictionary.Draft{Synonyms: nsmc.AnalysisSettings().Synonyms + "영화, 필름\n"}

	b.ResetTimer()
	var during []time.Duration
	var stop atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; !stop.Load(); i++ {
			during = append(during, searchOnce(i))
		}
	}()
	var peakHeap atomic.Uint64
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		for !stop.Load() {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peakHeap.Load() {
				peakHeap.Store(ms.HeapInuse)
			}
			time.Sleep(500 * time.Millisecond)
		}
	}()
	j, err := svc.Apply(ctx, dictionary.ApplyRequest{Draft: draft, Message: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	for !j.Finished() {
		time.Sleep(200 * time.Millisecond)
		if j, err = svc.Job(ctx, j.ID); err != nil {
			b.Fatal(err)
		}
	}
	stop.Store(true)
	wg.Wait()
	b.StopTimer()
	if j.State != dictionary.StateSucceeded {
		b.Fatalf("job %+v", j)
	}
	total := j.FinishedAt.Sub(j.StartedAt).Seconds()
	pIdle, pDuring := nsmc.Percentile(idle, 0.99), nsmc.Percentile(during, 0.99)
	b.ReportMetric(float64(len(docs)), "docs")
	b.ReportMetric(total, "rebuild-s")
	b.ReportMetric(bulk, "bulk-docs/s")
	b.ReportMetric(j.Rate, "copy-docs/s")
	b.ReportMetric(j.Rate/bulk, "copy/bulk")
	b.ReportMetric(pIdle, "p99-idle-ms")
	b.ReportMetric(pDuring, "p99-rebuild-ms")
	b.ReportMetric(pDuring/pIdle, "p99-ratio")
	b.ReportMetric(float64(peakHeap.Load())/(1<<20), "peak-heap-MiB")
	b.ReportMetric(peakRSS(), "peak-rss-MiB")

	// Preview of 30 queries.
	t0 := time.Now()
	p, err := svc.Preview(ctx, dictionary.PreviewRequest{Draft: dictionary.Draft{Synonyms: draft.Synonyms + "배우, 캐스팅\n"}, Queries: mix[:30]})
	if err != nil || len(p.Queries) != 30 {
		b.Fatalf("preview: %v (%d queries)", err, len(p.Queries))
	}
	b.ReportMetric(time.Since(t0).Seconds(), "preview30-s")
	b.ReportMetric(float64(p.AffectedDocuments), "preview-affected-docs")
}

// peakRSS is the process's peak resident memory (VmHWM) in MiB.
func peakRSS() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}
