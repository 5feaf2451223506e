package judged

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/searchd/searchd/internal/nsmc"
	"github.com/searchd/searchd/searchd/search"
)

// VocabularyDocs is how many reviews (from the start of the corpus) the
// benchmark vocabulary is counted over.
const VocabularyDocs = 200_000

var (
	benchOnce    sync.Once
	benchQueries []Query
	benchErr     error
	benchSkipped int
)

// BenchQueries returns the judged set of the benchmarks: DefaultOptions
// over the first VocabularyDocs reviews, counted with the benchmark
// index's analysis (nsmc.AnalysisSettings). It skips when the corpus is
// absent.
func BenchQueries(tb testing.TB) []Query {
	tb.Helper()
	path, ok := nsmc.Path()
	if !ok {
		tb.Skip("NSMC corpus not found (set SEARCHD_NSMC)")
	}
	benchOnce.Do(func() {
		a, err := search.NewAnalyzer(nsmc.AnalysisSettings())
		if err != nil {
			benchErr = err
			return
		}
		v, err := CorpusVocabulary(path, VocabularyDocs, a)
		if err != nil {
			benchErr = err
			return
		}
		benchQueries, benchSkipped = Generate(v, DefaultOptions())
	})
	if benchErr != nil {
		tb.Fatal(benchErr)
	}
	tb.Logf("judged set: %d queries (%d real-word typos skipped)", len(benchQueries), benchSkipped)
	return benchQueries
}

// WriteMisses writes the queries without a relevant hit in the top 10 to
// $SEARCHD_RELEVANCE_MISSES when set (for looking into failures).
func WriteMisses(tb testing.TB, out []Outcome) {
	p := os.Getenv("SEARCHD_RELEVANCE_MISSES")
	if p == "" {
		return
	}
	var b strings.Builder
	for _, o := range out {
		if o.Rank == 0 {
			fmt.Fprintf(&b, "%s\t%q\t%v\thits=%d\tcorrected=%q\tsuggested=%v\n", o.Query.Variant, o.Query.Text, o.Query.Words, len(o.IDs), o.Corrected, o.Suggested)
		}
	}
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		tb.Error(err)
	}
}

// ReportBench logs the report's table (and writes it to
// $SEARCHD_RELEVANCE_OUT when set) and reports the goal figures as
// benchmark metrics.
func ReportBench(b *testing.B, r Report) {
	b.Helper()
	t := r.Table()
	b.Log("\n" + t)
	if p := os.Getenv("SEARCHD_RELEVANCE_OUT"); p != "" {
		if err := os.WriteFile(p, []byte(t), 0o644); err != nil {
			b.Error(err)
		}
	}
	metric := func(g Group, f func(*Stats) float64, unit string) {
		if s := r.Groups[g]; s != nil {
			b.ReportMetric(f(s), unit)
		}
	}
	recall := func(s *Stats) float64 { return s.Recall }
	mrr := func(s *Stats) float64 { return s.MRR }
	prec := func(s *Stats) float64 { return s.Precision }
	metric(Group{Typo, 0}, recall, "typo-recall")
	metric(Group{Typo, 2}, recall, "typo2-recall")
	metric(Group{Chosung, ThreePlus}, mrr, "chosung3plus-mrr")
	metric(Group{Chosung, 2}, func(s *Stats) float64 { return s.Top1Expect }, "chosung2-top1freq")
	metric(Group{SpaceSplit, 0}, recall, "split-recall")
	metric(Group{SpaceJoin, 0}, recall, "join-recall")
	metric(Group{Exact, 0}, prec, "exact-precision")
	metric(Group{Typo, 0}, prec, "typo-precision")
	b.ReportMetric(r.NFDSame, "nfd-same")
}
