package analyzers_test

import (
	"path/filepath"
	"testing"

	"github.com/searchd/searchd/analyzers"
	"github.com/searchd/searchd/searchd/engine"
)

// TestSynonymFilterMergesAndExpand runs the filter over wsAnalyze streams
// for rules Elasticsearch merges, with expand true and false. The expected
// streams are what OpenSearch's synonym filter produces for the same rules
// (TestSynonymTokensAgreeWithOpenSearch checks that on the node with nori).
func TestSynonymFilterMergesAndExpand(t *testing.T) {
	const dict = `a, b
b, c
x => y
x => z
p, q
p => r
f, g, h
g, f`
	tests := []struct {
		name, text, expand, noExpand string
	}{
		{"word in two groups: both groups, not transitive", "b",
			"b@0[0:1] a@0[0:1]S c@0[0:1]S", "a@0[0:1]S b@0[0:1]S"},
		{"its group members do not see each other", "a c",
			"a@0[0:1] b@0[0:1]S c@1[2:3] b@1[2:3]S", "a@0[0:1]S b@1[2:3]S"},
		{"two one-way rules: outputs joined", "x", "y@0[0:1]S z@0[0:1]S", "y@0[0:1]S z@0[0:1]S"},
		{"group and one-way rule: the word stays and gains the output", "p",
			"p@0[0:1] q@0[0:1]S r@0[0:1]S", "p@0[0:1]S r@0[0:1]S"},
		{"expand false: every member becomes the first", "h", "h@0[0:1] f@0[0:1]S g@0[0:1]S", "f@0[0:1]S"},
		{"expand false: two groups, two targets", "g", "g@0[0:1] f@0[0:1]S h@0[0:1]S", "f@0[0:1]S g@0[0:1]S"},
		{"a replaced word loses the gap before it", "-the h d", "h@1[5:6] f@1[5:6]S g@1[5:6]S d@2[7:8]", "f@0[5:6]S d@1[7:8]"},
	}
	for _, expand := range []bool{true, false} {
		set, err := analyzers.ParseSynonymsWith(dict, analyzers.SynonymOptions{Expand: expand}, wsAnalyze)
		if err != nil {
			t.Fatal(err)
		}
		if set.Expand() != expand {
			t.Errorf("Expand() = %v", set.Expand())
		}
		f := analyzers.NewSynonymFilter(set)
		for _, tt := range tests {
			want := tt.expand
			if !expand {
				want = tt.noExpand
			}
			if got := toks(f.Filter(wsAnalyze(tt.text))); got != want {
				t.Errorf("expand %v, %s: %q:\n got %s\nwant %s", expand, tt.name, tt.text, got, want)
			}
		}
	}
}

// TestCanonicalFollowsExpandAndMerges: trending and search count a word
// under the first group it is in; without expand that is the word every
// member is replaced by, the first member.
func TestCanonicalFollowsExpandAndMerges(t *testing.T) {
	no := false
	for _, expand := range []*bool{nil, &no} {
		a := mustAnalysis(t, engine.AnalysisSettings{Synonyms: "영화, 필름, 무비\n엘지, 삼전\n삼성전자, 삼전", SynonymsExpand: expand})
		for terms, want := range map[string]string{"필름": "영화", "무비": "영화", "영화": "영화", "삼전": "엘지", "삼성 전자": "삼성전자"} {
			if got, ok := a.Synonyms.Canonical(terms); !ok || got != want {
				t.Errorf("expand %v: Canonical(%q) = %q, %v; want %q", expand, terms, got, ok, want)
			}
		}
		// The canonical word is what the index analyzer writes without
		// expand, so a search for it finds every member.
		if expand != nil {
			for _, text := range []string{"필름", "무비"} {
				if got := termsAt(a.Index.Analyze(text)); got != "영화" {
					t.Errorf("expand false: %q indexes as %q, want 영화", text, got)
				}
			}
		}
	}
}

// TestSynonymExpandGolden keeps the Go index analyzer's token streams for
// expand true and false in testdata/tokens/synonyms_expand_*.json (go test
// -run TestSynonymExpandGolden -update rewrites them).
func TestSynonymExpandGolden(t *testing.T) {
	const dict = "삼성전자, 삼전, 샘숭\n엘지, 삼전\n휴대폰, 핸드폰 => 휴대전화\n영화, 필름"
	texts := []string{"삼전 주가가 올랐다", "샘숭 핸드폰 샀다", "이 영화 최고", "좋은 필름 최고"}
	no := false
	for name, expand := range map[string]*bool{"true": nil, "false": &no} {
		t.Run(name, func(t *testing.T) {
			a := mustAnalysis(t, engine.AnalysisSettings{Synonyms: dict, SynonymsExpand: expand})
			type stream struct {
				Text   string         `json:"text"`
				Tokens []engine.Token `json:"tokens"`
			}
			got := struct {
				Synonyms string   `json:"synonyms"`
				Expand   bool     `json:"expand"`
				Streams  []stream `json:"streams"`
			}{Synonyms: dict, Expand: a.Synonyms.Expand()}
			for _, text := range texts {
				got.Streams = append(got.Streams, stream{text, analyzers.CharOffsets(text, a.Index.Analyze(text))})
			}
			compareGolden(t, filepath.Join("testdata", "tokens", "synonyms_expand_"+name+".json"), got)
		})
	}
}
