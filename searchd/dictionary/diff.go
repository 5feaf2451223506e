package dictionary

import (
	"slices"
	"strings"

	"github.com/searchd/searchd/analyzers"
	"github.com/searchd/searchd/searchd/engine"
)

// Diff is the rule-level difference between two dictionary sets (the
// analyzers' DiffSynonyms and DiffUserDictionary).
type Diff struct {
	From           int                          `json:"from,omitempty"`
	To             int                          `json:"to,omitempty"`
	Synonyms       analyzers.SynonymDiff        `json:"synonyms"`
	UserDictionary analyzers.UserDictionaryDiff `json:"user_dictionary"`

	// groupWords are every synonym word of both sets, affected as a whole
	// when the expand option changed.
	groupWords []string
}

// Empty reports whether nothing changed.
func (d Diff) Empty() bool { return d.Synonyms.Empty() && d.UserDictionary.Empty() }

// Size is the number of rules and words added, removed or changed.
func (d Diff) Size() int {
	return len(d.Synonyms.Added) + len(d.Synonyms.Removed) + len(d.Synonyms.Changed) +
		len(d.UserDictionary.Added) + len(d.UserDictionary.Removed) + len(d.UserDictionary.Changed)
}

// DiffSettings compares the dictionaries of two analysis settings.
func DiffSettings(from, to engine.AnalysisSettings) (Diff, error) {
	a, err := analyzers.NewAnalysis(from)
	if err != nil {
		return Diff{}, err
	}
	b, err := analyzers.NewAnalysis(to)
	if err != nil {
		return Diff{}, err
	}
	d := Diff{Synonyms: analyzers.DiffSynonyms(a.Synonyms, b.Synonyms),
		UserDictionary: analyzers.DiffUserDictionary(a.UserDictionary(), b.UserDictionary())}
	if d.Synonyms.ExpandChanged {
		for _, set := range []*analyzers.SynonymSet{a.Synonyms, b.Synonyms} {
			for _, g := range set.Groups() {
				d.groupWords = append(d.groupWords, g.Members...)
				d.groupWords = append(d.groupWords, g.Outputs...)
			}
		}
	}
	return d, nil
}

// changedWords are the words whose analysis or synonyms differ between
// the two sets: every word of the synonym rules added, removed or changed
// (of every group when the expand option changed), and the user
// dictionary words added, removed or changed.
func (d Diff) changedWords() []string {
	var out []string
	add := func(ws ...string) {
		for _, w := range ws {
			if w = strings.TrimSpace(w); w != "" && !slices.Contains(out, w) {
				out = append(out, w)
			}
		}
	}
	add(d.Synonyms.Words()...)
	add(d.groupWords...)
	for _, list := range [][]analyzers.UserWordChange{d.UserDictionary.Added, d.UserDictionary.Removed, d.UserDictionary.Changed} {
		for _, c := range list {
			for _, w := range []*analyzers.UserWord{c.From, c.To} {
				if w != nil {
					add(w.Word)
				}
			}
		}
	}
	return out
}
