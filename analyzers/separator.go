package analyzers

import "strings"

// CharFilter rewrites text before the tokenizer, like an Elasticsearch
// char filter. Filters of this package keep the byte length and the rune
// boundaries of text, so token offsets stay offsets into the original.
type CharFilter interface {
	Name() string
	Filter(text string) string
}

// Separators are the middle dots Korean text uses between words
// (서울ㆍ경기, 한ㆍ중ㆍ일) that tokenizers otherwise glue to the words
// around them: U+318D HANGUL LETTER ARAEA, typed for the interpunct on
// Korean keyboards, is a Hangul letter to nori and mecab alike.
var Separators = []rune{
	'\u318D', // ㆍ HANGUL LETTER ARAEA
	'\u00B7', // · MIDDLE DOT
	'\u2027', // ‧ HYPHENATION POINT
	'\u2219', // ∙ BULLET OPERATOR
	'\u30FB', // ・ KATAKANA MIDDLE DOT
	'\uFF65', // ･ HALFWIDTH KATAKANA MIDDLE DOT
	'\u2022', // • BULLET
}

// SeparatorCharFilter is a mapping char filter turning every separator
// into white space. In Go each is replaced by as many spaces as it has
// bytes (offsets stay byte offsets into the original); in Elasticsearch by
// one space (offsets stay characters of the original).
type SeparatorCharFilter struct{ r *strings.Replacer }

// NewSeparatorCharFilter returns the filter for Separators.
func NewSeparatorCharFilter() *SeparatorCharFilter {
	pairs := make([]string, 0, 2*len(Separators))
	for _, s := range Separators {
		pairs = append(pairs, string(s), strings.Repeat(" ", len(string(s))))
	}
	return &SeparatorCharFilter{strings.NewReplacer(pairs...)}
}

// Name is the Elasticsearch char filter type.
func (f *SeparatorCharFilter) Name() string { return "mapping" }

// Filter implements CharFilter; text without separators is returned as it
// is.
func (f *SeparatorCharFilter) Filter(text string) string {
	if !strings.ContainsAny(text, string(Separators)) {
		return text
	}
	return f.r.Replace(text)
}

// elasticMappings are the filter's rules in Elasticsearch's mapping char
// filter syntax.
func (f *SeparatorCharFilter) elasticMappings() []string {
	out := make([]string, 0, len(Separators))
	for _, s := range Separators {
		out = append(out, string(s)+"=>\\u0020")
	}
	return out
}
