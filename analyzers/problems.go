package analyzers

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/searchd/searchd/searchd/engine"
)

// Dictionaries (and settings) a Problem can be about: the JSON names of
// engine.AnalysisSettings' fields.
const (
	DictSynonyms       = "synonyms"
	DictUserDictionary = "user_dictionary"
	DictStopTags       = "stop_tags"
	DictDecompoundMode = "decompound_mode"
)

// Severity says whether a problem makes the settings unusable.
type Severity string

const (
	// SeverityError: Elasticsearch would refuse the settings (or searchd's
	// limits do); nothing can be built from them.
	SeverityError Severity = "error"
	// SeverityWarning: the settings work, but probably not as the admin
	// meant (a repeated word that is ignored, two rules that are merged).
	// Warnings never make a build fail.
	SeverityWarning Severity = "warning"
)

// Problem codes. They are stable: clients (the console, scripts) switch on
// them; messages may be reworded.
const (
	// Limits (errors). CodeTooLarge and CodeTooManyRules mean "the
	// dictionary is too large" (HTTP 413); IsTooLarge tells.
	CodeTooLarge     = "too_large"      // the dictionary has more bytes than allowed
	CodeTooManyRules = "too_many_rules" // more rules than allowed
	CodeLineTooLong  = "line_too_long"  // a line longer than MaxSynonymLineRunes characters
	CodeTooManyWords = "too_many_words" // a rule with more than MaxSynonymWordsPerRule words
	CodeWordTooLong  = "word_too_long"  // a word analyzing into more than MaxSynonymWordTerms terms

	// Text that is not text (errors).
	CodeInvalidUTF8      = "invalid_utf8"
	CodeControlCharacter = "control_character"

	// Synonym rule syntax.
	CodeMultipleArrows = "multiple_arrows" // error: "a => b => c"
	CodeEmptySide      = "empty_side"      // error: nothing before or after "=>"
	CodeBlankWord      = "blank_word"      // error: a word of only spaces ("a, , b")
	CodeEmptyWord      = "empty_word"      // warning: two commas in a row, or one at the start or end; ignored
	CodeSingleWord     = "single_word"     // warning: a line with one word and no "=>"; it has no effect

	// How synonym words analyze (errors: Elasticsearch refuses the rule).
	CodeRemovedWord     = "removed_word"     // the analyzer removes the whole word
	CodeGapInWord       = "gap_in_word"      // the analyzer removes a part inside the word
	CodeOverlappingWord = "overlapping_word" // the analyzer stacks parts of the word
	CodeEmptyTerm       = "empty_term"       // a part analyzes to an empty term

	// Repeats and overlaps between synonym words and rules (warnings:
	// Elasticsearch accepts them and so does searchd, merging as it does).
	CodeDuplicateMember = "duplicate_member" // the same word twice in one rule
	CodeSameAnalysis    = "same_analysis"    // two words of a rule analyze to the same terms
	CodeDuplicateRule   = "duplicate_rule"   // a rule repeats an earlier one
	CodeMergedRules     = "merged_rules"     // a word is in several rules; their replacements are merged

	// User dictionary.
	CodePartsMismatch = "parts_mismatch" // error: the parts do not spell the word
	CodeDuplicateWord = "duplicate_word" // a word defined twice (see parseUserDictionary for the severity)

	// Settings.
	CodeUnknownDecompoundMode = "unknown_decompound_mode"
	CodeMixedWithSynonyms     = "mixed_with_synonyms"
	CodeUnknownStopTag        = "unknown_stop_tag"

	// CodeInternal: the analyzer itself failed (not the settings' fault).
	CodeInternal = "internal"
)

// Problem is one thing wrong with, or worth knowing about, analysis
// settings, worded for the admins who edit dictionaries rather than for
// engineers.
type Problem struct {
	// Dictionary is the dictionary or setting the problem is in
	// (DictSynonyms, DictUserDictionary, DictStopTags, DictDecompoundMode).
	Dictionary string `json:"dictionary"`
	// Line is the 1-based line of the dictionary (for stop_tags, the
	// 1-based position of the tag in the list); 0 when the problem is about
	// the dictionary or setting as a whole.
	Line int `json:"line"`
	// Column is the 1-based column, in characters (Unicode code points) of
	// the line, where the problem applies (the start of the word at fault);
	// 0 when it is about the whole line.
	Column   int      `json:"column"`
	Severity Severity `json:"severity"`
	// Code is stable and snake_case (the Code* constants).
	Code    string `json:"code"`
	Message string `json:"message"`
}

// IsError reports whether the problem makes the settings invalid.
func (p Problem) IsError() bool { return p.Severity == SeverityError }

func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.Dictionary)
	if p.Line > 0 {
		fmt.Fprintf(&b, " line %d", p.Line)
		if p.Column > 0 {
			fmt.Fprintf(&b, " column %d", p.Column)
		}
	}
	if p.Severity == SeverityWarning {
		b.WriteString(" (warning)")
	}
	b.WriteString(": ")
	b.WriteString(p.Message)
	return b.String()
}

// Problems is every problem found in analysis settings at once, so an admin
// can fix a dictionary in one pass. It is an error; errors.As finds an
// *engine.Error with code Invalid in it, so the API answers 400. Only
// Problems holding at least one error are ever returned as an error; see
// Validate for the full list with warnings.
type Problems []Problem

// Error lists the errors, one a line (all the problems when none is an
// error): the message of a failed build names what made it fail.
func (ps Problems) Error() string {
	if ps.HasErrors() {
		ps = ps.Errors()
	}
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Unwrap exposes the problems as an engine error with code Invalid.
func (ps Problems) Unwrap() error {
	return &engine.Error{Code: engine.Invalid, Message: ps.Error()}
}

// Errors returns the problems with severity error, in order.
func (ps Problems) Errors() Problems { return ps.filter(SeverityError) }

// Warnings returns the problems with severity warning, in order.
func (ps Problems) Warnings() Problems { return ps.filter(SeverityWarning) }

func (ps Problems) filter(s Severity) Problems {
	var out Problems
	for _, p := range ps {
		if p.Severity == s {
			out = append(out, p)
		}
	}
	return out
}

// HasErrors reports whether any problem is an error.
func (ps Problems) HasErrors() bool {
	return slices.ContainsFunc(ps, Problem.IsError)
}

// IsTooLarge reports whether the problems include a dictionary over a size
// limit (CodeTooLarge, CodeTooManyRules): the API answers 413 for those.
func (ps Problems) IsTooLarge() bool {
	return slices.ContainsFunc(ps, func(p Problem) bool {
		return p.Code == CodeTooLarge || p.Code == CodeTooManyRules
	})
}

// dictOrder is the order Validate lists dictionaries in.
var dictOrder = map[string]int{DictSynonyms: 0, DictUserDictionary: 1, DictStopTags: 2, DictDecompoundMode: 3}

// sortProblems orders problems by dictionary (synonyms, user dictionary,
// stop tags, decompound mode), line and column, keeping the report order
// among equals.
func sortProblems(ps Problems) {
	slices.SortStableFunc(ps, func(a, b Problem) int {
		return cmp.Or(
			cmp.Compare(dictOrder[a.Dictionary], dictOrder[b.Dictionary]),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Column, b.Column),
		)
	})
}
