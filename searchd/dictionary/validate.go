package dictionary

import (
	"strings"
	"unicode/utf8"

	"github.com/searchd/searchd/analyzers"
	"github.com/searchd/searchd/searchd/engine"
)

// Problem is one thing wrong with (or worth knowing about) a draft: the
// analyzers' problem, with dictionary, line, column, severity, a stable
// code and a message for the admin.
type Problem = analyzers.Problem

// Problems is every problem of a draft; as an error it has code Invalid.
type Problems = analyzers.Problems

// Limits on a draft beyond the synonym parser's own (analyzers.MaxSynonym*).
const (
	MaxSynonymBytes        = analyzers.MaxSynonymBytes
	MaxUserDictionaryBytes = 256 << 10
	MaxUserDictionaryLines = 10_000
	MaxMessageRunes        = 500
)

// CheckSize rejects drafts over the byte limits (too_large: the API
// answers 413), over the user dictionary's line limit and with text that
// is not UTF-8 (invalid).
func CheckSize(d Draft) error {
	switch {
	case len(d.Synonyms) > MaxSynonymBytes:
		return engine.Errorf(engine.TooLarge, "the synonyms are %d bytes; at most %d are allowed", len(d.Synonyms), MaxSynonymBytes)
	case len(d.UserDictionary) > MaxUserDictionaryBytes:
		return engine.Errorf(engine.TooLarge, "the user dictionary is %d bytes; at most %d are allowed", len(d.UserDictionary), MaxUserDictionaryBytes)
	}
	if n := len(userDictLines(d.UserDictionary)); n > MaxUserDictionaryLines {
		return engine.Errorf(engine.TooLarge, "the user dictionary has %d lines; at most %d are allowed", n, MaxUserDictionaryLines)
	}
	if !utf8.ValidString(d.Synonyms) || !utf8.ValidString(d.UserDictionary) {
		return engine.Errorf(engine.Invalid, "the dictionaries must be UTF-8 text")
	}
	return nil
}

// Validate checks a draft against the analysis it would be built with:
// every problem, errors and warnings (only errors make it invalid). A
// dictionary over a size limit is a too_large error (413), not a problem
// list.
func Validate(d Draft, o Options) (Problems, error) { return validateWith(nil, d, o) }

// validateWith is Validate through v, which remembers how unchanged lines
// and words read (the service's validations on every pause in typing);
// nil validates from scratch.
func validateWith(v *analyzers.Validator, d Draft, o Options) (Problems, error) {
	if err := CheckSize(d); err != nil {
		return nil, err
	}
	a := Analysis(d.Synonyms, d.UserDictionary, o)
	var ps Problems
	if v != nil {
		ps = v.Validate(a)
	} else {
		ps = analyzers.Validate(a)
	}
	if ps.IsTooLarge() {
		return nil, engine.Errorf(engine.TooLarge, "%s", strings.ReplaceAll(ps.Errors().Error(), "\n", "; "))
	}
	return ps, nil
}
