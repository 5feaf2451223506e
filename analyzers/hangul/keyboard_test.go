package hangul_test

import (
	"math/rand/v2"
	"testing"

	"golang.org/x/text/unicode/norm"

	"github.com/searchd/searchd/analyzers/hangul"
)

func TestToQwerty(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", "", ""},
		{"ascii unchanged", "Galaxy S23", "Galaxy S23"},
		{"samsung", "삼성", "tkatjd"},
		{"iphone in korean", "아이폰", "dkdlvhs"},
		{"latin typed in korean mode", "ㅑㅔㅙㅜㄷ", "iphone"},
		{"ㅃ is Q", "빵", "Qkd"},
		{"ㅉ is W", "짜", "Wk"},
		{"ㄸ is E", "떡", "Ejr"},
		{"ㄲ is R", "깎", "RkR"},
		{"ㅆ is T", "쌌", "TkT"},
		{"ㅒ is O", "얘", "dO"},
		{"ㅖ is P", "예", "dP"},
		{"compound medial", "왜", "dho"},
		{"compound medial ㅢ", "의", "dml"},
		{"compound final", "닭", "ekfr"},
		{"compound final ㅄ", "값", "rkqt"},
		{"standalone compound", "ㄳㅘ", "rthk"},
		{"mixed", "삼성 TV 55인치", "tkatjd TV 55dlscl"},
		{"NFD", norm.NFD.String("삼성"), "tkatjd"},
		{"other scripts pass", "漢👍", "漢👍"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := hangul.ToQwerty(tt.in); got != tt.want {
				t.Errorf("ToQwerty(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestFromQwerty(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", "", ""},
		{"samsung", "tkatjd", "삼성"},
		{"iphone in korean", "dkdlvhs", "아이폰"},
		{"shifted keys", "QkdWkEjrRkRTkT", "빵짜떡깎쌌"},
		{"shifted vowels", "dOdP", "얘예"},
		{"other uppercase like lowercase", "TKATJD", "쌈썽"},
		{"capitalized", "Dkdlvhs", "아이폰"},
		{"compound medial", "dho", "왜"},
		{"compound final", "ekfr", "닭"},
		{"compound final then vowel", "ekfrdl", "닭이"},
		{"compound final split by vowel", "ekfrl", "달기"},
		{"compound final ㅄ", "rkqt", "값"},
		{"digits and spaces pass", "tkatjd 55dlscl", "삼성 55인치"},
		{"leftover jamo", "iphone", "ㅑㅔㅙㅜㄷ"},
		{"consonants stay apart", "rt", "ㄱㅅ"},
		{"hangul passes", "삼rk", "삼가"},
		{"punctuation breaks", "r-k", "ㄱ-ㅏ"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := hangul.FromQwerty(tt.in); got != tt.want {
				t.Errorf("FromQwerty(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestKeyJamo(t *testing.T) {
	tests := []struct {
		key  rune
		want rune
		ok   bool
	}{
		{'r', 'ㄱ', true}, {'R', 'ㄲ', true}, {'k', 'ㅏ', true}, {'K', 'ㅏ', true},
		{'o', 'ㅐ', true}, {'O', 'ㅒ', true}, {'m', 'ㅡ', true},
		{'1', 0, false}, {' ', 0, false}, {'가', 0, false}, {-1, 0, false},
	}
	for _, tt := range tests {
		t.Run(string(tt.key), func(t *testing.T) {
			if got, ok := hangul.KeyJamo(tt.key); got != tt.want || ok != tt.ok {
				t.Errorf("KeyJamo(%q) = %q %v, want %q %v", tt.key, got, ok, tt.want, tt.ok)
			}
		})
	}
	t.Run("every key types a keystroke jamo", func(t *testing.T) {
		seen := map[rune]bool{}
		for k := 'a'; k <= 'z'; k++ {
			j, ok := hangul.KeyJamo(k)
			if _, second, _ := hangul.Split(j); !ok || second != 0 || seen[j] {
				t.Errorf("key %c types %q", k, j)
			}
			seen[j] = true
		}
	})
}

func TestKeyboardRoundTripProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 5000 {
		s := randomText(rng, 1+rng.IntN(12), false)
		q := hangul.ToQwerty(s)
		if got := hangul.FromQwerty(q); got != s {
			t.Fatalf("FromQwerty(ToQwerty(%q)) = %q (keys %q)", s, got, q)
		}
	}
}

func TestLooksLikeWrongLayout(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want bool
	}{
		{"samsung", "tkatjd", true},
		{"iphone in korean", "dkdlvhs", true},
		{"one syllable", "rk", true},
		{"shifted keys", "Tkdgks", true},
		{"empty", "", false},
		{"english leaves jamo", "iphone", false},
		{"english hello", "hello", false},
		{"english word composing rare syllables", "dog", false},
		{"english fix", "fix", false},
		{"trailing consonant", "tkatjdt", false},
		{"digits", "tkatjd1", false},
		{"space", "tkat jd", false},
		{"hangul", "삼성", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := hangul.LooksLikeWrongLayout(tt.in); got != tt.want {
				t.Errorf("LooksLikeWrongLayout(%q) = %v (FromQwerty %q), want %v", tt.in, got, hangul.FromQwerty(tt.in), tt.want)
			}
		})
	}
}

func TestIsCommonSyllable(t *testing.T) {
	tests := []struct {
		r    rune
		want bool
	}{
		{'가', true}, {'삼', true}, {'성', true}, {'폰', true}, {'힝', true},
		{'똠', false}, {'햏', false}, {'뷁', false}, {'앻', false},
		{'a', false}, {'ㄱ', false},
	}
	for _, tt := range tests {
		t.Run(string(tt.r), func(t *testing.T) {
			if got := hangul.IsCommonSyllable(tt.r); got != tt.want {
				t.Errorf("IsCommonSyllable(%c) = %v, want %v", tt.r, got, tt.want)
			}
		})
	}
}
