package analyzers_test

import (
	"reflect"
	"testing"

	"github.com/searchd/searchd/analyzers"
	"github.com/searchd/searchd/searchd/engine"
)

// Document must give exactly what the two analyzers give separately, in
// every decompound mode, with and without synonyms.
func TestDocumentMatchesBothAnalyzers(t *testing.T) {
	texts := []string{
		"삼전 주가가 올랐다", "삼성전자 실적 발표", "노트북이랑 랩탑 비교", "iPhone 15 Pro 써보신 분",
		"주말 등산 동호회 모집합니다!", "世宗大王 讀書", "", "   ", "보드게임 카페에서 보겜 하실 분",
	}
	for _, s := range []engine.AnalysisSettings{
		{},
		{Synonyms: "삼성전자, 삼전\n노트북, 랩탑\n보드게임, 보겜\n", UserDictionary: []string{"보겜"}},
		{DecompoundMode: "none", Synonyms: "삼성전자, 삼전\n"},
		{DecompoundMode: "mixed"},
		{Synonyms: "주가 => 주식 가격\n"},
	} {
		a, err := analyzers.NewAnalysis(s)
		if err != nil {
			t.Fatalf("%+v: %v", s, err)
		}
		for _, text := range texts {
			idx, exact := a.Document(text)
			if want := a.Index.Analyze(text); !reflect.DeepEqual(norm(idx), norm(want)) {
				t.Errorf("%+v %q: index %v, want %v", s, text, idx, want)
			}
			if want := a.Search.Analyze(text); !reflect.DeepEqual(norm(exact), norm(want)) {
				t.Errorf("%+v %q: exact %v, want %v", s, text, exact, want)
			}
		}
	}
}

func norm(t []analyzers.Token) []analyzers.Token {
	if len(t) == 0 {
		return nil
	}
	return t
}
