package hangul_test

import (
	"strings"
	"sync"
	"testing"

	"golang.org/x/text/unicode/norm"

	"github.com/searchd/searchd/analyzers/hangul"
	"github.com/searchd/searchd/internal/nsmc"
)

// Typical query and index terms.
var benchWords = []string{"삼성전자", "아이폰", "맛집", "닭갈비", "없어요", "괜찮아요", "영화", "갤럭시S23", "의자", "왜"}

var sink int

func BenchmarkJamo(b *testing.B) {
	cases := []struct{ name, in string }{
		{"word", "삼성전자"},
		{"compound", "닭갈비 괜찮아요"},
		{"mixed", "갤럭시S23 울트라"},
		{"ascii", "iphone 15 pro"},
		{"jamo", "ㅅㅏㅁㅅㅓㅇ"},
		{"nfd", norm.NFD.String("삼성전자")},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sink += len(hangul.Jamo(c.in))
			}
		})
	}
}

func BenchmarkJamoLen(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		for _, w := range benchWords {
			sink += hangul.JamoLen(w)
		}
	}
}

func BenchmarkChosung(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		sink += len(hangul.Chosung("삼성전자 갤럭시"))
	}
}

func BenchmarkComposeJamo(b *testing.B) {
	in := hangul.Jamo("닭갈비 괜찮아요")
	b.ReportAllocs()
	for b.Loop() {
		sink += len(hangul.ComposeJamo(in))
	}
}

func BenchmarkFromQwerty(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		sink += len(hangul.FromQwerty("tkatjdwjswk"))
	}
}

func BenchmarkLooksLikeWrongLayout(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if hangul.LooksLikeWrongLayout("tkatjdwjswk") {
			sink++
		}
	}
}

var distancePairs = []struct{ name, a, b string }{
	{"typo", "삼송전자", "삼성전자"},
	{"far", "닭갈비", "아이폰"},
	{"length", "영화", "괜찮아요영화관"},
}

func BenchmarkDistance(b *testing.B) {
	for _, p := range distancePairs {
		b.Run(p.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sink += hangul.Distance(p.a, p.b)
			}
		})
	}
}

func BenchmarkDistanceAtMost(b *testing.B) {
	for _, p := range distancePairs {
		for _, k := range []int{1, 2} {
			b.Run(p.name+"/k="+string(rune('0'+k)), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if hangul.DistanceAtMost(p.a, p.b, k) {
						sink++
					}
				}
			})
		}
	}
}

// nsmcWords returns the distinct words of the first reviews of the NSMC
// corpus, or skips the benchmark when the corpus is absent.
var nsmcWords = sync.OnceValues(func() ([]string, error) {
	path, ok := nsmc.Path()
	if !ok {
		return nil, nil
	}
	seen := map[string]bool{}
	var words []string
	err := nsmc.Read(path, 20000, func(r nsmc.Review) error {
		for _, w := range strings.Fields(r.Text) {
			if !seen[w] {
				seen[w] = true
				words = append(words, w)
			}
		}
		return nil
	})
	return words, err
})

func corpusWords(b *testing.B) []string {
	words, err := nsmcWords()
	if err != nil {
		b.Fatal(err)
	}
	if words == nil {
		b.Skip("NSMC corpus not found (set SEARCHD_NSMC)")
	}
	return words
}

// BenchmarkJamoNSMC spells the distinct words of 20,000 real reviews.
func BenchmarkJamoNSMC(b *testing.B) {
	words := corpusWords(b)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, w := range words {
			sink += len(hangul.Jamo(w))
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(words)), "ns/word")
}

// BenchmarkDistanceAtMostNSMC is the fuzzy-candidate scan: one query term
// checked against every distinct word of 20,000 reviews, two edits allowed.
func BenchmarkDistanceAtMostNSMC(b *testing.B) {
	words := corpusWords(b)
	matches := 0
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		matches = 0
		for _, w := range words {
			if hangul.DistanceAtMost("재미있어요", w, 2) {
				matches++
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(words)), "ns/word")
	b.ReportMetric(float64(matches), "matches")
}
