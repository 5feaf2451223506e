package analyzers

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/searchd/searchd/searchd/engine"
)

// Fields a Problem can be about (the JSON names of engine.AnalysisSettings).
const (
	FieldSynonyms       = "synonyms"
	FieldUserDictionary = "user_dictionary"
	FieldStopTags       = "stop_tags"
	FieldDecompoundMode = "decompound_mode"
)

// Problem is one thing wrong with analysis settings, worded for the admins
// who edit synonym dictionaries rather than for engineers.
type Problem struct {
	// Field is the setting the problem is in (FieldSynonyms, ...).
	Field string `json:"field"`
	// Line is the 1-based line of the dictionary the problem is on; 0 when
	// the problem is about the setting as a whole.
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"`
}

func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s line %d: %s", p.Field, p.Line, p.Message)
	}
	return p.Field + ": " + p.Message
}

// Problems is every problem found in analysis settings at once, so an admin
// can fix a dictionary in one pass. It is an error; errors.As finds an
// *engine.Error with code Invalid in it, so the API answers 400.
type Problems []Problem

// Error lists the problems, one a line.
func (ps Problems) Error() string {
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

// sortProblems orders problems by field (in the order they were first
// reported) and line, keeping the report order within a line.
func sortProblems(ps Problems) {
	order := map[string]int{}
	for _, p := range ps {
		if _, ok := order[p.Field]; !ok {
			order[p.Field] = len(order)
		}
	}
	slices.SortStableFunc(ps, func(a, b Problem) int {
		if c := cmp.Compare(order[a.Field], order[b.Field]); c != 0 {
			return c
		}
		return cmp.Compare(a.Line, b.Line)
	})
}
