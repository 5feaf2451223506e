package analyzers_test

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/searchd/searchd/analyzers"
	"github.com/searchd/searchd/searchd/engine"
)

func TestNewNoriTokenizerConfig(t *testing.T) {
	_, err := analyzers.NewNoriTokenizer(analyzers.TokenizerConfig{DecompoundMode: "split"})
	if engine.ErrorCode(err) != engine.Invalid {
		t.Errorf("decompound_mode split: err = %v, want invalid_argument", err)
	}
	tok := mustTokenizer(t, analyzers.TokenizerConfig{DiscardPunctuation: true})
	if got := tok.Config().DecompoundMode; got != analyzers.DecompoundDiscard {
		t.Errorf("empty decompound mode became %q, want discard", got)
	}
	if tok.Name() != "nori_tokenizer" {
		t.Errorf("Name = %q", tok.Name())
	}
}

// checkInvariants checks what every token stream of text must satisfy.
func checkInvariants(t *testing.T, text string, toks []analyzers.Token, termsAreText bool) {
	t.Helper()
	last := -1
	for i, tk := range toks {
		if tk.Start < 0 || tk.End > len(text) || tk.Start >= tk.End {
			t.Fatalf("token %d %q: offsets %d-%d outside %d bytes", i, tk.Term, tk.Start, tk.End, len(text))
		}
		if !utf8.RuneStart(text[tk.Start]) || (tk.End < len(text) && !utf8.RuneStart(text[tk.End])) {
			t.Fatalf("token %d %q: offsets %d-%d split a character", i, tk.Term, tk.Start, tk.End)
		}
		if tk.Term == "" || tk.Type != "word" || tk.PositionLength < 1 || tk.POSType == "" || tk.LeftPOS == "" {
			t.Fatalf("token %d: incomplete %+v", i, tk)
		}
		if tk.Position < last || tk.Position < 0 {
			t.Fatalf("token %d %q: position %d after %d", i, tk.Term, tk.Position, last)
		}
		last = tk.Position
		if termsAreText && tk.Term != text[tk.Start:tk.End] {
			t.Fatalf("token %d: term %q but text %q", i, tk.Term, text[tk.Start:tk.End])
		}
		if strings.TrimSpace(tk.Term) == "" {
			t.Fatalf("token %d: whitespace token %q", i, tk.Term)
		}
	}
}

func TestVeryLongText(t *testing.T) {
	tok := mustTokenizer(t, analyzers.DefaultTokenizerConfig())
	unit := "삼성전자가 아이폰15를 샀다. iPhone 15 Pro는 世宗大王이 좋아해요! "
	one := tok.Tokenize(unit + unit)
	second := one[len(tok.Tokenize(unit)):] // the unit as it reads after itself
	const copies = 2000
	text := strings.Repeat(unit, copies)
	toks := tok.Tokenize(text)
	checkInvariants(t, text, toks, false)
	first := len(toks) - (copies-1)*len(second)
	if first <= 0 {
		t.Fatalf("got %d tokens for %d copies of a %d-token unit", len(toks), copies, len(second))
	}
	// Every copy after the first analyzes as the second copy does, shifted.
	base := second[0].Position
	for c := 1; c < copies; c++ {
		for j, want := range second {
			got := toks[first+(c-1)*len(second)+j]
			shift := (c - 1) * len(unit)
			want.Start += shift
			want.End += shift
			want.Position = want.Position - base + toks[first].Position + (c-1)*len(second)
			if got != want {
				t.Fatalf("copy %d token %d = %+v, want %+v", c, j, got, want)
			}
		}
	}
}

func TestConcurrentTokenize(t *testing.T) {
	mixed := analyzers.DefaultTokenizerConfig()
	mixed.DecompoundMode = analyzers.DecompoundMixed
	ud, err := analyzers.ParseUserDictionary([]string{"c++", "세종시 세종 시"})
	if err != nil {
		t.Fatal(err)
	}
	mixed.UserDictionary = ud
	tok := mustTokenizer(t, mixed)
	texts := []string{"삼성전자가 아이폰15를 샀다", "C++와 세종시에서", "鄕歌 iPhone 😀", "뿌리가 깊은 나무는"}
	want := make([][]analyzers.Token, len(texts))
	for i, s := range texts {
		want[i] = tok.Tokenize(s)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range 200 {
				i := (g + n) % len(texts)
				if got := tok.Tokenize(texts[i]); !reflect.DeepEqual(got, want[i]) {
					errs <- fmt.Sprintf("goroutine %d: %q analyzed differently", g, texts[i])
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func FuzzTokenize(f *testing.F) {
	for _, s := range []string{"삼성전자가 아이폰15를 샀다", "C++ c++와", "鄕歌 😀👍", "iPhone15Pro", "", " ", "\xff\xfe깨진", "ㅋㅋㅋㅋ!!!", "세종시세종시"} {
		f.Add(s)
	}
	ud, err := analyzers.ParseUserDictionary([]string{"c++", "세종시 세종 시", "ab"})
	if err != nil {
		f.Fatal(err)
	}
	cfgs := map[analyzers.DecompoundMode]analyzers.TokenizerConfig{}
	for _, m := range []analyzers.DecompoundMode{analyzers.DecompoundNone, analyzers.DecompoundDiscard, analyzers.DecompoundMixed} {
		cfgs[m] = analyzers.TokenizerConfig{DecompoundMode: m, DiscardPunctuation: m != analyzers.DecompoundDiscard, UserDictionary: ud}
	}
	toks := map[analyzers.DecompoundMode]*analyzers.NoriTokenizer{}
	for m, c := range cfgs {
		toks[m] = mustTokenizer(f, c)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if !utf8.ValidString(text) {
			// Invalid input must not panic; offsets stay inside it.
			for _, tk := range toks[analyzers.DecompoundMixed].Tokenize(text) {
				if tk.Start < 0 || tk.End > len(text) || tk.Start > tk.End {
					t.Fatalf("offsets %d-%d outside %d bytes", tk.Start, tk.End, len(text))
				}
			}
			text = strings.ToValidUTF8(text, "\uFFFD")
		}
		for m, tk := range toks {
			out := tk.Tokenize(text)
			// Without decomposition every term is the text it covers.
			checkInvariants(t, text, out, m == analyzers.DecompoundNone)
			analyzers.CharOffsets(text, out)
		}
	})
}
