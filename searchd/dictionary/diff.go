package dictionary

import (
	"slices"
	"strings"

	"github.com/searchd/searchd/analyzers"
	"github.com/searchd/searchd/searchd/engine"
)

// Diff is the rule-level difference between two dictionary sets.
type Diff struct {
	From           int          `json:"from,omitempty"`
	To             int          `json:"to,omitempty"`
	Synonyms       SynonymDiff  `json:"synonyms"`
	UserDictionary UserDictDiff `json:"user_dictionary"`
}

// SynonymDiff lists synonym groups added, removed and changed. A group of
// the new set that shares a member with a group of the old one is that
// group, changed (or unchanged when its members and outputs are equal).
type SynonymDiff struct {
	Added     []Rule       `json:"added"`
	Removed   []Rule       `json:"removed"`
	Changed   []RuleChange `json:"changed"`
	Unchanged int          `json:"unchanged"`
}

// Rule is one synonym rule as written, with its analyzed members.
type Rule struct {
	Line      int      `json:"line"`
	Text      string   `json:"text"`
	Canonical string   `json:"canonical"`
	OneWay    bool     `json:"one_way,omitempty"`
	Members   []string `json:"members"`
	Outputs   []string `json:"outputs,omitempty"`
}

// RuleChange is a group in both sets with different members.
type RuleChange struct {
	From           Rule     `json:"from"`
	To             Rule     `json:"to"`
	AddedMembers   []string `json:"added_members"`
	RemovedMembers []string `json:"removed_members"`
}

// UserDictDiff lists user dictionary entries added and removed
// (normalized: comments and extra spaces dropped).
type UserDictDiff struct {
	Added   []string `json:"added"`
	Removed []string `json:"removed"`
}

// Empty reports whether nothing changed.
func (d Diff) Empty() bool {
	return len(d.Synonyms.Added)+len(d.Synonyms.Removed)+len(d.Synonyms.Changed)+
		len(d.UserDictionary.Added)+len(d.UserDictionary.Removed) == 0
}

// Size is the number of rules added, removed or changed.
func (d Diff) Size() int {
	return len(d.Synonyms.Added) + len(d.Synonyms.Removed) + len(d.Synonyms.Changed) +
		len(d.UserDictionary.Added) + len(d.UserDictionary.Removed)
}

// rules parses the synonym groups of settings a with their text lines.
func rules(a engine.AnalysisSettings) ([]Rule, error) {
	an, err := analyzers.NewAnalysis(a)
	if err != nil {
		return nil, err
	}
	lines := strings.Split(a.Synonyms, "\n")
	var out []Rule
	for _, g := range an.Synonyms.Groups() {
		text := ""
		if g.Line >= 1 && g.Line <= len(lines) {
			text = strings.TrimSpace(lines[g.Line-1])
		}
		out = append(out, Rule{Line: g.Line, Text: text, Canonical: g.Canonical, OneWay: g.OneWay,
			Members: slices.Clone(g.Members), Outputs: slices.Clone(g.Outputs)})
	}
	return out, nil
}

// DiffSettings compares the dictionaries of two analysis settings.
func DiffSettings(from, to engine.AnalysisSettings) (Diff, error) {
	var d Diff
	old, err := rules(from)
	if err != nil {
		return d, err
	}
	cur, err := rules(to)
	if err != nil {
		return d, err
	}
	d.Synonyms = diffRules(old, cur)
	d.UserDictionary = diffUserDict(from.UserDictionary, to.UserDictionary)
	return d, nil
}

func diffRules(old, cur []Rule) SynonymDiff {
	out := SynonymDiff{Added: []Rule{}, Removed: []Rule{}, Changed: []RuleChange{}}
	byMember := map[string]int{}
	for i, r := range old {
		for _, m := range r.Members {
			if _, ok := byMember[m]; !ok {
				byMember[m] = i
			}
		}
	}
	matched := make([]bool, len(old))
	for _, r := range cur {
		j := -1
		for _, m := range r.Members {
			if i, ok := byMember[m]; ok && !matched[i] {
				j = i
				break
			}
		}
		if j < 0 {
			out.Added = append(out.Added, r)
			continue
		}
		matched[j] = true
		o := old[j]
		if sameSet(o.Members, r.Members) && sameSet(o.Outputs, r.Outputs) && o.OneWay == r.OneWay {
			out.Unchanged++
			continue
		}
		out.Changed = append(out.Changed, RuleChange{From: o, To: r,
			AddedMembers: minus(r.Members, o.Members), RemovedMembers: minus(o.Members, r.Members)})
	}
	for i, r := range old {
		if !matched[i] {
			out.Removed = append(out.Removed, r)
		}
	}
	return out
}

func sameSet(a, b []string) bool {
	return len(minus(a, b)) == 0 && len(minus(b, a)) == 0
}

// minus returns the elements of a not in b, in a's order.
func minus(a, b []string) []string {
	out := []string{}
	for _, x := range a {
		if !slices.Contains(b, x) && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// normalizeUserDict returns the entries of user dictionary lines: comments
// and blank lines dropped, spaces collapsed.
func normalizeUserDict(lines []string) []string {
	var out []string
	for _, l := range lines {
		if i := strings.IndexByte(l, '#'); i >= 0 {
			l = l[:i]
		}
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func diffUserDict(from, to []string) UserDictDiff {
	a, b := normalizeUserDict(from), normalizeUserDict(to)
	return UserDictDiff{Added: minus(b, a), Removed: minus(a, b)}
}

// changedWords are the words whose analysis or synonyms differ between
// the two sets of d: the analyzed members and outputs of every group added,
// removed or changed, and the words of user dictionary entries added or
// removed.
func (d Diff) changedWords() []string {
	var out []string
	add := func(ws ...string) {
		for _, w := range ws {
			if w = strings.TrimSpace(w); w != "" && !slices.Contains(out, w) {
				out = append(out, w)
			}
		}
	}
	for _, r := range append(slices.Clone(d.Synonyms.Added), d.Synonyms.Removed...) {
		add(r.Members...)
		add(r.Outputs...)
	}
	for _, c := range d.Synonyms.Changed {
		add(c.From.Members...)
		add(c.From.Outputs...)
		add(c.To.Members...)
		add(c.To.Outputs...)
	}
	for _, e := range append(slices.Clone(d.UserDictionary.Added), d.UserDictionary.Removed...) {
		add(strings.Fields(e)[0])
	}
	return out
}
