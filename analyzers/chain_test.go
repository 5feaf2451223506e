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
	if ps := analyzers.Validate(s); !ps.HasErrors() || !strings.Contains(ps.Error(), "user dictionary") {
		t.Fatalf("Validate without user word = %v, want a gap problem suggesting the user dictionary", ps)
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
	type w struct {
		dict     string
		line     int
		severity analyzers.Severity
		code     string
		msg      string // a fragment
	}
	const E, W = analyzers.SeverityError, analyzers.SeverityWarning
	tests := []struct {
		name string
		s    engine.AnalysisSettings
		want []w
	}{
		{"valid", engine.AnalysisSettings{DecompoundMode: "NONE", StopTags: []string{"JKS", "E"}, UserDictionary: []string{"보겜"}, Synonyms: "보드게임, 보겜"}, nil},
		{"mixed without synonyms is fine", engine.AnalysisSettings{DecompoundMode: "mixed"}, nil},
		{"mixed with synonyms", engine.AnalysisSettings{DecompoundMode: "mixed", Synonyms: "삼성전자, 삼전"},
			[]w{{"decompound_mode", 0, E, "mixed_with_synonyms", "mixed cannot be used together with synonyms"}}},
		{"unknown mode", engine.AnalysisSettings{DecompoundMode: "split"},
			[]w{{"decompound_mode", 0, E, "unknown_decompound_mode", `"split" is not a decompound mode`}}},
		{"bad user dictionary lines, all of them", engine.AnalysisSettings{UserDictionary: []string{"세종시 세종 시", "가나 다", "c++", "C++", "세종시"}},
			[]w{
				{"user_dictionary", 2, E, "parts_mismatch", `the parts "다" put together make "다", not the word "가나"`},
				{"user_dictionary", 4, W, "duplicate_word", `"C++" is already defined on line 3`},
				{"user_dictionary", 5, W, "duplicate_word", `"세종시" is already defined on line 1`},
			}},
		{"bad stop tags", engine.AnalysisSettings{StopTags: []string{"J", "XX", "", "NNG"}},
			[]w{
				{"stop_tags", 2, E, "unknown_stop_tag", `"XX" is not a part-of-speech tag`},
				{"stop_tags", 3, E, "unknown_stop_tag", `"" is not a part-of-speech tag`},
			}},
		{"only warnings build", engine.AnalysisSettings{UserDictionary: []string{"보겜", "보겜"}, Synonyms: "보드게임, 보겜, 보겜\n보드게임, 보겜"},
			[]w{
				{"synonyms", 1, W, "duplicate_member", `"보겜" is listed twice`},
				{"synonyms", 2, W, "duplicate_rule", "repeats line 1"},
				{"user_dictionary", 2, W, "duplicate_word", "already defined on line 1"},
			}},
		{"everything at once", engine.AnalysisSettings{DecompoundMode: "split", UserDictionary: []string{"가나 다"}, StopTags: []string{"XX"},
			Synonyms: "삼성, 을\n삼성전자, 삼전\n삼전, 엘지"},
			[]w{
				{"synonyms", 1, E, "removed_word", `"을" disappears`},
				{"synonyms", 3, W, "merged_rules", `"삼전" is also in the synonym group on line 2`},
				{"user_dictionary", 1, E, "parts_mismatch", "put together"},
				{"stop_tags", 1, E, "unknown_stop_tag", `"XX"`},
				{"decompound_mode", 0, E, "unknown_decompound_mode", "is not a decompound mode"},
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := analyzers.Validate(tt.s)
			a, err := analyzers.NewAnalysis(tt.s)
			if (err != nil) != ps.HasErrors() {
				t.Errorf("Validate = %v but NewAnalysis = %v: only errors may fail a build", ps, err)
			}
			if err == nil && !reflect.DeepEqual(a.Warnings, ps) {
				t.Errorf("Analysis.Warnings = %v, want Validate's %v", a.Warnings, ps)
			}
			if err != nil {
				var eps analyzers.Problems
				if !errors.As(err, &eps) || !reflect.DeepEqual(eps, ps) {
					t.Errorf("NewAnalysis error = %v, want Validate's problems", err)
				}
				if engine.ErrorCode(err) != engine.Invalid {
					t.Errorf("code = %q", engine.ErrorCode(err))
				}
			}
			if len(ps) != len(tt.want) {
				t.Fatalf("got %d problems, want %d:\n%v", len(ps), len(tt.want), ps)
			}
			for i, w := range tt.want {
				p := ps[i]
				if p.Dictionary != w.dict || p.Line != w.line || p.Severity != w.severity || p.Code != w.code || !strings.Contains(p.Message, w.msg) {
					t.Errorf("problem %d = %+v, want %+v", i, p, w)
				}
			}
			if got := append(ps.Errors(), ps.Warnings()...); len(got) != len(ps) {
				t.Errorf("Errors() + Warnings() = %d problems, want %d", len(got), len(ps))
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
