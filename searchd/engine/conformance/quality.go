package conformance

import (
	"context"
	"testing"

	"github.com/searchd/searchd/searchd/engine"
)

// runQuality holds the search-quality cases of issue 12.
func runQuality(t *testing.T, open Opener) {
	t.Run("explain gives fine-grained tags", func(t *testing.T) { checkExplainDetails(t, open) })
}

// checkExplainDetails: explain gives the fine-grained tags (as Lucene 10's
// nori does) beside the coarse ones. Particles and endings survive only
// when the stop tags keep them, so the index keeps everything but spaces:
// in 뿌리가 깊은 나무는, 가 is J / JKS, 은 E / ETM, 는 J / JX.
func checkExplainDetails(t *testing.T, open Opener) {
	e := open(t, engine.AnalysisSettings{StopTags: []string{"SP"}})
	toks, err := e.Analyze(context.Background(), engine.AnalyzeRequest{Analyzer: "search", Text: "뿌리가 깊은 나무는", Explain: true})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2]string{
		"가": {"J(Ending Particle)", "JKS(Subject case marker)"},
		"은": {"E(Verbal endings)", "ETM(Adnominal form transformative ending)"},
		"는": {"J(Ending Particle)", "JX(Auxiliary postpositional particle)"},
	}
	seen := 0
	for _, tk := range toks {
		w, ok := want[tk.Token]
		if !ok {
			continue
		}
		seen++
		if tk.LeftPOS != w[0] || tk.LeftPOSDetail != w[1] || tk.RightPOSDetail != w[1] {
			t.Errorf("%s: leftPOS %q detail %q/%q, want %q and %q", tk.Token, tk.LeftPOS, tk.LeftPOSDetail, tk.RightPOSDetail, w[0], w[1])
		}
	}
	if seen != len(want) {
		t.Errorf("explain of 뿌리가 깊은 나무는 = %+v, want the particles and the ending", toks)
	}
}
