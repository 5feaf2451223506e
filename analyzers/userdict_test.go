package analyzers_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/searchd/searchd/analyzers"
	"github.com/searchd/searchd/searchd/engine"
)

func TestParseUserDictionary(t *testing.T) {
	ud, err := analyzers.ParseUserDictionary([]string{
		"# nori's documentation example",
		"c++",
		"",
		"C쁠쁠   # a comment after a word",
		"세종",
		"  세종시   세종  시  ",
	})
	if err != nil {
		t.Fatal(err)
	}
	if ud.Len() != 4 {
		t.Errorf("Len = %d, want 4", ud.Len())
	}
	want := []string{"c++", "C쁠쁠", "세종", "세종시 세종 시"}
	if got := ud.Rules(); !reflect.DeepEqual(got, want) {
		t.Errorf("Rules = %q, want %q", got, want)
	}
}

func TestCaseVariantRules(t *testing.T) {
	ud, err := analyzers.ParseUserDictionary([]string{"c++", "세종", "GalaxyTab Galaxy Tab"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"c++", "C++", "세종", "GalaxyTab Galaxy Tab", "galaxytab galaxy tab", "GALAXYTAB GALAXY TAB"}
	got := ud.CaseVariantRules()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("CaseVariantRules = %q, want %q", got, want)
	}
	// Each variant is a valid rule (its parts still spell its word).
	for _, r := range got {
		if _, err := analyzers.ParseUserDictionary([]string{r}); err != nil {
			t.Errorf("variant %q: %v", r, err)
		}
	}
}

func TestParseUserDictionaryErrors(t *testing.T) {
	tests := []struct {
		name  string
		rules []string
		want  []string // substrings of the message
	}{
		{"parts do not concatenate", []string{"세종", "세종시 세종 도"},
			[]string{"line 2", `"세종 도"`, `"세종시"`}},
		{"multi-line element counts lines", []string{"a\nb\nab a c"},
			[]string{"line 3", `make "ac"`}},
		{"control character", []string{"ab\x01c"},
			[]string{"line 1", "control character"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := analyzers.ParseUserDictionary(tt.rules)
			if err == nil {
				t.Fatal("no error")
			}
			if engine.ErrorCode(err) != engine.Invalid {
				t.Errorf("code = %s, want %s", engine.ErrorCode(err), engine.Invalid)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

// TestUserDictionaryProblems: every problem with its line, column,
// severity and code, through Validate. A word defined twice is a warning
// (nori keeps the first definition: TestUserDictionaryProblemsAgreeWithOpenSearch).
func TestUserDictionaryProblems(t *testing.T) {
	tests := []struct {
		name  string
		rules []string
		want  []pw
	}{
		{"fine", []string{"# 신조어", "갓띵작", "세종시 세종 시  # 도시"}, nil},
		{"parts that do not spell the word", []string{"세종시  세종 도"},
			[]pw{perr(1, 6, "parts_mismatch", `the parts "세종 도" put together make "세종도", not the word "세종시"`)}},
		{"parts longer than the word", []string{"가나 가나다"},
			[]pw{perr(1, 4, "parts_mismatch", `make "가나다"`)}},
		{"same word twice", []string{"c++", "# comment", "  C++"},
			[]pw{pwarn(3, 3, "duplicate_word", `"C++" is already defined on line 1; this line is ignored`)}},
		{"control character", []string{"ok", "ab\x01c"},
			[]pw{perr(2, 3, "control_character", "(U+0001) at column 3")}},
		{"invalid utf-8", []string{"\xffab"},
			[]pw{perr(1, 0, "invalid_utf8", "UTF-8")}},
		{"line too long", []string{strings.Repeat("가", analyzers.MaxUserDictionaryLineRunes+1)},
			[]pw{perr(1, 0, "line_too_long", "at most 1000")}},
		{"byte order mark at the start is fine", []string{"\uFEFF갓띵작", "갓띵작"},
			[]pw{pwarn(2, 1, "duplicate_word", "already defined on line 1")}},
		{"several lines in one element", []string{"a\nb\nab a c"},
			[]pw{perr(3, 4, "parts_mismatch", `make "ac"`)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := engine.AnalysisSettings{UserDictionary: tt.rules}
			ps := analyzers.Validate(s)
			checkProblems(t, ps, "user_dictionary", tt.want)
			_, err := analyzers.NewAnalysis(s)
			if (err != nil) != ps.HasErrors() {
				t.Errorf("NewAnalysis = %v with problems %v: only errors may fail it", err, ps)
			}
		})
	}
}

func TestUserDictionaryLimits(t *testing.T) {
	big := []string{strings.Repeat("가나다라마바사아자차\n", analyzers.MaxUserDictionaryBytes/31+1)}
	ps := analyzers.Validate(engine.AnalysisSettings{UserDictionary: big})
	if len(ps) != 1 || ps[0].Code != "too_large" || !ps.IsTooLarge() {
		t.Errorf("problems = %v, want one too_large", ps)
	}
}

func TestLoadUserDictionary(t *testing.T) {
	path := filepath.Join(t.TempDir(), "userdict_ko.txt")
	if err := os.WriteFile(path, []byte("# words\n갓띵작\n\n신조어사전 신조어 사전\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ud, err := analyzers.LoadUserDictionary(path)
	if err != nil {
		t.Fatal(err)
	}
	tok := mustTokenizer(t, analyzers.TokenizerConfig{
		DecompoundMode: analyzers.DecompoundDiscard, DiscardPunctuation: true, UserDictionary: ud,
	})
	var terms []string
	for _, tk := range tok.Tokenize("갓띵작 신조어사전") {
		terms = append(terms, tk.Term)
	}
	if want := []string{"갓띵작", "신조어", "사전"}; !reflect.DeepEqual(terms, want) {
		t.Errorf("terms = %q, want %q", terms, want)
	}

	if _, err := analyzers.LoadUserDictionary(filepath.Join(t.TempDir(), "missing.txt")); err == nil {
		t.Error("loading a missing file succeeded")
	}
	bad := filepath.Join(t.TempDir(), "bad.txt")
	if err := os.WriteFile(bad, []byte("ok\n세종시 세 종\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := analyzers.LoadUserDictionary(bad); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("bad file: err = %v, want one naming line 2", err)
	}
}

func TestUserWordsWinOverSystemDictionary(t *testing.T) {
	// Without the user word, mecab-ko-dic splits 세종시 as 세 + 종시; the user
	// word keeps it whole, wherever it occurs, in any letter case.
	ud, err := analyzers.ParseUserDictionary([]string{"세종시", "c++"})
	if err != nil {
		t.Fatal(err)
	}
	cfg := analyzers.DefaultTokenizerConfig()
	plain := mustTokenizer(t, cfg)
	cfg.UserDictionary = ud
	user := mustTokenizer(t, cfg)
	terms := func(tk *analyzers.NoriTokenizer, text string) []string {
		var out []string
		for _, x := range tk.Tokenize(text) {
			out = append(out, x.Term)
		}
		return out
	}
	if got := terms(plain, "세종시에"); reflect.DeepEqual(got, []string{"세종시", "에"}) {
		t.Fatalf("the system dictionary already keeps 세종시; pick another word for this test")
	}
	for text, want := range map[string][]string{
		"세종시에":          {"세종시", "에"},
		"대전과세종시":        {"대전", "과", "세종시"},
		"C++와 c++":      {"C++", "와", "c++"},
		"c++ 세종시 C++ 끝": {"c++", "세종시", "C++", "끝"},
	} {
		if got := terms(user, text); !reflect.DeepEqual(got, want) {
			t.Errorf("%q: terms = %q, want %q", text, got, want)
		}
	}
}

func FuzzParseUserDictionary(f *testing.F) {
	for _, s := range []string{"c++\nC쁠쁠\n세종\n세종시 세종 시", "# only a comment", "a b", "ab a b\nAB", "\x00", "세종시 세종 시 # c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ud, err := analyzers.ParseUserDictionary(strings.Split(s, "\n"))
		if err != nil {
			if engine.ErrorCode(err) != engine.Invalid || !strings.Contains(err.Error(), "line ") {
				t.Fatalf("error without code or line: %v", err)
			}
			return
		}
		// A parsed dictionary's rules parse again to the same rules.
		again, err := analyzers.ParseUserDictionary(ud.Rules())
		if err != nil {
			t.Fatalf("normalized rules do not parse: %v (%q)", err, ud.Rules())
		}
		if !reflect.DeepEqual(again.Rules(), ud.Rules()) {
			t.Fatalf("rules changed: %q → %q", ud.Rules(), again.Rules())
		}
	})
}
