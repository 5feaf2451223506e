package judged_test

import (
	"reflect"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/searchd/searchd/analyzers/hangul"
	"github.com/searchd/searchd/internal/judged"
	"github.com/searchd/searchd/internal/nsmc"
	"github.com/searchd/searchd/searchd/search"
)

// generate builds a judged set from the first docs reviews.
func generate(t *testing.T, docs int) ([]judged.Query, *judged.Vocabulary) {
	t.Helper()
	path, ok := nsmc.Path()
	if !ok {
		t.Skip("NSMC corpus not found (set SEARCHD_NSMC)")
	}
	a, err := search.NewAnalyzer(nsmc.AnalysisSettings())
	if err != nil {
		t.Fatal(err)
	}
	v, err := judged.CorpusVocabulary(path, docs, a)
	if err != nil {
		t.Fatal(err)
	}
	qs, _ := judged.Generate(v, judged.DefaultOptions())
	return qs, v
}

func TestGenerateIsDeterministic(t *testing.T) {
	a, _ := generate(t, 5000)
	b, _ := generate(t, 5000)
	if len(a) < 1000 {
		t.Fatalf("only %d queries from 5,000 reviews", len(a))
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two runs with the same seed generated different queries")
	}
}

func TestGeneratedVariantsAreWhatTheySay(t *testing.T) {
	qs, v := generate(t, 5000)
	words := map[string]bool{}
	for _, q := range qs {
		w := q.Words[0]
		if q.Variant != judged.SpaceJoin {
			words[w] = true
		}
		switch q.Variant {
		case judged.TypoSub, judged.TypoIns, judged.TypoDel, judged.TypoAdjacent, judged.TypoFirst:
			if d := hangul.Distance(hangul.Jamo(q.Text), hangul.Jamo(w)); d != 1 {
				t.Errorf("%s %q of %q is %d jamo edits away", q.Variant, q.Text, w, d)
			}
			first := []rune(hangul.Jamo(q.Text))[0] == []rune(hangul.Jamo(w))[0]
			if first == (q.Variant == judged.TypoFirst) {
				t.Errorf("%s %q of %q: first jamo kept = %v", q.Variant, q.Text, w, first)
			}
		case judged.NFD:
			if q.Text == w || norm.NFC.String(q.Text) != w {
				t.Errorf("nfd %q of %q", q.Text, w)
			}
		case judged.Chosung:
			if !hangul.IsChosungQuery(q.Text) || q.Text != hangul.Chosung(w) {
				t.Errorf("chosung %q of %q", q.Text, w)
			}
		case judged.Layout:
			if hangul.FromQwerty(q.Text) != w {
				t.Errorf("layout %q of %q", q.Text, w)
			}
		case judged.SpaceJoin:
			if q.Text != q.Words[0]+q.Words[1] {
				t.Errorf("join %q of %q", q.Text, q.Words)
			}
		}
		if q.Variant != judged.SpaceJoin && q.Syllables != utf8.RuneCountInString(w) {
			t.Errorf("%q: %d syllables recorded", w, q.Syllables)
		}
	}
	if len(words) < 300 {
		t.Errorf("%d distinct words, want at least 300", len(words))
	}
	for w := range words {
		if v.Words[w] == nil {
			t.Errorf("%q is not a counted corpus word", w)
		}
	}
}
