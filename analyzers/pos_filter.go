package analyzers

import (
	"strings"

	"github.com/searchd/searchd/searchd/engine"
)

// DefaultStopTags are nori_part_of_speech's default stop tags: verbal
// endings, interjections, particles, adverbs, determiners, spaces, brackets,
// separators, ellipses, affixes and unknowns.
func DefaultStopTags() []string {
	return []string{
		"E", "IC", "J", "MAG", "MAJ", "MM", "SP", "SSC", "SSO", "SC", "SE",
		"XPN", "XSA", "XSN", "XSV", "UNA", "NA", "VSV",
	}
}

// PartOfSpeechConfig configures nori_part_of_speech.
type PartOfSpeechConfig struct {
	// StopTags are removed; empty means DefaultStopTags. Tags are nori's:
	// a particle tag such as JKS means J, an ending such as EP means E.
	StopTags []string
}

// PartOfSpeechFilter removes tokens whose part of speech is a stop tag, like
// Elasticsearch's nori_part_of_speech. A token's part of speech is its left
// POS (the first morpheme's, for compounds and inflected forms); tokens
// without one are kept. Removing a token leaves a gap in positions, as in
// Lucene, so phrase queries do not match across removed words.
type PartOfSpeechFilter struct {
	stop map[string]struct{}
	tags []string
}

// NewPartOfSpeechFilter validates the stop tags and builds the filter.
func NewPartOfSpeechFilter(cfg PartOfSpeechConfig) (*PartOfSpeechFilter, error) {
	tags := cfg.StopTags
	if len(tags) == 0 {
		tags = DefaultStopTags()
	}
	f := &PartOfSpeechFilter{stop: make(map[string]struct{}, len(tags))}
	for _, t := range tags {
		tag, ok := normalizeStopTag(t)
		if !ok {
			return nil, engine.Errorf(engine.Invalid, "nori_part_of_speech: unknown part-of-speech tag %q", t)
		}
		if _, dup := f.stop[tag]; !dup {
			f.stop[tag] = struct{}{}
			f.tags = append(f.tags, tag)
		}
	}
	return f, nil
}

// normalizeStopTag maps a configured stop tag (any case, surrounding space,
// mecab-ko-dic tags such as JKS) to nori's tag and reports whether nori
// knows it.
func normalizeStopTag(t string) (string, bool) {
	tag := resolvePOS(strings.ToUpper(strings.TrimSpace(t)))
	return tag, isPOSTag(tag)
}

// Name is the Elasticsearch filter type.
func (f *PartOfSpeechFilter) Name() string { return "nori_part_of_speech" }

// StopTags returns the normalized stop tags.
func (f *PartOfSpeechFilter) StopTags() []string { return append([]string(nil), f.tags...) }

// Filter removes stop-tagged tokens in place. Positions are absolute, so
// the tokens that follow keep theirs and the gap stays.
func (f *PartOfSpeechFilter) Filter(tokens []Token) []Token {
	out := tokens[:0]
	for _, t := range tokens {
		if t.LeftPOS != "" {
			if _, stop := f.stop[t.LeftPOS]; stop {
				continue
			}
		}
		out = append(out, t)
	}
	return out
}
