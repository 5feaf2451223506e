package analyzers_test

import (
	"sync/atomic"
	"testing"

	"github.com/searchd/searchd/analyzers"
	"github.com/searchd/searchd/internal/nsmc"
)

// benchReviews loads the first 20k NSMC review texts, skipping the
// benchmark when the corpus is absent.
func benchReviews(b *testing.B) ([]string, int) {
	b.Helper()
	path, ok := nsmc.Path()
	if !ok {
		b.Skip("NSMC corpus not found (set SEARCHD_NSMC)")
	}
	var texts []string
	bytes := 0
	err := nsmc.Read(path, 20000, func(r nsmc.Review) error {
		texts = append(texts, r.Text)
		bytes += len(r.Text)
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return texts, bytes
}

// BenchmarkAnalyze runs the nori analyzer (tokenizer, part of speech,
// reading form, lowercase) over the first 20k NSMC reviews; one op is one
// review. It reports reviews/s and MB/s of review text.
func BenchmarkAnalyze(b *testing.B) {
	texts, total := benchReviews(b)
	avg := float64(total) / float64(len(texts))
	for _, mode := range []analyzers.DecompoundMode{analyzers.DecompoundDiscard, analyzers.DecompoundMixed} {
		cfg := analyzers.DefaultTokenizerConfig()
		cfg.DecompoundMode = mode
		a, err := analyzers.NewNoriAnalyzer(cfg, nil)
		if err != nil {
			b.Fatal(err)
		}
		report := func(b *testing.B) {
			secs := b.Elapsed().Seconds()
			b.ReportMetric(float64(b.N)/secs, "docs/s")
			b.ReportMetric(float64(b.N)*avg/secs/1e6, "MB/s")
		}
		b.Run(string(mode)+"/serial", func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				a.Analyze(texts[i%len(texts)])
				i++
			}
			report(b)
		})
		b.Run(string(mode)+"/parallel", func(b *testing.B) {
			b.ReportAllocs()
			var next atomic.Int64
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					a.Analyze(texts[int(next.Add(1))%len(texts)])
				}
			})
			report(b)
		})
	}
}
