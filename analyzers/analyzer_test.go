package analyzers_test

import (
	"reflect"
	"testing"

	"github.com/searchd/searchd/analyzers"
	"github.com/searchd/searchd/searchd/engine"
)

// esToken is the part of an Elasticsearch _analyze token the docs show.
type esToken struct {
	Token          string
	Start, End     int // UTF-16 offsets
	Position       int
	PositionLength int
}

func esTokens(text string, toks []analyzers.Token) []esToken {
	out := []esToken{}
	for _, t := range analyzers.CharOffsets(text, toks) {
		out = append(out, esToken{t.Token, t.StartOffset, t.EndOffset, t.Position, t.PositionLength})
	}
	return out
}

func mustTokenizer(t testing.TB, cfg analyzers.TokenizerConfig) *analyzers.NoriTokenizer {
	t.Helper()
	tok, err := analyzers.NewNoriTokenizer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// TestDocumentedExamples checks the responses printed in Elasticsearch's
// nori documentation (analysis-nori-tokenizer, -speech, -readingform).
func TestDocumentedExamples(t *testing.T) {
	def := analyzers.DefaultTokenizerConfig()
	withMode := func(m analyzers.DecompoundMode) analyzers.TokenizerConfig {
		c := def
		c.DecompoundMode = m
		return c
	}
	ud, err := analyzers.ParseUserDictionary([]string{"c++", "C쁠쁠", "세종", "세종시 세종 시"})
	if err != nil {
		t.Fatal(err)
	}
	userMixed := withMode(analyzers.DecompoundMixed)
	userMixed.UserDictionary = ud
	numeralStop, err := analyzers.NewPartOfSpeechFilter(analyzers.PartOfSpeechConfig{StopTags: []string{"NR"}})
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name    string
		text    string
		cfg     analyzers.TokenizerConfig
		filters []analyzers.TokenFilter
		want    []esToken
	}{
		{"decompound none", "가곡역", withMode(analyzers.DecompoundNone), nil,
			[]esToken{{"가곡역", 0, 3, 0, 1}}},
		{"decompound discard", "가곡역", def, nil,
			[]esToken{{"가곡", 0, 2, 0, 1}, {"역", 2, 3, 1, 1}}},
		{"decompound mixed", "가곡역", withMode(analyzers.DecompoundMixed), nil,
			[]esToken{{"가곡역", 0, 3, 0, 2}, {"가곡", 0, 2, 0, 1}, {"역", 2, 3, 1, 1}}},
		{"user dictionary", "세종시", userMixed, nil,
			[]esToken{{"세종시", 0, 3, 0, 2}, {"세종", 0, 2, 0, 1}, {"시", 2, 3, 1, 1}}},
		{"explain", "뿌리가 깊은 나무는", def, nil,
			[]esToken{{"뿌리", 0, 2, 0, 1}, {"가", 2, 3, 1, 1}, {"깊", 4, 5, 2, 1}, {"은", 5, 6, 3, 1}, {"나무", 7, 9, 4, 1}, {"는", 9, 10, 5, 1}}},
		{"part of speech NR", "여섯 용이", def, []analyzers.TokenFilter{numeralStop},
			[]esToken{{"용", 3, 4, 1, 1}, {"이", 4, 5, 2, 1}}},
		{"readingform", "鄕歌", def, []analyzers.TokenFilter{analyzers.NewReadingFormFilter()},
			[]esToken{{"향가", 0, 2, 0, 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := &analyzers.Analyzer{Tokenizer: mustTokenizer(t, tt.cfg), Filters: tt.filters}
			got := esTokens(tt.text, a.Analyze(tt.text))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %v\nwant %v", got, tt.want)
			}
		})
	}
}

func TestExplainAttributes(t *testing.T) {
	// The docs' explain example lists nori's attributes per token.
	tok := mustTokenizer(t, analyzers.DefaultTokenizerConfig())
	text := "뿌리가 깊은 나무는"
	got := analyzers.CharOffsets(text, tok.Tokenize(text))
	wantPOS := []string{"NNG(General Noun)", "J(Ending Particle)", "VA(Adjective)", "E(Verbal endings)", "NNG(General Noun)", "J(Ending Particle)"}
	if len(got) != len(wantPOS) {
		t.Fatalf("got %d tokens, want %d: %+v", len(got), len(wantPOS), got)
	}
	for i, g := range got {
		if g.LeftPOS != wantPOS[i] || g.RightPOS != wantPOS[i] || g.POSType != "MORPHEME" || g.Morphemes != "" || g.Reading != "" || g.Type != "word" {
			t.Errorf("token %d = %+v, want MORPHEME %s without morphemes or reading", i, g, wantPOS[i])
		}
	}

	mixed := analyzers.DefaultTokenizerConfig()
	mixed.DecompoundMode = analyzers.DecompoundMixed
	text = "가곡역"
	got = analyzers.CharOffsets(text, mustTokenizer(t, mixed).Tokenize(text))
	want := engine.Token{
		Token: "가곡역", StartOffset: 0, EndOffset: 3, Type: "word", Position: 0, PositionLength: 2,
		LeftPOS: "NNP(Proper Noun)", RightPOS: "NNP(Proper Noun)", POSType: "COMPOUND",
		Morphemes: "가곡/NNP(Proper Noun)+역/NNG(General Noun)",
	}
	if len(got) == 0 || got[0] != want {
		t.Errorf("compound token = %+v, want %+v", got, want)
	}
}

func TestCharOffsetsCountUTF16Units(t *testing.T) {
	// 😀 is one rune, four bytes and two UTF-16 units; Elasticsearch counts
	// units.
	text := "a😀 한글b"
	toks := []analyzers.Token{
		{Term: "a", Start: 0, End: 1, Position: 0},
		{Term: "😀", Start: 1, End: 5, Position: 1},
		{Term: "한글", Start: 6, End: 12, Position: 2},
		{Term: "b", Start: 12, End: 13, Position: 3},
	}
	var got [][2]int
	for _, t := range analyzers.CharOffsets(text, toks) {
		got = append(got, [2]int{t.StartOffset, t.EndOffset})
	}
	want := [][2]int{{0, 1}, {1, 3}, {4, 6}, {6, 7}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("offsets = %v, want %v", got, want)
	}
	if got := analyzers.CharOffsets("", nil); got == nil || len(got) != 0 {
		t.Errorf("CharOffsets of nothing = %#v, want an empty non-nil slice (JSON [])", got)
	}
}

func TestNoriAnalyzerLeavesPositionGaps(t *testing.T) {
	a, err := analyzers.NewNoriAnalyzer(analyzers.DefaultTokenizerConfig(), nil)
	if err != nil {
		t.Fatal(err)
	}
	// 가 (J) and 를 (J) are removed; the tokens after them keep their
	// positions so a phrase query cannot match across the removed words.
	text := "삼성전자가 아이폰을 샀다"
	var terms []string
	var positions []int
	for _, tok := range a.Analyze(text) {
		terms = append(terms, tok.Term)
		positions = append(positions, tok.Position)
	}
	wantTerms := []string{"삼성", "전자", "아이폰", "사"}
	wantPos := []int{0, 1, 3, 5}
	if !reflect.DeepEqual(terms, wantTerms) || !reflect.DeepEqual(positions, wantPos) {
		t.Errorf("terms %v at %v, want %v at %v", terms, positions, wantTerms, wantPos)
	}
}
