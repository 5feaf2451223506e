package trending_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/searchd/searchd/ingest/trending"
	"github.com/searchd/searchd/searchd/engine"
)

func TestKey(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"spacing variants merge", "아이폰 15", "아이폰15"},
		{"runs of spaces and tabs", " 아이폰 \t 15 ", "아이폰15"},
		{"decomposed jamo compose (NFC)", norm.NFD.String("삼성전자"), "삼성전자"},
		{"case folds", "iPhone 15 PRO", "iphone15pro"},
		{"control characters dropped", "갤럭시\x00S24", "갤럭시s24"},
		{"empty", "   ", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := trending.Key(tc.in); got != tc.want {
				t.Fatalf("Key(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestSurface(t *testing.T) {
	if got := trending.Surface("  아이폰   15 Pro "); got != "아이폰 15 Pro" {
		t.Fatalf("Surface = %q", got)
	}
	if got := trending.Surface(strings.Repeat("가", 500)); utf8.RuneCountInString(got) != 100 {
		t.Fatalf("Surface kept %d runes, want the 100-rune cap", utf8.RuneCountInString(got))
	}
}

func TestNoise(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"날씨", ""},
		{"2024년", ""},
		{"", trending.ReasonEmpty},
		{"12345", trending.ReasonNoLetters},
		{"!!!???", trending.ReasonNoLetters},
		{"ㅋㅋㅋ", ""},
		{strings.Repeat("가", 31), trending.ReasonTooLong},
		{strings.Repeat("가", 30), ""},
	} {
		if got := trending.Noise(trending.Key(tc.in), 30); got != tc.want {
			t.Errorf("Noise(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestBlocklist(t *testing.T) {
	b, err := trending.Blocklist{
		Exact:    []string{"연예인 루머", "연예인루머", "Bad Word"},
		Patterns: []string{"*도박*", "카지노?", "[x]*"},
	}.Normalize()
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Exact) != 2 || b.Exact[0] != "연예인루머" || b.Exact[1] != "badword" {
		t.Fatalf("normalized exact entries %q", b.Exact)
	}
	for _, tc := range []struct {
		kw   string
		want bool
	}{
		{"연예인 루머", true}, {"연예인  루머", true}, {"BAD word", true}, {"연예인", false},
		{"불법 도박 사이트", true}, {"도박", true}, {"카지노1", true}, {"카지노", false}, {"카지노12", false},
		{"[x]abc", true}, {"xabc", false},
	} {
		if got := b.Blocks(tc.kw); got != tc.want {
			t.Errorf("Blocks(%q) = %v, want %v", tc.kw, got, tc.want)
		}
	}
	for name, bad := range map[string]trending.Blocklist{
		"empty entry":    {Exact: []string{"  "}},
		"only wildcards": {Patterns: []string{"*?*"}},
		"too long":       {Exact: []string{strings.Repeat("가", 101)}},
		"invalid UTF-8":  {Exact: []string{"\xff\xfe"}},
		"too many":       {Exact: make([]string, trending.MaxBlocklistEntries+1)},
	} {
		if _, err := bad.Normalize(); engine.ErrorCode(err) != engine.Invalid {
			t.Errorf("%s: err %v, want invalid_argument", name, err)
		}
	}
	if _, err := trending.ParseBlocklist([]byte(`{"exact":["a"],"regex":["x"]}`)); engine.ErrorCode(err) != engine.Invalid {
		t.Errorf("unknown field: err %v, want invalid_argument", err)
	}
}

func FuzzKey(f *testing.F) {
	for _, s := range []string{"아이폰 15", norm.NFD.String("삼성 전자"), "iPhone\t15", "\xff", "ㅋㅋ ㅋ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := trending.Key(s)
		if trending.Key(k) != k {
			t.Fatalf("Key is not idempotent on %q: %q then %q", s, k, trending.Key(k))
		}
		if strings.ContainsAny(k, " \t\n") || !utf8.ValidString(k) {
			t.Fatalf("Key(%q) = %q has spaces or invalid UTF-8", s, k)
		}
	})
}

func FuzzParseBlocklist(f *testing.F) {
	for _, s := range []string{`{"exact":["연예인 루머"],"patterns":["*도박*"]}`, `{"patterns":["?"]}`, `{}`, `[`, `{"exact":[""]}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := trending.ParseBlocklist([]byte(s))
		if err != nil {
			if engine.ErrorCode(err) != engine.Invalid {
				t.Fatalf("error %v has code %q, want invalid_argument", err, engine.ErrorCode(err))
			}
			return
		}
		// A valid blocklist blocks each of its exact entries and every
		// pattern blocks itself with its wildcards read literally.
		for _, e := range b.Exact {
			if !b.Blocks(e) {
				t.Fatalf("exact entry %q is not blocked", e)
			}
		}
		for _, p := range b.Patterns {
			lit := strings.NewReplacer("*", "", "?", "x").Replace(p)
			if !b.Blocks(lit) && trending.Key(lit) == lit {
				t.Fatalf("pattern %q does not block %q", p, lit)
			}
		}
	})
}
