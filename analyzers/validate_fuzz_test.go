package analyzers_test

import (
	"cmp"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/searchd/searchd/analyzers"
	"github.com/searchd/searchd/searchd/engine"
)

var snakeCase = regexp.MustCompile(`^[a-z]+(_[a-z0-9]+)*$`)

// FuzzValidate validates any pair of dictionaries (the seed corpus is in
// testdata/fuzz/FuzzValidate) and checks what the admin API relies on:
// no panic; every problem names a dictionary, a line and column inside it,
// a severity, a snake_case code and a readable message; problems are
// sorted; a Validator agrees with Validate; settings build exactly when
// there is no error; and what builds writes rules that read back the same.
func FuzzValidate(f *testing.F) {
	for _, s := range synonymSeeds(f) {
		f.Add(s, "", true)
	}
	// Load the system dictionary before fuzzing: a worker that takes
	// seconds over its first input is taken for hung.
	noriChain(f, analyzers.DecompoundDiscard)
	v := analyzers.NewValidator()
	f.Fuzz(func(t *testing.T, synonyms, userDict string, expand bool) {
		s := engine.AnalysisSettings{Synonyms: synonyms, SynonymsExpand: &expand}
		if userDict != "" {
			s.UserDictionary = []string{userDict}
		}
		ps := analyzers.Validate(s)
		text := map[string]string{"synonyms": synonyms, "user_dictionary": userDict}
		for i, p := range ps {
			if p.Severity != analyzers.SeverityError && p.Severity != analyzers.SeverityWarning ||
				!snakeCase.MatchString(p.Code) || p.Message == "" || !utf8.ValidString(p.Message) {
				t.Fatalf("problem %+v: bad severity, code or message", p)
			}
			body, ok := text[p.Dictionary]
			if !ok {
				t.Fatalf("problem %+v: dictionary %q", p, p.Dictionary)
			}
			lines := strings.Split(body, "\n")
			if p.Line < 0 || p.Line > len(lines) {
				t.Fatalf("problem %+v: line outside 0..%d", p, len(lines))
			}
			if p.Line == 0 && p.Column != 0 {
				t.Fatalf("problem %+v: a column without a line", p)
			}
			if p.Line > 0 {
				if n := utf8.RuneCountInString(strings.TrimSuffix(lines[p.Line-1], "\r")); p.Column < 0 || p.Column > n+1 {
					t.Fatalf("problem %+v: column outside 0..%d", p, n+1)
				}
			}
			if i > 0 && cmp.Or(cmp.Compare(dictRank(ps[i-1].Dictionary), dictRank(p.Dictionary)),
				cmp.Compare(ps[i-1].Line, p.Line), cmp.Compare(ps[i-1].Column, p.Column)) > 0 {
				t.Fatalf("problems out of order: %+v before %+v", ps[i-1], p)
			}
		}
		if got := v.Validate(s); !slices.Equal(got, ps) {
			t.Fatalf("Validator %v, Validate %v", got, ps)
		}
		a, err := analyzers.NewAnalysis(s)
		if (err != nil) != ps.HasErrors() {
			t.Fatalf("NewAnalysis error %v with problems %v", err, ps)
		}
		if err != nil {
			return
		}
		if a.Synonyms.Len() == 0 {
			return
		}
		again := s
		again.Synonyms = strings.Join(a.Synonyms.Rules(), "\n")
		b, err := analyzers.NewAnalysis(again)
		if err != nil {
			t.Fatalf("Rules() %q do not build: %v", a.Synonyms.Rules(), err)
		}
		if !sameGroups(a.Synonyms.Groups(), b.Synonyms.Groups()) {
			t.Fatalf("Rules() read back differently:\n%+v\n%+v", a.Synonyms.Groups(), b.Synonyms.Groups())
		}
		if d := analyzers.DiffSynonyms(a.Synonyms, b.Synonyms); !d.Empty() {
			t.Fatalf("a dictionary differs from its own rules: %+v", d)
		}
	})
}

func dictRank(d string) int {
	return slices.Index([]string{"synonyms", "user_dictionary", "stop_tags", "decompound_mode"}, d)
}
