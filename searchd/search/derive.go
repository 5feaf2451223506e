package search

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/searchd/searchd/analyzers"
	"github.com/searchd/searchd/analyzers/hangul"
	"github.com/searchd/searchd/searchd/engine"
)

// Bounds on derived fields, so one long body cannot bloat the index.
const (
	maxChosungForms   = 256
	maxSuggestPhrases = 16
	maxSuggestRunes   = 40
	minChosungRunes   = 2
)

// Analyzed is a document with its token streams and derived fields, ready
// for an engine to index.
type Analyzed struct {
	Doc     engine.Document
	Derived engine.Derived
	// Token streams of title and body: index-time (synonyms expanded) and
	// exact (no synonyms).
	TitleIndex, TitleExact []analyzers.Token
	BodyIndex, BodyExact   []analyzers.Token
	// TagsIndex: the index-time tokens of every tag, one after another.
	TagsIndex []analyzers.Token
}

// Derive analyzes a document once and computes every derived field. Both
// engines index these same values, so Korean behaviour cannot drift.
func Derive(a Analyzer, d engine.Document, now time.Time) Analyzed {
	d = NormalizeDocument(d)
	out := Analyzed{Doc: d}
	out.TitleIndex, out.TitleExact = a.Document(d.Title)
	out.BodyIndex, out.BodyExact = a.Document(d.Body)

	jamo := newSet(64)
	for _, toks := range [][]analyzers.Token{out.TitleIndex, out.BodyIndex} {
		for _, t := range toks {
			jamo.add(hangul.Jamo(t.Term))
		}
	}
	// Whole words (from their first letter to the end of their last token,
	// particles dropped) in jamo, for word-level fuzzy matching.
	for _, f := range []struct {
		text string
		toks []analyzers.Token
	}{{d.Title, out.TitleExact}, {d.Body, out.BodyExact}} {
		for _, w := range wordCores(f.text, f.toks) {
			jamo.add(hangul.Jamo(w))
		}
	}
	cho := newSet(32)
	addChosung := func(s string) {
		if cho.len() >= maxChosungForms {
			return
		}
		c := hangul.Chosung(s)
		if utf8.RuneCountInString(c) >= minChosungRunes && hangul.IsChosungQuery(c) {
			cho.add(c)
		}
	}
	for _, text := range []string{d.Title, d.Body} {
		words := letterWords(text)
		for i, w := range words {
			addChosung(w)
			if i > 0 {
				addChosung(words[i-1] + w)
			}
		}
	}
	for _, t := range out.TitleExact {
		addChosung(t.Term)
	}

	sug := newSet(8)
	addSuggest := func(s string) {
		s = strings.Join(strings.Fields(s), " ")
		if s != "" && utf8.RuneCountInString(s) <= maxSuggestRunes && sug.len() < maxSuggestPhrases {
			sug.add(s)
		}
	}
	for _, tag := range d.Tags {
		addSuggest(tag)
		idx, _ := a.Document(tag)
		base := 0
		if n := len(out.TagsIndex); n > 0 {
			base = out.TagsIndex[n-1].Position + 2 // a gap between tags
		}
		for _, t := range idx {
			jamo.add(hangul.Jamo(t.Term))
			t.Position += base
			out.TagsIndex = append(out.TagsIndex, t)
		}
		jamo.add(hangul.Jamo(strings.ToLower(strings.ReplaceAll(tag, " ", ""))))
		addChosung(strings.ReplaceAll(tag, " ", ""))
	}
	addSuggest(d.Title)
	for _, t := range out.TitleExact {
		if isNounLike(t) && utf8.RuneCountInString(t.Term) >= 2 {
			addSuggest(d.Title[t.Start:t.End])
		}
	}

	out.Derived = engine.Derived{
		TermsJamo: jamo.items,
		Chosung:   cho.items,
		Suggest:   sug.items,
		UpdatedAt: now.UTC(),
	}
	for _, s := range sug.items {
		compact := strings.ToLower(strings.ReplaceAll(s, " ", ""))
		out.Derived.SuggestJamo = append(out.Derived.SuggestJamo, hangul.Jamo(compact))
		if c := hangul.Chosung(compact); hangul.IsChosungQuery(c) {
			out.Derived.SuggestChosung = append(out.Derived.SuggestChosung, c)
		}
	}
	return out
}

// wordCores returns, for each word of text with more than one token or a
// token shorter than the word, the word from its first letter to the end
// of its last token, lowercased (삼성전자가 → 삼성전자, 아이폰으로 → 아이폰).
func wordCores(text string, toks []analyzers.Token) []string {
	var out []string
	i := 0
	for _, w := range wordSpans(text) {
		n, end, first := 0, -1, ""
		for ; i < len(toks) && toks[i].Start < w.end; i++ {
			if toks[i].Start >= w.start {
				if n == 0 {
					first = toks[i].Term
				}
				n++
				end = max(end, toks[i].End)
			}
		}
		if n == 0 {
			continue
		}
		core := strings.ToLower(text[w.start:end])
		if n > 1 || core != first {
			out = append(out, core)
		}
	}
	return out
}

// isNounLike reports whether a token is a noun or a foreign word, the kind
// of token worth suggesting on its own.
func isNounLike(t analyzers.Token) bool {
	switch t.LeftPOS {
	case "NNG", "NNP", "SL", "SH":
		return true
	}
	return false
}

// letterWords splits text at anything that is not a letter or digit.
func letterWords(text string) []string {
	return strings.FieldsFunc(text, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// set keeps unique strings in insertion order.
type set struct {
	seen  map[string]struct{}
	items []string
}

func newSet(n int) *set { return &set{seen: make(map[string]struct{}, n)} }

func (s *set) add(v string) {
	if v == "" {
		return
	}
	if _, ok := s.seen[v]; ok {
		return
	}
	s.seen[v] = struct{}{}
	s.items = append(s.items, v)
}

func (s *set) len() int { return len(s.items) }

// NormalizeDocument applies Unicode NFC to a document's text fields, as
// queries get it (normalizeQuery): text in decomposed form (NFD, as macOS
// and some clients write Korean) is stored, analyzed and matched as the
// composed text it is canonically equal to, in both engines.
func NormalizeDocument(d engine.Document) engine.Document {
	d.Title, d.Body = norm.NFC.String(d.Title), norm.NFC.String(d.Body)
	d.Category, d.Region, d.Author = norm.NFC.String(d.Category), norm.NFC.String(d.Region), norm.NFC.String(d.Author)
	if len(d.Tags) > 0 {
		tags := make([]string, len(d.Tags))
		for i, t := range d.Tags {
			tags[i] = norm.NFC.String(t)
		}
		d.Tags = tags
	}
	return d
}
