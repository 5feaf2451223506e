package hangul_test

import (
	"math/rand/v2"
	"testing"

	"golang.org/x/text/unicode/norm"

	"github.com/searchd/searchd/analyzers/hangul"
)

// referenceOSA is the textbook full-matrix optimal-string-alignment
// distance over jamo, the oracle for the banded implementation.
func referenceOSA(a, b string) int {
	ra, rb := []rune(hangul.Jamo(a)), []rune(hangul.Jamo(b))
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

func TestDistance(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		want int
	}{
		{"equal", "삼성", "삼성", 0},
		{"both empty", "", "", 0},
		{"one empty", "", "삼성", 6},
		{"vowel typo is one jamo edit", "삼송", "삼성", 1},
		{"compound final dropped", "닭", "닥", 1},
		{"compound final changed", "값", "갑", 1},
		{"compound medial", "왜", "외", 1},
		{"final added", "가나", "가난", 1},
		{"syllable swap is two syllables of jamo", "성삼", "삼성", 4},
		{"adjacent jamo transposed", "ㄱㅏ", "ㅏㄱ", 1},
		{"latin transposition", "abcd", "abdc", 1},
		{"osa does not edit twice", "ca", "abc", 3},
		{"tense vs plain", "까", "가", 1},
		{"mixed", "아이폰15", "아이펀15", 1},
		{"NFD equals NFC", norm.NFD.String("닭이"), "닭이", 0},
		{"jamo input", "ㅅㅏㅁㅅㅓㅇ", "삼성", 0},
		{"long", "대한민국만세대한민국만세대한민국만세", "대한민국만세대한민국만세대한민국만세요", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := hangul.Distance(tt.a, tt.b); got != tt.want {
				t.Errorf("Distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
			}
			if got := hangul.Distance(tt.b, tt.a); got != tt.want {
				t.Errorf("Distance(%q, %q) = %d, want %d", tt.b, tt.a, got, tt.want)
			}
			if got := referenceOSA(tt.a, tt.b); got != tt.want {
				t.Errorf("reference distance %d, want %d: table is wrong", got, tt.want)
			}
			for k := -1; k <= tt.want+1; k++ {
				if got := hangul.DistanceAtMost(tt.a, tt.b, k); got != (tt.want <= k) {
					t.Errorf("DistanceAtMost(%q, %q, %d) = %v", tt.a, tt.b, k, got)
				}
			}
		})
	}
}

// similarPair returns a random Korean word and a mutation of it by a few
// random jamo edits, so distances are small and the band matters.
func similarPair(rng *rand.Rand) (string, string) {
	a := randomText(rng, 1+rng.IntN(6), rng.IntN(3) == 0)
	j := []rune(hangul.Jamo(a))
	pool := []rune("ㄱㄲㄴㄷㅏㅓㅗㅘㅣab")
	for range rng.IntN(5) {
		i := rng.IntN(len(j) + 1)
		switch op := rng.IntN(4); {
		case op == 0 || len(j) == 0 || i == len(j):
			j = append(j[:i], append([]rune{pool[rng.IntN(len(pool))]}, j[i:]...)...)
		case op == 1:
			j = append(j[:i], j[i+1:]...)
		case op == 2:
			j[i] = pool[rng.IntN(len(pool))]
		case i+1 < len(j):
			j[i], j[i+1] = j[i+1], j[i]
		}
	}
	return a, hangul.ComposeJamo(string(j))
}

func TestDistanceAgreesWithReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for range 5000 {
		a, b := similarPair(rng)
		want := referenceOSA(a, b)
		if got := hangul.Distance(a, b); got != want {
			t.Fatalf("Distance(%q, %q) = %d, reference %d", a, b, got, want)
		}
		if got := hangul.Distance(b, a); got != want {
			t.Fatalf("Distance not symmetric: (%q, %q) = %d, reference %d", b, a, got, want)
		}
		if (want == 0) != (hangul.Jamo(a) == hangul.Jamo(b)) {
			t.Fatalf("Distance(%q, %q) = %d but jamo equal is %v", a, b, want, hangul.Jamo(a) == hangul.Jamo(b))
		}
		for k := 0; k <= 4; k++ {
			if got := hangul.DistanceAtMost(a, b, k); got != (want <= k) {
				t.Fatalf("DistanceAtMost(%q, %q, %d) = %v, distance %d", a, b, k, got, want)
			}
		}
	}
}

func TestDistanceLongInput(t *testing.T) {
	// Longer than the stack buffers: the slow path must agree too.
	rng := rand.New(rand.NewPCG(9, 10))
	a := randomText(rng, 60, true)
	r := []rune(a)
	b := string(r[:30]) + "삼성" + string(r[30:])
	want := referenceOSA(a, b)
	if got := hangul.Distance(a, b); got != want {
		t.Errorf("Distance = %d, reference %d", got, want)
	}
	if !hangul.DistanceAtMost(a, b, want) || hangul.DistanceAtMost(a, b, want-1) {
		t.Errorf("DistanceAtMost disagrees with distance %d", want)
	}
}
