package analyzers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/searchd/searchd/analyzers"
	"github.com/searchd/searchd/internal/testenv"
	"github.com/searchd/searchd/searchd/engine"
)

// These tests hold the analysis package to the real thing: an OpenSearch
// 2.19 node with analysis-nori (SEARCHD_TEST_ES_URL; skipped without it,
// failing under SEARCHD_REQUIRE_ALL=1).

type osIndex struct {
	t    *testing.T
	node *testenv.OpenSearchNode
	name string
}

// createIndex creates an index with settings.analysis and returns the HTTP
// status and body; the index is deleted when the test ends (testenv).
func createIndex(t *testing.T, node *testenv.OpenSearchNode, name string, analysis map[string]any) (int, string) {
	t.Helper()
	body, err := json.Marshal(map[string]any{"settings": map[string]any{
		"number_of_shards": 1, "number_of_replicas": 0, "analysis": analysis,
	}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	status, out, err := node.Do(ctx, http.MethodPut, "/"+node.Prefix(t)+name, body)
	if err != nil {
		t.Fatal(err)
	}
	if status/100 == 2 {
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			_, _, _ = node.Do(ctx, http.MethodDelete, "/"+node.Prefix(t)+name, nil)
		})
	}
	return status, string(out)
}

func mustCreateIndex(t *testing.T, node *testenv.OpenSearchNode, name string, analysis map[string]any) osIndex {
	t.Helper()
	if status, out := createIndex(t, node, name, analysis); status/100 != 2 {
		t.Fatalf("creating index %s: HTTP %d: %s", name, status, out)
	}
	return osIndex{t: t, node: node, name: node.Prefix(t) + name}
}

// analyze returns the index's _analyze tokens of text as "term@position".
func (ix osIndex) analyze(analyzer, text string) []string {
	ix.t.Helper()
	req, _ := json.Marshal(map[string]string{"analyzer": analyzer, "text": text})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	status, out, err := ix.node.Do(ctx, http.MethodPost, "/"+ix.name+"/_analyze", req)
	if err != nil || status != http.StatusOK {
		ix.t.Fatalf("_analyze %q: HTTP %d %v: %s", text, status, err, out)
	}
	var resp struct {
		Tokens []struct {
			Token    string `json:"token"`
			Position int    `json:"position"`
		} `json:"tokens"`
	}
	if err := json.Unmarshal(out, &resp); err != nil {
		ix.t.Fatal(err)
	}
	var got []string
	for _, tk := range resp.Tokens {
		got = append(got, fmt.Sprintf("%s@%d", tk.Token, tk.Position))
	}
	return normTokens(got)
}

// normTokens sorts term@position strings by position, then term, and drops
// repeats: tokens stacked at one position are a set to a term query, and
// Lucene's order within a position is not part of the contract.
func normTokens(ts []string) []string {
	pos := func(s string) int {
		var p int
		fmt.Sscanf(s[strings.LastIndexByte(s, '@')+1:], "%d", &p)
		return p
	}
	slices.SortFunc(ts, func(a, b string) int {
		if c := pos(a) - pos(b); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	return slices.Compact(ts)
}

func goTokens(toks []analyzers.Token) []string {
	out := make([]string, len(toks))
	for i, tk := range toks {
		out[i] = fmt.Sprintf("%s@%d", tk.Term, tk.Position)
	}
	return normTokens(out)
}

// rawSynonymAnalysis is the generated analysis of settings without
// synonyms plus a synonym filter on the index analyzer with lines as they
// are: what Elasticsearch makes of the admin's text itself, not of the
// rules searchd writes back.
func rawSynonymAnalysis(t *testing.T, s engine.AnalysisSettings, lines []string) map[string]any {
	t.Helper()
	base := s
	base.Synonyms = ""
	an, err := analyzers.ElasticsearchAnalysis(base)
	if err != nil {
		t.Fatal(err)
	}
	expand := s.SynonymsExpand == nil || *s.SynonymsExpand
	an["filter"].(map[string]any)["raw_synonyms"] = map[string]any{
		"type": "synonym", "synonyms": lines, "expand": expand, "lenient": false,
	}
	idx := an["analyzer"].(map[string]any)[analyzers.IndexAnalyzerName].(map[string]any)
	idx["filter"] = append(slices.Clone(idx["filter"].([]string)), "raw_synonyms")
	return an
}

// TestSynonymProblemsAgreeWithOpenSearch: a dictionary searchd refuses
// (a problem with severity error) is one OpenSearch refuses too, and one
// searchd accepts (warnings at most) OpenSearch accepts, both as written
// and as searchd writes it back into the generated settings.
func TestSynonymProblemsAgreeWithOpenSearch(t *testing.T) {
	node := testenv.OpenSearch(t)
	tests := []struct {
		name  string
		text  string
		codes []string // problem codes searchd reports
	}{
		// Accepted, with warnings.
		{"same word twice", "삼성, 삼전, 삼성", []string{"duplicate_member"}},
		{"members that analyze alike", "삼성전자, 삼성 전자, 삼전", []string{"same_analysis"}},
		{"duplicate rule", "노트북, 랩탑\n랩탑, 노트북", []string{"duplicate_rule"}},
		{"word in two groups", "삼성전자, 삼전\n엘지, 삼전", []string{"merged_rules"}},
		{"word in a group and a one-way rule", "휴대폰, 핸드폰\n핸드폰 => 휴대전화", []string{"merged_rules"}},
		{"two one-way rules with one left-hand side", "갤럭시 => 삼성\n갤럭시 => 스마트폰", []string{"merged_rules"}},
		{"single word", "삼성", []string{"single_word"}},
		{"nothing before the arrow", "=> 삼성", []string{"empty_side"}},
		{"nothing after the arrow", "삼성, 삼전 =>", []string{"empty_side"}},
		{"two commas in a row", "삼성,,삼전", []string{"empty_word"}},
		{"trailing comma", "삼성, 삼전,", []string{"empty_word"}},
		{"one-way with only a comma after the arrow", "삼성 =>,", []string{"empty_side", "empty_word"}},
		// Refused.
		{"two arrows", "삼성 => 삼전 => 갤럭시", []string{"multiple_arrows"}},
		{"only an arrow", "=>", []string{"empty_side"}},
		{"word of spaces between commas", "삼성, , 삼전", []string{"blank_word"}},
		{"space before the arrow", " => 삼성", []string{"blank_word"}},
		{"particle alone", "삼성, 을", []string{"removed_word"}},
		{"punctuation alone", "느낌표, !!", []string{"removed_word"}},
		{"particle inside", "삼성의 주가, 주식", []string{"gap_in_word"}},
		{"removed word at the start", "사람, 그 사람", []string{"gap_in_word"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := engine.AnalysisSettings{Synonyms: tt.text}
			ps := analyzers.Validate(s)
			var codes []string
			for _, p := range ps {
				codes = append(codes, p.Code)
			}
			slices.Sort(codes)
			if !slices.Equal(codes, tt.codes) {
				t.Errorf("problem codes %q, want %q: %v", codes, tt.codes, ps)
			}
			status, out := createIndex(t, node, "raw", rawSynonymAnalysis(t, s, strings.Split(tt.text, "\n")))
			osAccepts := status/100 == 2
			if osAccepts == ps.HasErrors() {
				t.Fatalf("searchd errors: %v; OpenSearch: HTTP %d %s", ps.Errors(), status, out)
			}
			if !osAccepts {
				if !strings.Contains(out, "synonym") {
					t.Errorf("OpenSearch refused for another reason: %s", out)
				}
				return
			}
			an, err := analyzers.ElasticsearchAnalysis(s)
			if err != nil {
				t.Fatal(err)
			}
			if status, out := createIndex(t, node, "generated", an); status/100 != 2 {
				t.Errorf("OpenSearch refused the generated settings: HTTP %d %s", status, out)
			}
		})
	}
}

// TestUserDictionaryProblemsAgreeWithOpenSearch: nori refuses a
// decomposition longer than its word, and so does searchd; it accepts a
// word defined twice, which searchd accepts with a warning. One deliberate
// difference: parts that do not spell their word (세종시 세종 사) are
// accepted by nori, which uses only the parts' lengths, and refused by
// searchd, because the index would hold text the admin did not write.
func TestUserDictionaryProblemsAgreeWithOpenSearch(t *testing.T) {
	node := testenv.OpenSearch(t)
	tests := []struct {
		name       string
		rules      []string
		code       string
		osAccepts  bool
		deliberate bool // searchd is stricter on purpose
	}{
		{"fine", []string{"갓띵작", "세종시 세종 시"}, "", true, false},
		{"same word twice", []string{"갓띵작", "갓띵작"}, "duplicate_word", true, false},
		{"same word, other case", []string{"c++", "C++"}, "duplicate_word", true, false},
		{"same word, other parts", []string{"세종시 세종 시", "세종시"}, "duplicate_word", true, false},
		{"parts longer than the word", []string{"가나 가나다"}, "parts_mismatch", false, false},
		{"parts that do not spell the word", []string{"세종시 세종 사"}, "parts_mismatch", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := analyzers.Validate(engine.AnalysisSettings{UserDictionary: tt.rules})
			if tt.code == "" && len(ps) > 0 || tt.code != "" && (len(ps) != 1 || ps[0].Code != tt.code) {
				t.Fatalf("problems %v, want code %q", ps, tt.code)
			}
			an, err := analyzers.ElasticsearchAnalysis(engine.AnalysisSettings{})
			if err != nil {
				t.Fatal(err)
			}
			for _, tok := range an["tokenizer"].(map[string]any) {
				tok.(map[string]any)["user_dictionary_rules"] = tt.rules
			}
			status, out := createIndex(t, node, "raw", an)
			if got := status/100 == 2; got != tt.osAccepts {
				t.Fatalf("OpenSearch accepts = %v (HTTP %d %s), want %v", got, status, out, tt.osAccepts)
			}
			if !tt.deliberate && tt.osAccepts == ps.HasErrors() {
				t.Errorf("searchd errors %v disagree with OpenSearch accepting = %v", ps.Errors(), tt.osAccepts)
			}
		})
	}
}

// TestSynonymTokensAgreeWithOpenSearch: the Go index analyzer and the
// generated Elasticsearch settings produce the same tokens (term and
// position) for merged rules and for expand true and false.
func TestSynonymTokensAgreeWithOpenSearch(t *testing.T) {
	node := testenv.OpenSearch(t)
	const dict = `삼성전자, 삼전, 샘숭
엘지, 삼전
휴대폰, 핸드폰 => 휴대전화
핸드폰, 폰
노트북, 랩탑, 노트북
갤럭시 => 삼성
갤럭시 => 스마트폰
영화, 필름
필름, 영화`
	texts := []string{
		"삼전 주가가 올랐다", "삼성전자 주가", "샘숭 핸드폰 샀다", "엘지 휴대폰", "폰 바꿨다",
		"노트북 대신 랩탑", "갤럭시 노트", "필름 카메라", "이 영화 최고", "좋은 필름 최고", "이 갤럭시 노트",
	}
	no := false
	for _, c := range []struct {
		name   string
		expand *bool
	}{{"expand true", nil}, {"expand false", &no}} {
		t.Run(c.name, func(t *testing.T) {
			s := engine.AnalysisSettings{Synonyms: dict, SynonymsExpand: c.expand}
			a := mustAnalysis(t, s)
			an, err := analyzers.ElasticsearchAnalysis(s)
			if err != nil {
				t.Fatal(err)
			}
			ix := mustCreateIndex(t, node, "tokens", an)
			for _, text := range texts {
				// The tokenizers (kagome on mecab-ko-dic, nori) split some
				// words differently; this test is about the synonyms.
				if g, w := goTokens(a.Search.Analyze(text)), ix.analyze(analyzers.SearchAnalyzerName, text); !slices.Equal(g, w) {
					t.Fatalf("%q: the search analyzers differ already (Go %v, OpenSearch %v): choose another text", text, g, w)
				}
				want := ix.analyze(analyzers.IndexAnalyzerName, text)
				if got := goTokens(a.Index.Analyze(text)); !slices.Equal(got, want) {
					t.Errorf("%q: Go %v, OpenSearch %v", text, got, want)
				}
			}
		})
	}
}
