package analyzers_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/searchd/searchd/analyzers"
	"github.com/searchd/searchd/searchd/engine"
)

func mustAnalysis(t testing.TB, s engine.AnalysisSettings) *analyzers.Analysis {
	t.Helper()
	a, err := analyzers.NewAnalysis(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// termsAt groups terms by position: "삼전|삼성 주가|전자".
func termsAt(ts []analyzers.Token) string {
	var b strings.Builder
	for i, t := range ts {
		switch {
		case i == 0:
		case t.Position == ts[i-1].Position:
			b.WriteByte('|')
		default:
			b.WriteByte(' ')
		}
		b.WriteString(t.Term)
	}
	return b.String()
}

// TestIndexAnalyzerExpandsSearchAnalyzerDoesNot is the behaviour the design
// rests on: documents get every member of a group at the position of the
// word they contain; queries keep only the words typed.
func TestIndexAnalyzerExpandsSearchAnalyzerDoesNot(t *testing.T) {
	a := mustAnalysis(t, engine.AnalysisSettings{Synonyms: "삼성전자, 삼전\n아이폰, iPhone"})
	if a.Index.Name != "korean_index" || a.Search.Name != "korean_search" {
		t.Errorf("names = %q, %q", a.Index.Name, a.Search.Name)
	}
	tests := []struct {
		text, index, search string
	}{
		// 삼성전자 is decompounded (discard) into 삼성 전자, so the rule is
		// the two-term sequence 삼성 전자: 삼전 gets 삼성 stacked at its
		// position and 전자 on the next one (Lucene's SynonymFilter).
		{"삼전 주가", "삼전|삼성 주가|전자", "삼전 주가"},
		// The two-term input matches the decompounded text; 삼전 spans it.
		{"삼성전자 주가", "삼성|삼전 전자 주가", "삼성 전자 주가"},
		{"iPhone 15 후기", "iphone|아이폰 15 후기", "iphone 15 후기"},
		{"삼성 주가", "삼성 주가", "삼성 주가"},
	}
	for _, tt := range tests {
		if got := termsAt(a.Index.Analyze(tt.text)); got != tt.index {
			t.Errorf("index %q = %q, want %q", tt.text, got, tt.index)
		}
		if got := termsAt(a.Search.Analyze(tt.text)); got != tt.search {
			t.Errorf("search %q = %q, want %q", tt.text, got, tt.search)
		}
	}
	idx := a.Index.Analyze("삼성전자 주가")
	if syn := idx[1]; syn.Type != analyzers.TypeSynonym || syn.PositionLength != 2 || syn.Start != 0 || syn.End != len("삼성전자") {
		t.Errorf("삼전 added for 삼성전자 = %+v, want a SYNONYM spanning 2 positions and the whole word", syn)
	}
	for _, terms := range []string{"삼전", "삼성 전자"} {
		if c, ok := a.Synonyms.Canonical(terms); !ok || c != "삼성전자" {
			t.Errorf("Canonical(%q) = %q, %v", terms, c, ok)
		}
	}
}

// TestDecompoundNoneKeepsCompoundRules: with decompound_mode none the rule
// word stays one term, and Canonical still accepts the search analyzer's
// (discard) terms for it.
func TestDecompoundNoneKeepsCompoundRules(t *testing.T) {
	a := mustAnalysis(t, engine.AnalysisSettings{DecompoundMode: "none", Synonyms: "삼성전자, 삼전"})
	if got, want := termsAt(a.Index.Analyze("삼전 주가")), "삼전|삼성전자 주가"; got != want {
		t.Errorf("index = %q, want %q", got, want)
	}
	if got, want := termsAt(a.Search.Analyze("삼성전자")), "삼성 전자"; got != want {
		t.Errorf("search = %q, want %q (search always discards)", got, want)
	}
	for _, terms := range []string{"삼성전자", "삼성 전자", "삼전"} {
		if c, ok := a.Synonyms.Canonical(terms); !ok || c != "삼성전자" {
			t.Errorf("Canonical(%q) = %q, %v", terms, c, ok)
		}
	}
}

// TestUserDictionaryMakesSlangUsable: a slang word the tokenizer breaks
// apart (with a gap) is rejected in a rule until it is a user word.
func TestUserDictionaryMakesSlangUsable(t *testing.T) {
	s := engine.AnalysisSettings{Synonyms: "갤폰, 갤럭시폰"}
	if err := analyzers.Validate(s); err == nil || !strings.Contains(err.Error(), "user dictionary") {
		t.Fatalf("Validate without user word = %v, want a gap problem suggesting the user dictionary", err)
	}
	s.UserDictionary = []string{"갤폰"}
	a := mustAnalysis(t, s)
	for text, want := range map[string]string{"갤폰": "갤폰|갤럭시 폰", "갤럭시폰": "갤럭시|갤폰 폰"} {
		if got := termsAt(a.Index.Analyze(text)); got != want {
			t.Errorf("index %q = %q, want %q", text, got, want)
		}
	}
}

func TestNoSynonymsNoFilter(t *testing.T) {
	a := mustAnalysis(t, engine.AnalysisSettings{Synonyms: "# nothing yet\n"})
	for _, f := range a.Index.Filters {
		if f.Name() == "synonym" {
			t.Errorf("index analyzer has a synonym filter without rules")
		}
	}
	if a.Synonyms.Len() != 0 {
		t.Errorf("Synonyms.Len() = %d", a.Synonyms.Len())
	}
	if _, ok := a.Synonyms.Canonical("삼전"); ok {
		t.Errorf("Canonical found a group in an empty dictionary")
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	tests := []struct {
		name string
		s    engine.AnalysisSettings
		want []analyzers.Problem // Message is a fragment
	}{
		{"valid", engine.AnalysisSettings{DecompoundMode: "NONE", StopTags: []string{"JKS", "E"}, UserDictionary: []string{"보겜"}, Synonyms: "보드게임, 보겜"}, nil},
		{"mixed without synonyms is fine", engine.AnalysisSettings{DecompoundMode: "mixed"}, nil},
		{"mixed with synonyms", engine.AnalysisSettings{DecompoundMode: "mixed", Synonyms: "삼성전자, 삼전"},
			[]analyzers.Problem{{Field: "decompound_mode", Message: "mixed cannot be used together with synonyms"}}},
		{"unknown mode", engine.AnalysisSettings{DecompoundMode: "split"},
			[]analyzers.Problem{{Field: "decompound_mode", Message: `"split" is not a decompound mode`}}},
		{"bad user dictionary lines, all of them", engine.AnalysisSettings{UserDictionary: []string{"세종시 세종 시", "가나 다", "c++", "C++", "세종시"}},
			[]analyzers.Problem{
				{Field: "user_dictionary", Line: 2, Message: `the parts "다" concatenate to "다", not to the word "가나"`},
				{Field: "user_dictionary", Line: 4, Message: `"C++" is already defined on line 3`},
				{Field: "user_dictionary", Line: 5, Message: `"세종시" is already defined on line 1`},
			}},
		{"bad stop tags", engine.AnalysisSettings{StopTags: []string{"J", "XX", "", "NNG"}},
			[]analyzers.Problem{
				{Field: "stop_tags", Message: `"XX" is not a part-of-speech tag`},
				{Field: "stop_tags", Message: `"" is not a part-of-speech tag`},
			}},
		{"everything at once", engine.AnalysisSettings{DecompoundMode: "split", UserDictionary: []string{"가나 다"}, StopTags: []string{"XX"},
			Synonyms: "삼성, 을\n삼성전자, 삼전\n삼전, 엘지"},
			[]analyzers.Problem{
				{Field: "decompound_mode", Message: "is not a decompound mode"},
				{Field: "user_dictionary", Line: 1, Message: "concatenate"},
				{Field: "stop_tags", Message: `"XX"`},
				{Field: "synonyms", Line: 1, Message: `"을" disappears`},
				{Field: "synonyms", Line: 3, Message: `"삼전" is already in the synonym group on line 2`},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := analyzers.Validate(tt.s)
			_, newErr := analyzers.NewAnalysis(tt.s)
			if (err == nil) != (newErr == nil) {
				t.Errorf("Validate = %v but NewAnalysis = %v", err, newErr)
			}
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			var ps analyzers.Problems
			if !errors.As(err, &ps) {
				t.Fatalf("Validate = %v (%T), want Problems", err, err)
			}
			if engine.ErrorCode(err) != engine.Invalid {
				t.Errorf("code = %q", engine.ErrorCode(err))
			}
			if len(ps) != len(tt.want) {
				t.Fatalf("got %d problems, want %d:\n%v", len(ps), len(tt.want), err)
			}
			for i, w := range tt.want {
				if ps[i].Field != w.Field || ps[i].Line != w.Line || !strings.Contains(ps[i].Message, w.Message) {
					t.Errorf("problem %d = %+v, want %+v", i, ps[i], w)
				}
			}
		})
	}
}

func TestSearchAndIndexAnalyzerConstructors(t *testing.T) {
	s := engine.AnalysisSettings{DecompoundMode: "none", Synonyms: "삼성전자, 삼전"}
	idx, err := analyzers.NewIndexAnalyzer(s)
	if err != nil {
		t.Fatal(err)
	}
	search, err := analyzers.NewSearchAnalyzer(s)
	if err != nil {
		t.Fatal(err)
	}
	got := [2]string{termsAt(idx.Analyze("삼성전자")), termsAt(search.Analyze("삼성전자"))}
	if want := [2]string{"삼성전자|삼전", "삼성 전자"}; !reflect.DeepEqual(got, want) {
		t.Errorf("index, search = %q, want %q", got, want)
	}
}
