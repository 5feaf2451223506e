package search

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/searchd/searchd/searchd/engine"
)

func testAnalyzer(tb testing.TB) Analyzer {
	tb.Helper()
	a, err := NewAnalyzer(engine.AnalysisSettings{Synonyms: "삼성전자, 삼전\n아이폰, iphone\n"})
	if err != nil {
		tb.Fatal(err)
	}
	return a
}

func TestFuzziness(t *testing.T) {
	for _, c := range []struct {
		term string
		want int
	}{
		{"밥", 0},      // 3 jamo
		{"유리", 0},     // 4 jamo: one edit would make 우리
		{"삼성", 1},     // 6 jamo
		{"모임", 1},     // 5 jamo
		{"보드게임", 2},   // 10 jamo
		{"15", 0},     // digits never
		{"2024", 0},   // digits never
		{"go", 0},     // short Latin
		{"react", 1},  // 5 letters
		{"iphone", 2}, // 6 letters
		{"아이폰15", 2},  // mixed: counted in jamo
	} {
		if got := Fuzziness(c.term); got != c.want {
			t.Errorf("Fuzziness(%q) = %d, want %d", c.term, got, c.want)
		}
	}
}

func terms(p engine.Plan) []string {
	var out []string
	for _, t := range p.Terms {
		s := t.Text
		if len(t.Parts) > 0 {
			var parts []string
			for _, pt := range t.Parts {
				parts = append(parts, pt.Text)
			}
			s += "(" + strings.Join(parts, "+") + ")"
		}
		out = append(out, s)
	}
	return out
}

func TestPlanText(t *testing.T) {
	a := testAnalyzer(t)
	for _, c := range []struct {
		in                  string
		terms               string
		chosung, jamoPrefix string
		normalized          string
	}{
		{in: "삼성전자가", terms: "삼성전자(삼성+전자)", normalized: "삼성 전자"},
		{in: "보드게임 하실 분", terms: "보드게임(보드+게임) 하 분", normalized: "보드 게임 하 분"},
		{in: "iPhone 15", terms: "iphone 15", normalized: "iphone 15"},
		{in: "ㅅㅅㅈㅈ", chosung: "ㅅㅅㅈㅈ", normalized: "ㅅㅅㅈㅈ"},
		{in: "ㄷㅅ ㅁㅇ", chosung: "ㄷㅅㅁㅇ", normalized: "ㄷㅅㅁㅇ"},
		{in: "독서ㅁ", jamoPrefix: "ㄷㅗㄱㅅㅓㅁ", normalized: "독서ㅁ"},
		{in: "주말 독서ㅁ", terms: "주말", jamoPrefix: "ㄷㅗㄱㅅㅓㅁ", normalized: "주말 독서ㅁ"},
		{in: "을", terms: ""},
	} {
		t.Run(c.in, func(t *testing.T) {
			p, norm := planText(a, normalizeQuery(c.in))
			if got := strings.Join(terms(p), " "); got != c.terms {
				t.Errorf("terms = %q, want %q", got, c.terms)
			}
			if p.Chosung != c.chosung || p.JamoPrefix != c.jamoPrefix {
				t.Errorf("chosung %q jamo prefix %q, want %q %q", p.Chosung, p.JamoPrefix, c.chosung, c.jamoPrefix)
			}
			if c.normalized != "" && norm != c.normalized {
				t.Errorf("normalized = %q, want %q", norm, c.normalized)
			}
		})
	}
}

func TestKeyboardAlternative(t *testing.T) {
	for in, want := range map[string]string{
		"tkatjd":       "삼성",
		"tkatjd wjswk": "삼성 전자",
		"ㅑㅔㅙㅜㄷ":        "iphone",
		"삼성":           "",
		"ㅅㅅ":           "", // 초성, not a layout mistake
		"dog":          "", // converts to 앻, not a common syllable
	} {
		if got := keyboardAlternative(in); got != want {
			t.Errorf("keyboardAlternative(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCanonicalKeyword(t *testing.T) {
	a := testAnalyzer(t)
	for in, want := range map[string]string{
		"삼전":      "삼성전자",
		"삼성전자":    "삼성전자",
		"  삼전  ":  "삼성전자",
		"IPHONE":  "아이폰",
		"아이폰15":   "아이폰 15",
		"아이폰 15":  "아이폰 15",
		"ㅅㅅ ㅈㅈ":   "ㅅㅅㅈㅈ",
		"삼성전자 주가": "삼성전자 주가",
	} {
		if got := CanonicalKeyword(a, in); got != want {
			t.Errorf("CanonicalKeyword(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRenderEscapesAndWindows(t *testing.T) {
	text := "<b>삼성</b> " + strings.Repeat("가", 300) + " 끝"
	got := render(text, []span{{3, 9}}, false)
	if !strings.HasPrefix(got, "&lt;b&gt;<em>삼성</em>&lt;/b&gt;") {
		t.Errorf("render = %q", got[:40])
	}
	snip := render(text, []span{{len(text) - 3, len(text)}}, true)
	if !strings.HasPrefix(snip, "…") || !strings.HasSuffix(snip, "<em>끝</em>") {
		t.Errorf("snippet around the last word = %q", snip)
	}
	if n := utf8.RuneCountInString(snip); n > snippetRunes+20 {
		t.Errorf("snippet has %d characters", n)
	}
}

// FuzzPlanText: any input plans without panicking, into valid UTF-8, and
// every fuzzy term stays within the engines' limits.
func FuzzPlanText(f *testing.F) {
	for _, s := range []string{"삼성전자가", "ㅅㅅㅈㅈ", "독서ㅁ", "tkatjd", "iPhone 15 Pro", "C++ 🙂", "\u1109\u1161\u11b7", "(삼성)", ""} {
		f.Add(s)
	}
	a := testAnalyzer(f)
	f.Fuzz(func(t *testing.T, in string) {
		if utf8.RuneCountInString(in) > engine.MaxQueryLen {
			return
		}
		p, norm := planText(a, normalizeQuery(in))
		if !utf8.ValidString(norm) {
			t.Fatalf("normalized %q is not UTF-8", norm)
		}
		for _, term := range p.Terms {
			if term.Text == "" || term.Fuzziness < 0 || term.Fuzziness > 2 || !utf8.ValidString(term.Jamo) {
				t.Fatalf("bad term %+v for %q", term, in)
			}
		}
		_ = keyboardAlternative(normalizeQuery(in))
	})
}
