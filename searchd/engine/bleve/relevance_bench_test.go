package bleve_test

import (
	"testing"

	"github.com/searchd/searchd/internal/judged"
	"github.com/searchd/searchd/searchd/engine"
	"github.com/searchd/searchd/searchd/search"
)

// BenchmarkRelevanceNSMC runs the judged query set (internal/judged, fixed
// seed) through the search service over the corpus index and reports
// recall@10, MRR and precision per variant type and word length:
//
//	SEARCHD_BENCH_DIR=/tmp/nsmc go test ./searchd/engine/bleve -run '^$' -bench RelevanceNSMC -benchtime 1x -timeout 60m
func BenchmarkRelevanceNSMC(b *testing.B) {
	_, e := benchIndex(b)
	defer e.Close()
	s := search.NewService(e, engine.NopSink{}, nil)
	qs := judged.BenchQueries(b)
	for n := 0; n < b.N; n++ {
		out, err := judged.Run(b.Context(), s, qs)
		if err != nil {
			b.Fatal(err)
		}
		judged.WriteMisses(b, out)
		judged.ReportBench(b, judged.Summarize(out))
	}
}
