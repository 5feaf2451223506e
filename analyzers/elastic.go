package analyzers

import (
	"slices"

	"github.com/searchd/searchd/searchd/engine"
)

// Names of the components in the generated Elasticsearch settings.
const (
	esIndexTokenizer  = "korean_index_tokenizer"
	esSearchTokenizer = "korean_search_tokenizer"
	esPOSFilter       = "korean_pos"
	esReadingForm     = "korean_readingform"
	esSynonymFilter   = "korean_synonyms"
)

// ElasticsearchAnalysis validates settings and returns the index's
// settings.analysis object for Elasticsearch 7 / OpenSearch with the
// analysis-nori plugin. Invalid settings return Problems, the same ones
// Validate reports, so a dictionary searchd accepts is one Elasticsearch
// accepts.
func ElasticsearchAnalysis(s engine.AnalysisSettings) (map[string]any, error) {
	a, err := NewAnalysis(s)
	if err != nil {
		return nil, err
	}
	return a.Elasticsearch(), nil
}

// Elasticsearch returns the settings.analysis object defining the same
// analyzers as a.Index and a.Search:
//
//   - tokenizers korean_index_tokenizer (the index decompound mode) and
//     korean_search_tokenizer (discard), both nori_tokenizer with
//     discard_punctuation and the user dictionary's rules inline;
//   - filters korean_pos (nori_part_of_speech with the stop tags written
//     out, nori's defaults when none were set), korean_readingform and,
//     when the dictionary has rules, korean_synonyms: type synonym (not
//     synonym_graph, which Elasticsearch allows at search time only), rules
//     inline, expand as the settings' SynonymsExpand (true by default),
//     lenient false so a bad rule fails loudly;
//   - analyzers korean_index (tokenizer, korean_pos, korean_readingform,
//     lowercase, korean_synonyms) and korean_search (no synonyms).
//
// Settings stay minimal: without synonym rules the synonym filter is left
// out rather than defined empty, and without user words the tokenizers have
// no user_dictionary_rules.
func (a *Analysis) Elasticsearch() map[string]any {
	// nori matches user words case-sensitively, ours does not: give it the
	// lower- and upper-case spellings too (c++ and C++).
	userRules := a.userDict.CaseVariantRules()
	tokenizer := func(mode DecompoundMode) map[string]any {
		t := map[string]any{
			"type":                "nori_tokenizer",
			"decompound_mode":     string(mode),
			"discard_punctuation": true,
		}
		if len(userRules) > 0 {
			t["user_dictionary_rules"] = slices.Clone(userRules) // one copy per tokenizer
		}
		return t
	}
	filters := map[string]any{
		esPOSFilter:   map[string]any{"type": "nori_part_of_speech", "stoptags": a.stopTags},
		esReadingForm: map[string]any{"type": "nori_readingform"},
	}
	chain := []string{esPOSFilter, esReadingForm, "lowercase"}
	indexChain := chain
	if rules := a.Synonyms.Rules(); len(rules) > 0 {
		filters[esSynonymFilter] = map[string]any{
			"type":     "synonym",
			"synonyms": rules,
			"expand":   a.Synonyms.Expand(),
			"lenient":  false,
		}
		indexChain = append(indexChain[:len(chain):len(chain)], esSynonymFilter)
	}
	analyzer := func(tokenizer string, filters []string) map[string]any {
		return map[string]any{"type": "custom", "tokenizer": tokenizer, "filter": filters}
	}
	return map[string]any{
		"tokenizer": map[string]any{
			esIndexTokenizer:  tokenizer(a.mode),
			esSearchTokenizer: tokenizer(DecompoundDiscard),
		},
		"filter": filters,
		"analyzer": map[string]any{
			IndexAnalyzerName:  analyzer(esIndexTokenizer, indexChain),
			SearchAnalyzerName: analyzer(esSearchTokenizer, chain),
		},
	}
}
