package search

import (
	"strings"
	"unicode/utf8"

	"github.com/searchd/searchd/searchd/engine"
)

// Korean users space inconsistently: 러닝 크루 for 러닝크루, 애니 메이션 for
// 애니메이션. Two query words written next to each other (one space, no
// particle between) are also tried as the one word they join into: the
// pair becomes a term whose parts are the two words and whose whole form is
// the joined word, matched on its jamo spelling like a word the analyzer
// split (so 러닝 크루 finds a 러닝크루 that the dictionary keeps whole, and
// 애니 메이션 finds 애니메이션). The other direction (삼성노트북 for 삼성
// 노트북) needs nothing: one word analyzed into several parts already
// matches them anywhere in a document.
const (
	// maxJoinedRunes bounds the words joined: compounds are short.
	maxJoinedRunes = 8
	// maxJoinedFuzziness: the joined form is a guess, matched within at
	// most one edit.
	maxJoinedFuzziness = 1
)

// joinSpaced returns p with adjacent words paired as above (left to right,
// each word in at most one pair); spans are the terms' words in body, the
// query text without its jamo prefix. A word that analyzed to nothing (스
// of 스 릴러) still joins its neighbour.
func joinSpaced(p engine.Plan, body string, spans []span) engine.Plan {
	words := wordSpans(body)
	if len(words) < 2 || len(spans) != len(p.Terms) {
		return p
	}
	termsOf := make([][]int, len(words))
	for ti, sp := range spans {
		for wi, w := range words {
			if sp.start >= w.start && sp.end <= w.end {
				termsOf[wi] = append(termsOf[wi], ti)
				break
			}
		}
	}
	out := p
	out.Terms = make([]engine.PlanTerm, 0, len(p.Terms))
	for wi := 0; wi < len(words); wi++ {
		if wi+1 < len(words) && words[wi].end+1 == words[wi+1].start {
			joined := strings.ToLower(wordText(body, words[wi]) + wordText(body, words[wi+1]))
			if n := utf8.RuneCountInString(joined); n >= 2 && n <= maxJoinedRunes {
				t := planTerm(joined)
				t.Fuzziness = min(t.Fuzziness, maxJoinedFuzziness)
				for _, ti := range append(append([]int{}, termsOf[wi]...), termsOf[wi+1]...) {
					t.Parts = append(t.Parts, p.Terms[ti])
				}
				t.Whole = len(t.Parts) > 0
				out.Terms = append(out.Terms, t)
				wi++
				continue
			}
		}
		for _, ti := range termsOf[wi] {
			out.Terms = append(out.Terms, p.Terms[ti])
		}
	}
	return out
}

// wordText is a word without trailing punctuation.
func wordText(body string, w span) string {
	return strings.TrimRightFunc(body[w.start:w.end], func(r rune) bool { return !isLetterOrDigit(r) })
}

// queryBody is the normalized query text without its jamo prefix, the text
// planTokens' spans point into.
func queryBody(text string, p engine.Plan) string {
	if p.JamoPrefix == "" {
		return text
	}
	i := strings.LastIndexByte(text, ' ')
	if i < 0 {
		return ""
	}
	return text[:i]
}
