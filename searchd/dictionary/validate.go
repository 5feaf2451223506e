package dictionary

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/searchd/searchd/analyzers"
	"github.com/searchd/searchd/searchd/engine"
)

// Problem is one thing wrong with a draft, for the admin who edits it.
type Problem struct {
	// Dictionary is "synonyms" or "user_dictionary" (or the option).
	Dictionary string `json:"dictionary"`
	// Line and Column are 1-based; 0 when the problem is about the whole.
	Line     int    `json:"line"`
	Column   int    `json:"column"`
	Severity string `json:"severity"` // error or warning
	// Code is stable: clients may match on it.
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Severities.
const (
	SeverityError   = "error"
	SeverityWarning = "warning"
)

// Problems is every problem of a draft. As an error (when any is an
// error) it has code Invalid.
type Problems []Problem

// Errors counts the problems of severity error.
func (ps Problems) Errors() int {
	n := 0
	for _, p := range ps {
		if p.Severity == SeverityError {
			n++
		}
	}
	return n
}

// Error summarizes the problems.
func (ps Problems) Error() string {
	if len(ps) == 0 {
		return "no problems"
	}
	p := ps[0]
	msg := fmt.Sprintf("%s line %d: %s", p.Dictionary, p.Line, p.Message)
	if len(ps) > 1 {
		msg += fmt.Sprintf(" (and %d more problems)", len(ps)-1)
	}
	return "the dictionaries have problems: " + msg
}

// Unwrap makes Problems an Invalid engine error.
func (ps Problems) Unwrap() error { return &engine.Error{Code: engine.Invalid, Message: ps.Error()} }

// Limits on a draft beyond the synonym parser's own (analyzers.MaxSynonym*).
const (
	MaxSynonymBytes        = analyzers.MaxSynonymBytes
	MaxUserDictionaryBytes = 256 << 10
	MaxUserDictionaryLines = 10_000
	MaxUserDictionaryLine  = 200 // characters
	MaxMessageRunes        = 500
)

// CheckSize rejects drafts over the byte limits (too_large: the API
// answers 413) and over the user dictionary's line limits (invalid).
func CheckSize(d Draft) error {
	switch {
	case len(d.Synonyms) > MaxSynonymBytes:
		return engine.Errorf(engine.TooLarge, "the synonyms are %d bytes; at most %d are allowed", len(d.Synonyms), MaxSynonymBytes)
	case len(d.UserDictionary) > MaxUserDictionaryBytes:
		return engine.Errorf(engine.TooLarge, "the user dictionary is %d bytes; at most %d are allowed", len(d.UserDictionary), MaxUserDictionaryBytes)
	}
	lines := userDictLines(d.UserDictionary)
	if len(lines) > MaxUserDictionaryLines {
		return engine.Errorf(engine.Invalid, "the user dictionary has %d lines; at most %d are allowed", len(lines), MaxUserDictionaryLines)
	}
	if !utf8.ValidString(d.Synonyms) || !utf8.ValidString(d.UserDictionary) {
		return engine.Errorf(engine.Invalid, "the dictionaries must be UTF-8 text")
	}
	return nil
}

// Validate checks a draft against the analysis it would be built with.
// The returned error is for failures other than the draft's problems.
//
// This is the one place that calls the analyzers' validation; when the
// analyzers report problems with columns, severities and codes
// themselves, only convert changes.
func Validate(d Draft, o Options) (Problems, error) {
	if err := CheckSize(d); err != nil {
		return nil, err
	}
	var out Problems
	for i, line := range userDictLines(d.UserDictionary) {
		if n := utf8.RuneCountInString(line); n > MaxUserDictionaryLine {
			out = append(out, Problem{Dictionary: analyzers.DictUserDictionary, Line: i + 1, Column: MaxUserDictionaryLine + 1,
				Severity: SeverityError, Code: "user_dictionary.line_too_long",
				Message: fmt.Sprintf("the line is %d characters long; at most %d are allowed (줄이 너무 깁니다)", n, MaxUserDictionaryLine)})
		}
	}
	if o.Expand != nil && !*o.Expand {
		out = append(out, Problem{Dictionary: analyzers.DictSynonyms, Severity: SeverityError, Code: "synonyms.expand_unsupported",
			Message: "expand: false is not supported by this version of searchd yet"})
	}
	if len(out) > 0 {
		return out, nil
	}
	if ps := analyzers.Validate(Analysis(d.Synonyms, d.UserDictionary, o)); len(ps) > 0 {
		return convert(ps), nil
	}
	return nil, nil
}

// convert maps the analyzers' problems to the API's shape.
func convert(ps analyzers.Problems) Problems {
	out := make(Problems, 0, len(ps))
	for _, p := range ps {
		out = append(out, Problem{Dictionary: p.Dictionary, Line: p.Line, Column: p.Column, Severity: string(p.Severity), Code: p.Code,
			Message: strings.TrimSpace(p.Message)})
	}
	return out
}
