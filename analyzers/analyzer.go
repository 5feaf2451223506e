package analyzers

import (
	"strings"
	"unicode/utf8"

	"github.com/searchd/searchd/searchd/engine"
)

// Analyzer is a tokenizer followed by token filters, like an Elasticsearch
// custom analyzer. It is safe for concurrent use when its components are
// (all of this package's are).
type Analyzer struct {
	Name        string
	CharFilters []CharFilter
	Tokenizer   Tokenizer
	Filters     []TokenFilter
}

// Analyze returns the token stream of text. Positions start at 0 and keep
// the gaps left by removed tokens; offsets are bytes of text.
func (a *Analyzer) Analyze(text string) []Token {
	for _, c := range a.CharFilters {
		text = c.Filter(text)
	}
	toks := a.Tokenizer.Tokenize(text)
	for _, f := range a.Filters {
		toks = f.Filter(toks)
	}
	return toks
}

// NewNoriAnalyzer builds the equivalent of Elasticsearch's "nori" analyzer
// behind the separator char filter: nori_tokenizer, nori_part_of_speech
// (stopTags; empty means nori's defaults), nori_readingform and lowercase.
func NewNoriAnalyzer(tc TokenizerConfig, stopTags []string) (*Analyzer, error) {
	tok, err := NewNoriTokenizer(tc)
	if err != nil {
		return nil, err
	}
	pos, err := NewPartOfSpeechFilter(PartOfSpeechConfig{StopTags: stopTags})
	if err != nil {
		return nil, err
	}
	return &Analyzer{
		Name:        "nori",
		CharFilters: []CharFilter{NewSeparatorCharFilter()},
		Tokenizer:   tok,
		Filters:     []TokenFilter{pos, NewReadingFormFilter(), NewLowercaseFilter()},
	}, nil
}

// CharOffsets converts tokens of text to Elasticsearch's _analyze shape:
// offsets in UTF-16 code units, nori's attributes written as Elasticsearch's
// explain output writes them (leftPOS "NNG(General Noun)", morphemes
// "삼성/NNG(General Noun)+전자/NNG(General Noun)"). positionLength is
// always set (1 for most tokens).
func CharOffsets(text string, toks []Token) []engine.Token {
	if len(toks) == 0 {
		return []engine.Token{}
	}
	// utf16At[i] is the UTF-16 offset of byte i (at rune boundaries).
	utf16At := make([]int, len(text)+1)
	u := 0
	for i, r := range text {
		utf16At[i] = u
		if r >= 0x10000 {
			u += 2
		} else {
			u++
		}
		for j := i + 1; j < i+utf8.RuneLen(r) && j < len(text); j++ {
			utf16At[j] = u
		}
	}
	utf16At[len(text)] = u
	conv := func(b int) int {
		if b < 0 {
			return 0
		}
		if b > len(text) {
			return u
		}
		return utf16At[b]
	}
	out := make([]engine.Token, len(toks))
	for i, t := range toks {
		pl := t.PositionLength
		if pl < 1 {
			pl = 1
		}
		out[i] = engine.Token{
			Token:          t.Term,
			StartOffset:    conv(t.Start),
			EndOffset:      conv(t.End),
			Type:           t.Type,
			Position:       t.Position,
			PositionLength: pl,
			LeftPOS:        posWithDescription(t.LeftPOS),
			RightPOS:       posWithDescription(t.RightPOS),
			LeftPOSDetail:  posDetailWithDescription(t.LeftPOSDetail),
			RightPOSDetail: posDetailWithDescription(t.RightPOSDetail),
			POSType:        t.POSType,
			Reading:        t.Reading,
			Morphemes:      morphemesWithDescriptions(t.Morphemes),
		}
	}
	return out
}

// morphemesWithDescriptions turns 삼성/NNG+전자/NNG into Elasticsearch's
// 삼성/NNG(General Noun)+전자/NNG(General Noun).
func morphemesWithDescriptions(m string) string {
	if m == "" {
		return ""
	}
	var b strings.Builder
	for i, item := range strings.Split(m, "+") {
		if i > 0 {
			b.WriteByte('+')
		}
		slash := strings.LastIndexByte(item, '/')
		if slash < 0 {
			b.WriteString(item)
			continue
		}
		b.WriteString(item[:slash+1])
		b.WriteString(posWithDescription(item[slash+1:]))
	}
	return b.String()
}
