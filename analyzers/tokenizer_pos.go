package analyzers

import "strings"

// Part-of-speech tags are nori's (Lucene's POS.Tag): mecab-ko-dic's Sejong
// tags, except that every verbal ending (EP, EF, EC, ETN, ETM) is E and every
// particle (JKS, JKO, JX, ...) is J. Stop tags and explain output use them.
var posDescriptions = map[string]string{
	"E":       "Verbal endings",
	"IC":      "Interjection",
	"J":       "Ending Particle",
	"MAG":     "General Adverb",
	"MAJ":     "Conjunctive adverb",
	"MM":      "Modifier",
	"NNG":     "General Noun",
	"NNP":     "Proper Noun",
	"NNB":     "Dependent noun",
	"NNBC":    "Dependent noun",
	"NP":      "Pronoun",
	"NR":      "Numeral",
	"SF":      "Terminal punctuation",
	"SH":      "Chinese Characeter", // sic: Lucene's spelling, shown by Elasticsearch
	"SL":      "Foreign language",
	"SN":      "Number",
	"SP":      "Space",
	"SSC":     "Closing brackets",
	"SSO":     "Opening brackets",
	"SC":      "Separator",
	"SY":      "Other symbol",
	"SE":      "Ellipsis",
	"VA":      "Adjective",
	"VCN":     "Negative designator",
	"VCP":     "Positive designator",
	"VV":      "Verb",
	"VX":      "Auxiliary Verb or Adjective",
	"XPN":     "Prefix",
	"XR":      "Root",
	"XSA":     "Adjective Suffix",
	"XSN":     "Noun Suffix",
	"XSV":     "Verb Suffix",
	"UNKNOWN": "Unknown",
	"UNA":     "Unknown",
	"NA":      "Unknown",
	"VSV":     "Unknown",
}

// resolvePOS maps a mecab-ko-dic tag to nori's tag: J* → J, E* → E, others
// unchanged. The result is a substring of tag or a constant (no allocation).
func resolvePOS(tag string) string {
	switch {
	case strings.HasPrefix(tag, "J"):
		return "J"
	case strings.HasPrefix(tag, "E"):
		return "E"
	}
	return tag
}

// isPOSTag reports whether tag is one of nori's part-of-speech tags.
func isPOSTag(tag string) bool {
	_, ok := posDescriptions[tag]
	return ok
}

// posWithDescription renders a tag the way Elasticsearch's explain output
// does: "NNG(General Noun)".
func posWithDescription(tag string) string {
	if tag == "" {
		return ""
	}
	return tag + "(" + posDescriptions[tag] + ")"
}
