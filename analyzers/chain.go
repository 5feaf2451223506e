package analyzers

import (
	"fmt"
	"strings"

	"github.com/searchd/searchd/searchd/engine"
)

// Analyzer names, the same in Go and in the generated Elasticsearch
// settings.
const (
	IndexAnalyzerName  = "korean_index"
	SearchAnalyzerName = "korean_search"
)

// maxUserDictionaryProblems bounds how many bad user dictionary lines one
// validation reports.
const maxUserDictionaryProblems = 100

// Analysis is the Korean analysis of one documents index version, built from
// engine.AnalysisSettings:
//
//   - Index (korean_index): nori_tokenizer (the settings' decompound mode,
//     discard by default, and user dictionary), nori_part_of_speech,
//     nori_readingform, lowercase, then the synonym filter. Documents are
//     analyzed with it, so synonyms are expanded at index time.
//   - Search (korean_search): the same chain with decompound mode discard
//     and no synonym filter. Queries are analyzed with it, so fuzziness
//     applies to every term the user typed (see DESIGN.md).
//
// How decompounding meets synonym rules: rule words are analyzed with the
// index chain before the synonym filter, exactly as Elasticsearch does. With
// discard (the default) a compound such as 삼성전자 becomes the two-term
// input "삼성 전자", which matches the same two tokens in documents; its
// synonym 삼전 is added at the position of 삼성 and spans both. With none,
// the compound is one term and matches only where the tokenizer keeps it
// whole. Mixed is rejected together with synonyms because Elasticsearch
// cannot build a synonym filter after a tokenizer that stacks compound
// parts.
type Analysis struct {
	Index  *Analyzer
	Search *Analyzer
	// Synonyms is the parsed dictionary; nil when there are no rules.
	Synonyms *SynonymSet
	// Warnings are the settings' problems that did not stop the build.
	Warnings Problems

	mode     DecompoundMode
	userDict *UserDictionary
	stopTags []string
}

// NewAnalysis validates settings and builds both analyzers. Settings with
// errors return Problems listing every problem (warnings too); settings
// with only warnings are built, and a.Warnings lists them.
func NewAnalysis(s engine.AnalysisSettings) (*Analysis, error) {
	a, problems, err := buildAnalysis(s, nil)
	if err != nil {
		return nil, err
	}
	if problems.HasErrors() {
		return nil, problems
	}
	return a, nil
}

// Validate returns every problem with settings, errors and warnings,
// sorted by dictionary (synonyms, user dictionary, stop tags, decompound
// mode), line and column; nil when there is none. Only errors make the
// settings invalid (ps.HasErrors()); NewAnalysis builds settings that have
// only warnings. An internal failure (the system dictionary failing to
// load) is reported as one error with code CodeInternal.
func Validate(s engine.AnalysisSettings) Problems {
	return validate(s, &validation{})
}

func validate(s engine.AnalysisSettings, v *validation) Problems {
	_, problems, err := buildAnalysis(s, v)
	if err != nil {
		return Problems{{Dictionary: DictSynonyms, Severity: SeverityError, Code: CodeInternal,
			Message: "the Korean analyzer could not be loaded: " + err.Error()}}
	}
	return problems
}

// validation makes buildAnalysis only collect problems, analyzing words
// through cache when it is set.
type validation struct {
	cache *Validator
}

// UserDictionary is the user dictionary the analyzers were built with;
// nil when there are no user words.
func (a *Analysis) UserDictionary() *UserDictionary {
	if a.userDict.Len() == 0 {
		return nil
	}
	return a.userDict
}

// NewIndexAnalyzer builds the korean_index analyzer of settings.
func NewIndexAnalyzer(s engine.AnalysisSettings) (*Analyzer, error) {
	a, err := NewAnalysis(s)
	if err != nil {
		return nil, err
	}
	return a.Index, nil
}

// NewSearchAnalyzer builds the korean_search analyzer of settings (it
// ignores the decompound mode and the synonyms).
func NewSearchAnalyzer(s engine.AnalysisSettings) (*Analyzer, error) {
	s.DecompoundMode, s.Synonyms = "", ""
	a, err := NewAnalysis(s)
	if err != nil {
		return nil, err
	}
	return a.Search, nil
}

// buildAnalysis builds what it can and collects every problem on the way:
// when the tokenizer settings are bad, synonyms are still checked with the
// default chain so that the admin sees all problems at once. With v set it
// only collects the problems (the Analysis is nil).
func buildAnalysis(s engine.AnalysisSettings, v *validation) (*Analysis, Problems, error) {
	var problems Problems
	a := &Analysis{}

	hasSynonyms := strings.TrimSpace(s.Synonyms) != ""
	tokenizerOK := true
	mode, ok := parseDecompoundMode(DecompoundMode(strings.ToLower(strings.TrimSpace(s.DecompoundMode))))
	switch {
	case !ok:
		problems = append(problems, Problem{Dictionary: DictDecompoundMode, Severity: SeverityError, Code: CodeUnknownDecompoundMode,
			Message: fmt.Sprintf("%q is not a decompound mode; use none, discard or mixed", s.DecompoundMode)})
		tokenizerOK = false
	case mode == DecompoundMixed && hasSynonyms:
		problems = append(problems, Problem{Dictionary: DictDecompoundMode, Severity: SeverityError, Code: CodeMixedWithSynonyms,
			Message: "decompound_mode mixed cannot be used together with synonyms " +
				"(Elasticsearch cannot build a synonym filter after a tokenizer that keeps a compound and its parts); use discard or none"})
		tokenizerOK = false
	}
	a.mode = mode

	ud, udProblems := parseUserDictionary(s.UserDictionary, maxUserDictionaryProblems)
	problems = append(problems, udProblems...)
	if udProblems.HasErrors() {
		tokenizerOK = false
	} else {
		a.userDict = ud
	}

	stopTags := s.StopTags
	for i, tag := range s.StopTags {
		if _, known := normalizeStopTag(tag); !known {
			problems = append(problems, Problem{Dictionary: DictStopTags, Line: i + 1, Severity: SeverityError, Code: CodeUnknownStopTag,
				Message: fmt.Sprintf("%q is not a part-of-speech tag nori knows (examples: J for particles, E for endings, NNG for nouns)", tag)})
			stopTags = nil // check the synonyms with what is valid
		}
	}
	if !tokenizerOK {
		a.mode, a.userDict = DecompoundDiscard, nil
	}

	pre, err := newPreSynonymAnalyzer(a.mode, a.userDict, stopTags)
	if err != nil {
		return nil, nil, err
	}
	for _, f := range pre.Filters {
		if pf, ok := f.(*PartOfSpeechFilter); ok {
			a.stopTags = pf.StopTags()
		}
	}
	if hasSynonyms {
		opts := SynonymOptions{Expand: s.SynonymsExpand == nil || *s.SynonymsExpand}
		analyze := pre.Analyze
		var memo lineMemo
		if v != nil && v.cache != nil {
			chain := string(a.mode) + "|" + strings.Join(a.stopTags, ",")
			analyze = v.cache.analyzer(chain, a.userDict, analyze)
			memo = v.cache.lines(chain, a.userDict)
		}
		set, ps := parseSynonyms(s.Synonyms, opts, analyze, v == nil, memo)
		problems = append(problems, ps...)
		if set.Len() > 0 {
			a.Synonyms = set
		}
	}
	sortProblems(problems)
	if v != nil || problems.HasErrors() {
		return nil, problems, nil
	}
	a.Warnings = problems

	a.Index = pre
	a.Index.Name = IndexAnalyzerName
	if a.Synonyms.Len() > 0 {
		a.Index.Filters = append(a.Index.Filters, NewSynonymFilter(a.Synonyms))
	}
	if a.Search, err = newPreSynonymAnalyzer(DecompoundDiscard, a.userDict, a.stopTags); err != nil {
		return nil, nil, err
	}
	a.Search.Name = SearchAnalyzerName
	if a.Synonyms != nil && a.mode != DecompoundDiscard {
		a.Synonyms.addCanonicalForms(a.Search.Analyze)
	}
	return a, problems, nil
}

// newPreSynonymAnalyzer is the chain every synonym word is analyzed with:
// nori_tokenizer, nori_part_of_speech, nori_readingform, lowercase.
func newPreSynonymAnalyzer(mode DecompoundMode, ud *UserDictionary, stopTags []string) (*Analyzer, error) {
	tc := DefaultTokenizerConfig()
	tc.DecompoundMode = mode
	tc.UserDictionary = ud
	return NewNoriAnalyzer(tc, stopTags)
}

// Document analyzes document text for both streams the engines index:
// exact (the search chain: no synonyms) and index (korean_index, synonyms
// expanded). When the index analyzer decompounds like the search analyzer
// (discard, the default) the index stream is the exact stream run through
// the synonym filter, so the morphological analysis — most of the cost —
// runs once instead of twice. The two slices may share their backing
// array; callers must not modify them.
func (a *Analysis) Document(text string) (index, exact []Token) {
	exact = a.Search.Analyze(text)
	if a.mode != DecompoundDiscard {
		return a.Index.Analyze(text), exact
	}
	if a.Synonyms == nil {
		return exact, exact
	}
	f := a.Index.Filters[len(a.Index.Filters)-1]
	return f.Filter(append(make([]Token, 0, len(exact)+4), exact...)), exact
}
