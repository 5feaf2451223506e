package search

import (
	"html"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/searchd/searchd/analyzers"
	"github.com/searchd/searchd/analyzers/hangul"
	"github.com/searchd/searchd/searchd/engine"
)

// Highlighting is done here, from the same analysis for every engine, so
// both engines mark the same words: exact and synonym matches (synonyms
// are stacked on the words they came from), fuzzy matches within the
// term's jamo edits, jamo-prefix and 초성 matches.
const (
	snippetRunes   = 160 // body snippet length
	snippetContext = 40  // runes shown before the first match
	highlightPre   = "<em>"
	highlightPost  = "</em>"
	// maxHighlightBytes bounds the body text analyzed for highlighting.
	maxHighlightBytes = 4096
)

type highlighter struct {
	a Analyzer
	p engine.Plan
}

func newHighlighter(a Analyzer, p engine.Plan) *highlighter { return &highlighter{a: a, p: p} }

func (h *highlighter) matches(t analyzers.Token) bool {
	j := ""
	var match func(terms []engine.PlanTerm) bool
	match = func(terms []engine.PlanTerm) bool {
		for _, pt := range terms {
			if t.Term == pt.Text || match(pt.Parts) {
				return true
			}
			if pt.Fuzziness > 0 {
				if j == "" {
					j = hangul.Jamo(t.Term)
				}
				if hangul.DistanceAtMost(j, pt.Jamo, pt.Fuzziness) {
					return true
				}
			}
		}
		return false
	}
	if match(h.p.Terms) {
		return true
	}
	if h.p.JamoPrefix != "" && strings.HasPrefix(hangul.Jamo(t.Term), h.p.JamoPrefix) {
		return true
	}
	return h.p.Chosung != "" && strings.HasPrefix(hangul.Chosung(t.Term), h.p.Chosung)
}

func (h *highlighter) spans(text string) []span {
	if len(text) > maxHighlightBytes {
		cut := maxHighlightBytes
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut]
	}
	idx, _ := h.a.Document(text)
	var out []span
	for _, t := range idx {
		if h.matches(t) {
			if t.Type == analyzers.TypeSynonym && t.SourceEnd > t.SourceStart {
				// Mark the words the synonym came from, not the word a
				// multi-word expansion's later terms are stacked on.
				out = append(out, span{t.SourceStart, t.SourceEnd})
				continue
			}
			out = append(out, span{t.Start, t.End})
		}
	}
	if h.p.Chosung != "" {
		// 초성 queries match words, which may span several tokens.
		out = append(out, chosungSpans(text, h.p.Chosung)...)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].start < out[j].start })
	merged := out[:0]
	for _, s := range out {
		if n := len(merged); n > 0 && s.start <= merged[n-1].end {
			if s.end > merged[n-1].end {
				merged[n-1].end = s.end
			}
			continue
		}
		merged = append(merged, s)
	}
	return merged
}

// chosungSpans finds words whose 초성 start with the query's.
func chosungSpans(text, cho string) []span {
	var out []span
	start := -1
	flush := func(end int) {
		if start >= 0 {
			w := text[start:end]
			if c := hangul.Chosung(w); strings.HasPrefix(c, cho) {
				// Mark just the syllables the 초성 cover.
				n, i := 0, start
				for i < end && n < utf8.RuneCountInString(cho) {
					_, sz := utf8.DecodeRuneInString(text[i:])
					i += sz
					n++
				}
				out = append(out, span{start, i})
			}
		}
		start = -1
	}
	for i, r := range text {
		if hangul.IsSyllable(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		flush(i)
	}
	flush(len(text))
	return out
}

// render escapes text and wraps spans in highlight tags; with window, it
// cuts a snippet around the first span.
func render(text string, spans []span, window bool) string {
	from, to := 0, len(text)
	if window && utf8.RuneCountInString(text) > snippetRunes {
		first := 0
		if len(spans) > 0 {
			first = spans[0].start
		}
		from = backRunes(text, first, snippetContext)
		to = forwardRunes(text, from, snippetRunes)
	}
	var b strings.Builder
	if from > 0 {
		b.WriteString("…")
	}
	pos := from
	for _, s := range spans {
		if s.end <= from || s.start >= to {
			continue
		}
		st, en := max(s.start, from), min(s.end, to)
		b.WriteString(html.EscapeString(text[pos:st]))
		b.WriteString(highlightPre)
		b.WriteString(html.EscapeString(text[st:en]))
		b.WriteString(highlightPost)
		pos = en
	}
	b.WriteString(html.EscapeString(text[pos:to]))
	if to < len(text) {
		b.WriteString("…")
	}
	return b.String()
}

func backRunes(s string, i, n int) int {
	for ; n > 0 && i > 0; n-- {
		_, sz := utf8.DecodeLastRuneInString(s[:i])
		i -= sz
	}
	return i
}

func forwardRunes(s string, i, n int) int {
	for ; n > 0 && i < len(s); n-- {
		_, sz := utf8.DecodeRuneInString(s[i:])
		i += sz
	}
	return i
}

// highlight returns HTML-escaped title and body snippets with matches in
// <em> tags; a field without matches is left out.
func (h *highlighter) highlight(d engine.Document) map[string][]string {
	out := map[string][]string{}
	if sp := h.spans(d.Title); len(sp) > 0 {
		out["title"] = []string{render(d.Title, sp, false)}
	}
	body := d.Body
	if sp := h.spans(body); len(sp) > 0 {
		out["body"] = []string{render(body, sp, true)}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
