package hangul_test

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/searchd/searchd/analyzers/hangul"
)

func TestDecompose(t *testing.T) {
	tests := []struct {
		name    string
		r       rune
		i, m, f rune
		ok      bool
	}{
		{"first syllable", '가', 'ㄱ', 'ㅏ', 0, true},
		{"last syllable", '힣', 'ㅎ', 'ㅣ', 'ㅎ', true},
		{"with final", '삼', 'ㅅ', 'ㅏ', 'ㅁ', true},
		{"compound medial ㅙ", '왜', 'ㅇ', 'ㅙ', 0, true},
		{"compound medial ㅢ", '의', 'ㅇ', 'ㅢ', 0, true},
		{"compound final ㄺ", '닭', 'ㄷ', 'ㅏ', 'ㄺ', true},
		{"compound final ㄵ", '앉', 'ㅇ', 'ㅏ', 'ㄵ', true},
		{"compound final ㅄ", '값', 'ㄱ', 'ㅏ', 'ㅄ', true},
		{"compound final ㅄ after ㅓ", '없', 'ㅇ', 'ㅓ', 'ㅄ', true},
		{"tense initial and final", '깎', 'ㄲ', 'ㅏ', 'ㄲ', true},
		{"tense ㅆ final", '있', 'ㅇ', 'ㅣ', 'ㅆ', true},
		{"compatibility jamo", 'ㄱ', 0, 0, 0, false},
		{"latin", 'a', 0, 0, 0, false},
		{"before block", 0xABFF, 0, 0, 0, false},
		{"after block", 0xD7A4, 0, 0, 0, false},
		{"conjoining jamo", 0x1100, 0, 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			i, m, f, ok := hangul.Decompose(tt.r)
			if i != tt.i || m != tt.m || f != tt.f || ok != tt.ok {
				t.Errorf("Decompose(%q) = %q %q %q %v, want %q %q %q %v", tt.r, i, m, f, ok, tt.i, tt.m, tt.f, tt.ok)
			}
		})
	}
}

func TestCompose(t *testing.T) {
	tests := []struct {
		name    string
		i, m, f rune
		want    rune
		ok      bool
	}{
		{"open syllable", 'ㄱ', 'ㅏ', 0, '가', true},
		{"with final", 'ㅅ', 'ㅓ', 'ㅇ', '성', true},
		{"compound medial", 'ㅇ', 'ㅘ', 0, '와', true},
		{"compound medial and final", 'ㄷ', 'ㅟ', 'ㄺ', '뒭', true},
		{"compound final ㄵ", 'ㅇ', 'ㅏ', 'ㄵ', '앉', true},
		{"compound final ㅄ", 'ㅇ', 'ㅓ', 'ㅄ', '없', true},
		{"tense initial", 'ㅉ', 'ㅏ', 0, '짜', true},
		{"tense final", 'ㄱ', 'ㅏ', 'ㅆ', '갔', true},
		{"compound cannot start", 'ㄳ', 'ㅏ', 0, 0, false},
		{"ㄸ cannot end", 'ㄱ', 'ㅏ', 'ㄸ', 0, false},
		{"ㅃ cannot end", 'ㄱ', 'ㅏ', 'ㅃ', 0, false},
		{"ㅉ cannot end", 'ㄱ', 'ㅏ', 'ㅉ', 0, false},
		{"vowel as initial", 'ㅏ', 'ㅏ', 0, 0, false},
		{"consonant as medial", 'ㄱ', 'ㄱ', 0, 0, false},
		{"vowel as final", 'ㄱ', 'ㅏ', 'ㅏ', 0, false},
		{"no medial", 'ㄱ', 0, 0, 0, false},
		{"latin", 'k', 'ㅏ', 0, 0, false},
		{"conjoining jamo", 0x1100, 0x1161, 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := hangul.Compose(tt.i, tt.m, tt.f)
			if got != tt.want || ok != tt.ok {
				t.Errorf("Compose(%q, %q, %q) = %q %v, want %q %v", tt.i, tt.m, tt.f, got, ok, tt.want, tt.ok)
			}
		})
	}
}

// Every syllable decomposes into jamo that compose back to it, and the
// valid jamo combinations are exactly the 11,172 syllables.
func TestComposeDecomposeAllSyllables(t *testing.T) {
	for r := rune(0xAC00); r <= 0xD7A3; r++ {
		i, m, f, ok := hangul.Decompose(r)
		if !ok {
			t.Fatalf("Decompose(%c) not ok", r)
		}
		if got, ok := hangul.Compose(i, m, f); !ok || got != r {
			t.Fatalf("Compose(Decompose(%c)) = %c %v", r, got, ok)
		}
	}
	seen := map[rune]bool{}
	for i := rune(0x3131); i <= 0x3163; i++ {
		for m := rune(0x3131); m <= 0x3163; m++ {
			for _, f := range append([]rune{0}, jamoRange(0x3131, 0x3163)...) {
				if s, ok := hangul.Compose(i, m, f); ok {
					if !hangul.IsSyllable(s) || seen[s] {
						t.Fatalf("Compose(%c, %c, %c) = %c: not a new syllable", i, m, f, s)
					}
					seen[s] = true
				}
			}
		}
	}
	if len(seen) != 11172 {
		t.Errorf("%d distinct syllables composed, want 11172", len(seen))
	}
}

func jamoRange(from, to rune) []rune {
	var out []rune
	for r := from; r <= to; r++ {
		out = append(out, r)
	}
	return out
}

func TestClassifiers(t *testing.T) {
	tests := []struct {
		name                                string
		r                                   rune
		syllable, jamo, consonant, vowelish bool
	}{
		{"가", '가', true, false, false, false},
		{"힣", '힣', true, false, false, false},
		{"ㄱ first jamo", 'ㄱ', false, true, true, false},
		{"ㅎ last consonant", 'ㅎ', false, true, true, false},
		{"ㄳ compound consonant", 'ㄳ', false, true, true, false},
		{"ㅏ first vowel", 'ㅏ', false, true, false, true},
		{"ㅣ last vowel", 'ㅣ', false, true, false, true},
		{"ㅘ compound vowel", 'ㅘ', false, true, false, true},
		{"U+3130 before jamo", 0x3130, false, false, false, false},
		{"U+3164 filler", 0x3164, false, false, false, false},
		{"archaic U+3165", 0x3165, false, false, false, false},
		{"conjoining ᄀ", 0x1100, false, false, false, false},
		{"latin", 'a', false, false, false, false},
		{"digit", '7', false, false, false, false},
		{"hanja", '漢', false, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := hangul.IsSyllable(tt.r); got != tt.syllable {
				t.Errorf("IsSyllable = %v", got)
			}
			if got := hangul.IsJamo(tt.r); got != tt.jamo {
				t.Errorf("IsJamo = %v", got)
			}
			if got := hangul.IsConsonant(tt.r); got != tt.consonant {
				t.Errorf("IsConsonant = %v", got)
			}
			if got := hangul.IsVowel(tt.r); got != tt.vowelish {
				t.Errorf("IsVowel = %v", got)
			}
		})
	}
}

func TestSplitJoin(t *testing.T) {
	tests := []struct {
		name        string
		r           rune
		first, next rune
	}{
		{"ㅘ", 'ㅘ', 'ㅗ', 'ㅏ'},
		{"ㅙ", 'ㅙ', 'ㅗ', 'ㅐ'},
		{"ㅚ", 'ㅚ', 'ㅗ', 'ㅣ'},
		{"ㅝ", 'ㅝ', 'ㅜ', 'ㅓ'},
		{"ㅞ", 'ㅞ', 'ㅜ', 'ㅔ'},
		{"ㅟ", 'ㅟ', 'ㅜ', 'ㅣ'},
		{"ㅢ", 'ㅢ', 'ㅡ', 'ㅣ'},
		{"ㄳ", 'ㄳ', 'ㄱ', 'ㅅ'},
		{"ㄵ", 'ㄵ', 'ㄴ', 'ㅈ'},
		{"ㄶ", 'ㄶ', 'ㄴ', 'ㅎ'},
		{"ㄺ", 'ㄺ', 'ㄹ', 'ㄱ'},
		{"ㄻ", 'ㄻ', 'ㄹ', 'ㅁ'},
		{"ㄼ", 'ㄼ', 'ㄹ', 'ㅂ'},
		{"ㄽ", 'ㄽ', 'ㄹ', 'ㅅ'},
		{"ㄾ", 'ㄾ', 'ㄹ', 'ㅌ'},
		{"ㄿ", 'ㄿ', 'ㄹ', 'ㅍ'},
		{"ㅀ", 'ㅀ', 'ㄹ', 'ㅎ'},
		{"ㅄ", 'ㅄ', 'ㅂ', 'ㅅ'},
		{"tense ㄲ is one key", 'ㄲ', 'ㄲ', 0},
		{"tense ㅉ is one key", 'ㅉ', 'ㅉ', 0},
		{"ㅐ is one key", 'ㅐ', 'ㅐ', 0},
		{"ㅖ is one key", 'ㅖ', 'ㅖ', 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b, ok := hangul.Split(tt.r)
			if !ok || a != tt.first || b != tt.next {
				t.Errorf("Split(%c) = %q %q %v, want %q %q", tt.r, a, b, ok, tt.first, tt.next)
			}
			j, ok := hangul.Join(tt.first, tt.next)
			if compound := tt.next != 0; ok != compound || compound && j != tt.r {
				t.Errorf("Join(%q, %q) = %q %v", tt.first, tt.next, j, ok)
			}
		})
	}
	t.Run("not jamo", func(t *testing.T) {
		if _, _, ok := hangul.Split('가'); ok {
			t.Error("Split(가) ok")
		}
	})
	t.Run("no compound", func(t *testing.T) {
		for _, p := range [][2]rune{{'ㅏ', 'ㅗ'}, {'ㄱ', 'ㄱ'}, {'ㅅ', 'ㄱ'}, {'ㅗ', 'ㅓ'}} {
			if j, ok := hangul.Join(p[0], p[1]); ok {
				t.Errorf("Join(%c, %c) = %c", p[0], p[1], j)
			}
		}
	})
}

func TestJamo(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", "", ""},
		{"ascii unchanged", "iPhone 15", "iPhone 15"},
		{"simple", "삼성", "ㅅㅏㅁㅅㅓㅇ"},
		{"compound medial ㅙ", "왜", "ㅇㅗㅐ"},
		{"compound medial ㅢ", "의", "ㅇㅡㅣ"},
		{"compound medial ㅝ", "뭐", "ㅁㅜㅓ"},
		{"compound final ㄺ", "닭", "ㄷㅏㄹㄱ"},
		{"compound final ㄵ", "앉", "ㅇㅏㄴㅈ"},
		{"compound final ㅄ", "값", "ㄱㅏㅂㅅ"},
		{"compound final ㅄ in 없", "없다", "ㅇㅓㅂㅅㄷㅏ"},
		{"compound medial and final", "뒭", "ㄷㅜㅣㄹㄱ"},
		{"tense consonants stay one jamo", "깎았다", "ㄲㅏㄲㅇㅏㅆㄷㅏ"},
		{"tense ㅃ ㅉ ㄸ", "빵짜떡", "ㅃㅏㅇㅉㅏㄸㅓㄱ"},
		{"ㅒ ㅖ are one key", "얘예", "ㅇㅒㅇㅖ"},
		{"standalone jamo", "ㅋㅋㅋ", "ㅋㅋㅋ"},
		{"standalone compound vowel split", "ㅘ", "ㅗㅏ"},
		{"standalone compound consonant split", "ㄳㄺ", "ㄱㅅㄹㄱ"},
		{"mixed korean latin digits", "아이폰15 Pro", "ㅇㅏㅇㅣㅍㅗㄴ15 Pro"},
		{"no lowercasing", "갤럭시S23", "ㄱㅐㄹㄹㅓㄱㅅㅣS23"},
		{"punctuation and emoji", "좋아요!👍", "ㅈㅗㅎㅇㅏㅇㅛ!👍"},
		{"hanja passes", "漢字", "漢字"},
		{"NFD syllables", norm.NFD.String("닭이 왜"), "ㄷㅏㄹㄱㅇㅣ ㅇㅗㅐ"},
		{"NFD mixed with latin", norm.NFD.String("값 ok"), "ㄱㅏㅂㅅ ok"},
		{"lone conjoining initial", "\u1100", "ㄱ"},
		{"lone conjoining compound final", "\u11AA", "ㄱㅅ"},
		{"archaic conjoining passes", "\u1113", "\u1113"},
		{"invalid utf-8", "가\xff", "ㄱㅏ\uFFFD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := hangul.Jamo(tt.in)
			if got != tt.want {
				t.Errorf("Jamo(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := hangul.Jamo(got); again != got {
				t.Errorf("Jamo not idempotent: Jamo(%q) = %q", got, again)
			}
			if n := hangul.JamoLen(tt.in); n != utf8.RuneCountInString(tt.want) {
				t.Errorf("JamoLen(%q) = %d, want %d", tt.in, n, utf8.RuneCountInString(tt.want))
			}
			if r := hangul.AppendJamo(nil, tt.in); string(r) != tt.want {
				t.Errorf("AppendJamo(%q) = %q, want %q", tt.in, string(r), tt.want)
			}
		})
	}
}

func TestJamoLen(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"", 0},
		{"abc", 3},
		{"가", 2},
		{"삼성", 6},
		{"닭", 4},
		{"왜", 3},
		{"뒭", 5},
		{"ㅘ", 2},
		{"갤럭시S23", 11},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := hangul.JamoLen(tt.in); got != tt.want {
				t.Errorf("JamoLen(%q) = %d, want %d", tt.in, got, tt.want)
			}
		})
	}
}

func TestComposeJamo(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", "", ""},
		{"ascii", "abc 123", "abc 123"},
		{"open syllables", "ㄱㅏㄱㅏ", "가가"},
		{"final moves to next syllable", "ㄱㅏㄱㅅㅏ", "각사"},
		{"compound final", "ㄷㅏㄹㄱ", "닭"},
		{"compound final then vowel keeps first part", "ㄷㅏㄹㄱㅇㅣ", "닭이"},
		{"compound final split by vowel", "ㄷㅏㄹㄱㅣ", "달기"},
		{"compound medial ㅘ", "ㅇㅗㅏ", "와"},
		{"compound medial ㅙ", "ㅇㅗㅐ", "왜"},
		{"compound medial ㅢ", "ㅇㅡㅣ", "의"},
		{"compound final ㄵ", "ㅇㅏㄴㅈ", "앉"},
		{"compound final ㅄ", "ㄱㅏㅂㅅ", "값"},
		{"없다", "ㅇㅓㅂㅅㄷㅏ", "없다"},
		{"업서", "ㅇㅓㅂㅅㅓ", "업서"},
		{"compound medial and final", "ㄷㅜㅣㄹㄱ", "뒭"},
		{"tense consonants", "ㄲㅏㄲㅇㅏㅆㄷㅏ", "깎았다"},
		{"tense final moves", "ㄱㅏㅆㅓ", "가써"},
		{"ㄸ cannot be a final", "ㄱㅏㄸㅏ", "가따"},
		{"ㄸ after syllable without vowel", "ㄱㅏㄸ", "가ㄸ"},
		{"three consonants after a vowel", "ㄷㅏㄹㄱㄱㅏ", "닭가"},
		{"consonants alone stay apart", "ㅅㅅㅈㅈ", "ㅅㅅㅈㅈ"},
		{"consonants that could compound stay apart", "ㄱㅅ", "ㄱㅅ"},
		{"vowels alone", "ㅏㅏ", "ㅏㅏ"},
		{"vowels compound alone", "ㅗㅏ", "ㅘ"},
		{"vowel after compound medial", "ㅇㅗㅏㅏ", "와ㅏ"},
		{"leading vowel", "ㅏㄱㅏ", "ㅏ가"},
		{"trailing consonant", "ㅅㅏㅁㅅ", "삼ㅅ"},
		{"compound input split first", "ㄷㅏㄺㅣ", "달기"},
		{"compound vowel input", "ㄱㅘ", "과"},
		{"standalone compound stays", "ㅘ", "ㅘ"},
		{"mixed", "ㅇㅏㅇㅣㅍㅗㄴ15 Pro", "아이폰15 Pro"},
		{"latin breaks composition", "ㄱaㅏ", "ㄱaㅏ"},
		{"syllable breaks composition", "ㄱ가ㅏ", "ㄱ가ㅏ"},
		{"space breaks composition", "ㄱㅏ ㄴㅏ", "가 나"},
		{"conjoining jamo", "\u1100\u1161\u11A8", "각"},
		{"invalid utf-8", "ㄱㅏ\xff", "가\uFFFD"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := hangul.ComposeJamo(tt.in)
			if got != tt.want {
				t.Errorf("ComposeJamo(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if hangul.Jamo(got) != hangul.Jamo(tt.in) {
				t.Errorf("Jamo(ComposeJamo(%q)) = %q, want Jamo of input %q", tt.in, hangul.Jamo(got), hangul.Jamo(tt.in))
			}
		})
	}
}

// randomText returns n runes of complete syllables mixed, when ascii is
// set, with ASCII letters, digits, spaces and punctuation.
func randomText(rng *rand.Rand, n int, ascii bool) string {
	const asciiRunes = "abcXYZ019 .,-!"
	var b strings.Builder
	for range n {
		if ascii && rng.IntN(4) == 0 {
			b.WriteByte(asciiRunes[rng.IntN(len(asciiRunes))])
			continue
		}
		b.WriteRune(rune(0xAC00 + rng.IntN(11172)))
	}
	return b.String()
}

func TestComposeJamoRoundTripProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		s := randomText(rng, 1+rng.IntN(12), true)
		if got := hangul.ComposeJamo(hangul.Jamo(s)); got != s {
			t.Fatalf("ComposeJamo(Jamo(%q)) = %q (jamo %q)", s, got, hangul.Jamo(s))
		}
	}
}

func TestChosung(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", "", ""},
		{"company", "삼성전자", "ㅅㅅㅈㅈ"},
		{"spaces removed", "삼성 전자", "ㅅㅅㅈㅈ"},
		{"other white space removed", "삼성\t전자\n", "ㅅㅅㅈㅈ"},
		{"tense initials", "까치", "ㄲㅊ"},
		{"compound medial and final", "왜 닭", "ㅇㄷ"},
		{"standalone consonants kept", "ㅅㅅ전자", "ㅅㅅㅈㅈ"},
		{"compound consonant split", "ㄳ", "ㄱㅅ"},
		{"vowel jamo kept", "ㅏ가", "ㅏㄱ"},
		{"latin and digits kept", "갤럭시S23", "ㄱㄹㅅS23"},
		{"ascii without space unchanged", "abc", "abc"},
		{"ascii spaces removed", "a b", "ab"},
		{"NFD", norm.NFD.String("삼성 전자"), "ㅅㅅㅈㅈ"},
		{"lone conjoining initial", "\u1100", "ㄱ"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := hangul.Chosung(tt.in); got != tt.want {
				t.Errorf("Chosung(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestIsChosungQuery(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"ㅅㅅㅈㅈ", true},
		{"ㅅㅅ ㅈㅈ", true},
		{" ㄱ ", true},
		{"ㄳ", true},
		{"ㄲㅊ", true},
		{"", false},
		{"   ", false},
		{"ㅅㅏ", false},
		{"삼성", false},
		{"ㅅㅅa", false},
		{"ㅅㅅ1", false},
		{"\u1109\u1109", false},
		{"ㅅ\xff", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := hangul.IsChosungQuery(tt.in); got != tt.want {
				t.Errorf("IsChosungQuery(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
	t.Run("chosung of Hangul text is a query", func(t *testing.T) {
		rng := rand.New(rand.NewPCG(3, 4))
		for range 1000 {
			s := randomText(rng, 1+rng.IntN(8), false)
			if c := hangul.Chosung(s); !hangul.IsChosungQuery(c) || utf8.RuneCountInString(c) != utf8.RuneCountInString(s) {
				t.Fatalf("Chosung(%q) = %q", s, c)
			}
		}
	})
}
