package analyzers_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/searchd/searchd/analyzers"
	"github.com/searchd/searchd/searchd/engine"
)

var elasticCases = []struct {
	name string
	s    engine.AnalysisSettings
}{
	{"default", engine.AnalysisSettings{}},
	{"dictionary_stoptags_synonyms", engine.AnalysisSettings{
		DecompoundMode: "none",
		UserDictionary: []string{"보겜", "# 줄임말", "세종시 세종 시"},
		StopTags:       []string{"JKS", "JKO", "E", "NR"},
		Synonyms: `# 회사
삼성전자, 삼전   # 주식 이야기
휴대폰, 핸드폰 => 휴대전화
보드게임, 보겜
a\,b, c#
`,
	}},
	{"synonyms_expand_false", engine.AnalysisSettings{
		Synonyms:       "영화, 필름, 무비\n휴대폰, 핸드폰 => 휴대전화\n영화, 필름, 무비\n",
		SynonymsExpand: new(bool),
	}},
}

// TestElasticsearchAnalysisGolden compares the generated settings.analysis
// with testdata/elastic/<case>.json (go test -run TestElasticsearch -update
// rewrites them).
func TestElasticsearchAnalysisGolden(t *testing.T) {
	for _, c := range elasticCases {
		t.Run(c.name, func(t *testing.T) {
			got, err := analyzers.ElasticsearchAnalysis(c.s)
			if err != nil {
				t.Fatal(err)
			}
			compareGolden(t, filepath.Join("testdata", "elastic", c.name+".json"), got)
		})
	}
}

// esAnalysis is the part of Elasticsearch's settings.analysis searchd
// writes, typed, to check the generated JSON reads back field by field.
type esAnalysis struct {
	Tokenizer map[string]struct {
		Type                string   `json:"type"`
		DecompoundMode      string   `json:"decompound_mode"`
		DiscardPunctuation  bool     `json:"discard_punctuation"`
		UserDictionaryRules []string `json:"user_dictionary_rules"`
	} `json:"tokenizer"`
	Filter map[string]struct {
		Type     string   `json:"type"`
		StopTags []string `json:"stoptags"`
		Synonyms []string `json:"synonyms"`
		Expand   *bool    `json:"expand"`
		Lenient  *bool    `json:"lenient"`
	} `json:"filter"`
	Analyzer map[string]struct {
		Type      string   `json:"type"`
		Tokenizer string   `json:"tokenizer"`
		Filter    []string `json:"filter"`
	} `json:"analyzer"`
}

func TestElasticsearchAnalysisRoundTrip(t *testing.T) {
	c := elasticCases[1]
	got, err := analyzers.ElasticsearchAnalysis(c.s)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	var generic map[string]any
	if err := json.Unmarshal(b, &generic); err != nil {
		t.Fatal(err)
	}
	again, _ := json.Marshal(generic)
	if !bytes.Equal(b, again) {
		t.Errorf("JSON does not round-trip:\n%s\n%s", b, again)
	}

	var es esAnalysis
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&es); err != nil {
		t.Fatal(err)
	}
	a := mustAnalysis(t, c.s)
	idx, search := es.Analyzer["korean_index"], es.Analyzer["korean_search"]
	if idx.Tokenizer != "korean_index_tokenizer" || search.Tokenizer != "korean_search_tokenizer" {
		t.Errorf("analyzer tokenizers = %q, %q", idx.Tokenizer, search.Tokenizer)
	}
	// The ES chains name the Go analyzers' components in the same order.
	for _, pair := range []struct {
		es   []string
		goAn *analyzers.Analyzer
	}{{idx.Filter, a.Index}, {search.Filter, a.Search}} {
		var types []string
		for _, name := range pair.es {
			if f, ok := es.Filter[name]; ok {
				types = append(types, f.Type)
			} else {
				types = append(types, name) // built-in (lowercase)
			}
		}
		var goTypes []string
		for _, f := range pair.goAn.Filters {
			goTypes = append(goTypes, f.Name())
		}
		if !reflect.DeepEqual(types, goTypes) {
			t.Errorf("%s filters %v, Go analyzer %v", pair.goAn.Name, types, goTypes)
		}
	}
	if tok := es.Tokenizer["korean_index_tokenizer"]; tok.Type != "nori_tokenizer" || tok.DecompoundMode != "none" || !tok.DiscardPunctuation ||
		!reflect.DeepEqual(tok.UserDictionaryRules, []string{"보겜", "세종시 세종 시"}) {
		t.Errorf("index tokenizer = %+v", tok)
	}
	if tok := es.Tokenizer["korean_search_tokenizer"]; tok.DecompoundMode != "discard" {
		t.Errorf("search tokenizer = %+v, want discard", tok)
	}
	if pos := es.Filter["korean_pos"]; !reflect.DeepEqual(pos.StopTags, []string{"J", "E", "NR"}) {
		t.Errorf("stoptags = %q, want nori's tag names, once each", pos.StopTags)
	}
	syn := es.Filter["korean_synonyms"]
	if syn.Type != "synonym" || syn.Lenient == nil || *syn.Lenient || syn.Expand == nil || !*syn.Expand ||
		!reflect.DeepEqual(syn.Synonyms, a.Synonyms.Rules()) {
		t.Errorf("synonym filter = %+v", syn)
	}
}

func TestElasticsearchAnalysisDefaultsAreMinimal(t *testing.T) {
	got, err := analyzers.ElasticsearchAnalysis(engine.AnalysisSettings{})
	if err != nil {
		t.Fatal(err)
	}
	filters := got["filter"].(map[string]any)
	if _, ok := filters["korean_synonyms"]; ok {
		t.Errorf("synonym filter defined without rules")
	}
	if tok := got["tokenizer"].(map[string]any)["korean_index_tokenizer"].(map[string]any); tok["user_dictionary_rules"] != nil {
		t.Errorf("user_dictionary_rules without user words")
	}
	want := analyzers.DefaultStopTags()
	if got := filters["korean_pos"].(map[string]any)["stoptags"]; !reflect.DeepEqual(got, want) {
		t.Errorf("default stoptags = %v, want nori's defaults %v", got, want)
	}
}

func TestElasticsearchAnalysisRejectsWhatElasticsearchWould(t *testing.T) {
	for _, s := range []engine.AnalysisSettings{
		{DecompoundMode: "mixed", Synonyms: "삼성전자, 삼전"},
		{Synonyms: "삼성의 주가, 주식"},
		{Synonyms: "삼성, 을"},
		{StopTags: []string{"XX"}},
	} {
		_, err := analyzers.ElasticsearchAnalysis(s)
		var ps analyzers.Problems
		if !errors.As(err, &ps) {
			t.Errorf("ElasticsearchAnalysis(%+v) = %v, want Problems", s, err)
		}
	}
}
