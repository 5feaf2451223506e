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

// posDetails are the fine-grained tags nori's coarse J and E collapse, with
// the descriptions Lucene 10's POS.Tag gives them.
var posDetails = map[string]string{
	"EP":  "Pre-final ending",
	"EF":  "Sentence-closing ending",
	"EC":  "Connective ending",
	"ETN": "Nominal transformative ending",
	"ETM": "Adnominal form transformative ending",
	"JKS": "Subject case marker",
	"JKC": "Complement case marker",
	"JKG": "Adnominal case marker",
	"JKO": "Object case marker",
	"JKB": "Adverbial case marker",
	"JKV": "Vocative case marker",
	"JKQ": "Quotative case marker",
	"JX":  "Auxiliary postpositional particle",
	"JC":  "Conjunctive postpositional particle",
}

// posDetail returns tag when it is one of the fine-grained tags of
// posDetails, else "" (the coarse tag says it all).
func posDetail(tag string) string {
	if _, ok := posDetails[tag]; ok {
		return tag
	}
	return ""
}

// posDetailWithDescription renders a fine-grained tag as Lucene 10's nori
// explain does: "JKS(Subject case marker)".
func posDetailWithDescription(tag string) string {
	if tag == "" {
		return ""
	}
	return tag + "(" + posDetails[tag] + ")"
}
