package analyzers_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/searchd/searchd/analyzers"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/tokens and testdata/elastic")

// goldenToken is a token as stored in a golden file.
type goldenToken struct {
	Term           string `json:"term"`
	Start          int    `json:"start"`
	End            int    `json:"end"`
	Position       int    `json:"position"`
	PositionLength int    `json:"positionLength"`
	Type           string `json:"type"`
	POSType        string `json:"posType"`
	LeftPOS        string `json:"leftPOS"`
	RightPOS       string `json:"rightPOS"`
	LeftPOSDetail  string `json:"leftPOSDetail,omitempty"`
	RightPOSDetail string `json:"rightPOSDetail,omitempty"`
	Reading        string `json:"reading,omitempty"`
	Morphemes      string `json:"morphemes,omitempty"`
}

type goldenFile struct {
	Text   string        `json:"text"`
	Chain  string        `json:"chain"`
	Tokens []goldenToken `json:"tokens"`
}

// goldenCase is one analysis: text through a chain built from the config.
type goldenCase struct {
	name string
	text string
	mode analyzers.DecompoundMode
	// keepPunct sets discard_punctuation false.
	keepPunct bool
	user      []string
	// nori runs the whole nori analyzer (part of speech, reading form,
	// lowercase) instead of the tokenizer alone.
	nori bool
}

func (c goldenCase) chain() string {
	var b strings.Builder
	b.WriteString("nori_tokenizer(decompound_mode=")
	if c.mode == "" {
		b.WriteString("discard")
	} else {
		b.WriteString(string(c.mode))
	}
	if c.keepPunct {
		b.WriteString(", discard_punctuation=false")
	}
	if len(c.user) > 0 {
		b.WriteString(", user_dictionary_rules=" + strings.Join(c.user, "|"))
	}
	b.WriteString(")")
	if c.nori {
		b.WriteString(" | nori_part_of_speech | nori_readingform | lowercase")
	}
	return b.String()
}

func (c goldenCase) analyzer(t testing.TB) *analyzers.Analyzer {
	t.Helper()
	cfg := analyzers.DefaultTokenizerConfig()
	if c.mode != "" {
		cfg.DecompoundMode = c.mode
	}
	cfg.DiscardPunctuation = !c.keepPunct
	if len(c.user) > 0 {
		ud, err := analyzers.ParseUserDictionary(c.user)
		if err != nil {
			t.Fatalf("user dictionary: %v", err)
		}
		cfg.UserDictionary = ud
	}
	if c.nori {
		a, err := analyzers.NewNoriAnalyzer(cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	tok, err := analyzers.NewNoriTokenizer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return &analyzers.Analyzer{Name: "test", Tokenizer: tok}
}

var docsUserDict = []string{"c++", "C쁠쁠", "세종", "세종시 세종 시"}

var goldenCases = []goldenCase{
	// Examples from Elasticsearch's nori documentation.
	{name: "docs_gagokyeok_none", text: "가곡역", mode: analyzers.DecompoundNone},
	{name: "docs_gagokyeok_discard", text: "가곡역"},
	{name: "docs_gagokyeok_mixed", text: "가곡역", mode: analyzers.DecompoundMixed},
	{name: "docs_user_dictionary_sejongsi_mixed", text: "세종시", mode: analyzers.DecompoundMixed, user: docsUserDict},
	{name: "docs_explain_ppuriga", text: "뿌리가 깊은 나무는"},
	{name: "docs_readingform_hyangga", text: "鄕歌", nori: true},
	// Our own.
	{name: "samsung_iphone_discard", text: "삼성전자가 아이폰15를 샀다"},
	{name: "samsung_iphone_none", text: "삼성전자가 아이폰15를 샀다", mode: analyzers.DecompoundNone},
	{name: "samsung_iphone_mixed", text: "삼성전자가 아이폰15를 샀다", mode: analyzers.DecompoundMixed},
	{name: "samsung_iphone_nori", text: "삼성전자가 아이폰15를 샀다", nori: true},
	{name: "iphone_15_pro", text: "iPhone 15 Pro"},
	{name: "iphone_15_pro_nori", text: "iPhone 15 Pro", nori: true},
	{name: "cpp_without_user_dictionary", text: "C++ 프로그래밍"},
	{name: "cpp_with_user_dictionary", text: "C++ 프로그래밍", user: docsUserDict},
	{name: "user_words_in_context", text: "C++와 세종시에서 c++을 배웠다", user: docsUserDict},
	{name: "user_compound_case_insensitive", text: "신형 GalaxyTab을 샀다", mode: analyzers.DecompoundMixed, user: []string{"galaxytab galaxy tab"}},
	{name: "mixed_scripts", text: "abc123def 3.14 갤럭시S24울트라 Привет αβγ"},
	{name: "hanja", text: "世宗大王은 訓民正音을 만들었다"},
	{name: "hanja_nori", text: "世宗大王은 訓民正音을 만들었다", nori: true},
	{name: "punctuation_discarded", text: "와!!! 정말... (최고) \"진짜\" - 굿, 굿."},
	{name: "punctuation_kept", text: "와!!! 정말... (최고) 굿.", keepPunct: true},
	{name: "emoji", text: "재밌어요😀👍 ㅋㅋㅋ"},
	{name: "emoji_nori", text: "재밌어요😀👍 ㅋㅋㅋ", nori: true},
	{name: "empty", text: ""},
	{name: "whitespace_only", text: " \t\n\u3000 "},
	{name: "korean_compound_nori", text: "한국어 처리는 재미있다", nori: true},
	{name: "nsmc_review", text: "아 더빙.. 진짜 짜증나네요 목소리", nori: true},
}

func TestGolden(t *testing.T) {
	for _, c := range goldenCases {
		t.Run(c.name, func(t *testing.T) {
			got := goldenFile{Text: c.text, Chain: c.chain(), Tokens: []goldenToken{}}
			for _, tok := range c.analyzer(t).Analyze(c.text) {
				got.Tokens = append(got.Tokens, goldenToken{
					Term: tok.Term, Start: tok.Start, End: tok.End,
					Position: tok.Position, PositionLength: tok.PositionLength, Type: tok.Type,
					POSType: tok.POSType, LeftPOS: tok.LeftPOS, RightPOS: tok.RightPOS,
					Reading: tok.Reading, Morphemes: tok.Morphemes,
					LeftPOSDetail: tok.LeftPOSDetail, RightPOSDetail: tok.RightPOSDetail,
				})
			}
			compareGolden(t, filepath.Join("testdata", "tokens", c.name+".json"), got)
		})
	}
}

// compareGolden compares got, encoded as indented JSON, with the golden
// file at path; with -update it rewrites the file instead.
func compareGolden(t testing.TB, path string, got any) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(got); err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		test, _, _ := strings.Cut(t.Name(), "/")
		t.Fatalf("%v (run go test -run %s -update to create it)", err, test)
	}
	if !bytes.Equal(want, buf.Bytes()) {
		t.Errorf("%s differs from the golden file (rerun with -update if the change is intended)\ngot:\n%s\nwant:\n%s", path, buf.Bytes(), want)
	}
}
