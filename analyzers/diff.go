package analyzers

import (
	"cmp"
	"slices"
	"strings"
)

// SynonymRule is one rule of a synonym dictionary as a diff shows it.
type SynonymRule struct {
	// Line is the rule's line in its dictionary.
	Line int `json:"line"`
	// Rule is the rule as SynonymSet.Rules writes it.
	Rule string `json:"rule"`
	// Words are the rule's words as written: the group's members, then a
	// one-way rule's right-hand words.
	Words []string `json:"words"`
}

// SynonymChange is one rule added, removed or changed.
type SynonymChange struct {
	// From is the rule in the old dictionary; nil when it was added.
	From *SynonymRule `json:"from,omitempty"`
	// To is the rule in the new dictionary; nil when it was removed.
	To *SynonymRule `json:"to,omitempty"`
	// AddedWords are the words of To that From does not have (all of them
	// for an added rule); RemovedWords the words of From that To does not
	// have. Words compare case-insensitively, as written.
	AddedWords   []string `json:"added_words,omitempty"`
	RemovedWords []string `json:"removed_words,omitempty"`
	// Reanalyzed is set on a change whose rule reads the same but whose
	// words analyze differently (the user dictionary or the decompound
	// mode changed), so it matches different text.
	Reanalyzed bool `json:"reanalyzed,omitempty"`
}

// SynonymDiff is what changes, rule by rule, from one synonym dictionary to
// another.
type SynonymDiff struct {
	// Added rules have no counterpart in the old dictionary, in line order
	// of the new one.
	Added []SynonymChange `json:"added"`
	// Removed rules have no counterpart in the new dictionary, in line
	// order of the old one.
	Removed []SynonymChange `json:"removed"`
	// Changed rules are the same group in both dictionaries (they share a
	// word) with different words, sides or analysis, in line order of the
	// new dictionary.
	Changed []SynonymChange `json:"changed"`
	// ExpandChanged is set when the expand option differs: then every
	// equivalence group matches differently, listed or not.
	ExpandChanged bool `json:"expand_changed,omitempty"`
}

// Empty reports whether the dictionaries behave the same.
func (d SynonymDiff) Empty() bool {
	return len(d.Added) == 0 && len(d.Removed) == 0 && len(d.Changed) == 0 && !d.ExpandChanged
}

// Words returns every word whose matches the change affects: all the
// words of the rules added, removed and changed (old and new), once each
// (case-insensitively, the first spelling kept), sorted.
func (d SynonymDiff) Words() []string {
	seen := map[string]bool{}
	var out []string
	for _, list := range [][]SynonymChange{d.Added, d.Removed, d.Changed} {
		for _, c := range list {
			for _, r := range []*SynonymRule{c.From, c.To} {
				if r == nil {
					continue
				}
				for _, w := range r.Words {
					if k := strings.ToLower(w); !seen[k] {
						seen[k] = true
						out = append(out, w)
					}
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

// DiffSynonyms compares two synonym dictionaries rule by rule (either may
// be nil: no rules). Rules that read the same (same sides, same words in
// any order, case-insensitively) and analyze the same are unchanged
// wherever they are. Of the others, a rule of the new dictionary is paired
// with the unpaired old rule sharing the most words with it (the earliest
// on a tie) and reported as changed; what remains unpaired was added or
// removed.
func DiffSynonyms(from, to *SynonymSet) SynonymDiff {
	d := SynonymDiff{Added: []SynonymChange{}, Removed: []SynonymChange{}, Changed: []SynonymChange{}}
	olds, news := from.Groups(), to.Groups()
	d.ExpandChanged = from.Expand() != to.Expand()

	oldUsed := make([]bool, len(olds))
	newDone := make([]bool, len(news))
	// Unchanged and reanalyzed rules: same signature. Without expand on
	// both sides a group's first word is its target, so it counts.
	ordered := !from.Expand() && !to.Expand()
	bySig := map[string][]int{}
	for i, g := range olds {
		sig := groupSignature(g, ordered)
		bySig[sig] = append(bySig[sig], i)
	}
	for j, g := range news {
		sig := groupSignature(g, ordered)
		cands := bySig[sig]
		if len(cands) == 0 {
			continue
		}
		// Prefer an old rule that also analyzes the same.
		k := slices.IndexFunc(cands, func(i int) bool { return sameAnalysis(olds[i], g) })
		if k < 0 {
			k = 0
		}
		i := cands[k]
		bySig[sig] = slices.Delete(cands, k, k+1)
		oldUsed[i], newDone[j] = true, true
		if !sameAnalysis(olds[i], g) {
			d.Changed = append(d.Changed, SynonymChange{From: ruleOf(olds[i]), To: ruleOf(g), Reanalyzed: true})
		}
	}
	// Changed rules: pair by shared words.
	byWord := map[string][]int{}
	for i, g := range olds {
		if oldUsed[i] {
			continue
		}
		for _, w := range groupWordSet(g) {
			byWord[w] = append(byWord[w], i)
		}
	}
	for j, g := range news {
		if newDone[j] {
			continue
		}
		shared := map[int]int{}
		for _, w := range groupWordSet(g) {
			for _, i := range byWord[w] {
				if !oldUsed[i] {
					shared[i]++
				}
			}
		}
		best, bestN := -1, 0
		for i, n := range shared {
			if n > bestN || n == bestN && i < best {
				best, bestN = i, n
			}
		}
		if best < 0 {
			d.Added = append(d.Added, SynonymChange{To: ruleOf(g), AddedWords: ruleOf(g).Words})
			continue
		}
		oldUsed[best] = true
		from, to := ruleOf(olds[best]), ruleOf(g)
		d.Changed = append(d.Changed, SynonymChange{From: from, To: to,
			AddedWords: wordsMissing(to.Words, from.Words), RemovedWords: wordsMissing(from.Words, to.Words)})
	}
	for i, g := range olds {
		if !oldUsed[i] {
			d.Removed = append(d.Removed, SynonymChange{From: ruleOf(g), RemovedWords: ruleOf(g).Words})
		}
	}
	slices.SortStableFunc(d.Changed, func(a, b SynonymChange) int { return cmp.Compare(a.To.Line, b.To.Line) })
	return d
}

func ruleOf(g SynonymGroup) *SynonymRule {
	words := append(slices.Clone(g.Words), g.OutputWords...)
	return &SynonymRule{Line: g.Line, Rule: g.Rule, Words: words}
}

// groupSignature identifies a rule by what it reads: its sides and their
// words, lower-cased, in any order (but the first word of a group first
// when ordered).
func groupSignature(g SynonymGroup, ordered bool) string {
	side := func(ws []string) string {
		keys := make([]string, len(ws))
		for i, w := range ws {
			keys[i] = strings.ToLower(w)
		}
		slices.Sort(keys)
		return strings.Join(keys, "\x00")
	}
	if g.OneWay {
		return side(g.Words) + "\x01=>\x01" + side(g.OutputWords)
	}
	if ordered && len(g.Words) > 0 {
		return strings.ToLower(g.Words[0]) + "\x01=>\x01" + side(g.Words)
	}
	return side(g.Words)
}

// sameAnalysis reports whether two rules with the same signature analyze
// their words alike.
func sameAnalysis(a, b SynonymGroup) bool {
	analyzed := func(g SynonymGroup) string {
		m := make([]string, 0, len(g.Words)+len(g.OutputWords))
		for i, w := range g.Words {
			m = append(m, strings.ToLower(w)+"\x00"+g.Members[i])
		}
		for i, w := range g.OutputWords {
			m = append(m, "=>"+strings.ToLower(w)+"\x00"+g.Outputs[i])
		}
		slices.Sort(m)
		return strings.Join(m, "\x01")
	}
	return analyzed(a) == analyzed(b)
}

// groupWordSet is the rule's words, lower-cased, once each.
func groupWordSet(g SynonymGroup) []string {
	var out []string
	for _, w := range append(slices.Clone(g.Words), g.OutputWords...) {
		if k := strings.ToLower(w); !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// wordsMissing returns the words of a that b lacks, case-insensitively, in
// a's order.
func wordsMissing(a, b []string) []string {
	var out []string
	for _, w := range a {
		if !slices.ContainsFunc(b, func(x string) bool { return strings.EqualFold(x, w) }) &&
			!slices.ContainsFunc(out, func(x string) bool { return strings.EqualFold(x, w) }) {
			out = append(out, w)
		}
	}
	return out
}

// UserWord is one word of a user dictionary as a diff shows it.
type UserWord struct {
	// Line is the word's line in its dictionary.
	Line int `json:"line"`
	// Word is the word as written.
	Word string `json:"word"`
	// Rule is the line normalized: the word, then its parts.
	Rule string `json:"rule"`
}

// UserWordChange is one word added, removed or changed.
type UserWordChange struct {
	From *UserWord `json:"from,omitempty"` // nil when added
	To   *UserWord `json:"to,omitempty"`   // nil when removed
}

// UserDictionaryDiff is what changes, word by word, from one user
// dictionary to another.
type UserDictionaryDiff struct {
	// Added words, in line order of the new dictionary.
	Added []UserWordChange `json:"added"`
	// Removed words, in line order of the old dictionary.
	Removed []UserWordChange `json:"removed"`
	// Changed words are in both (compared case-insensitively, as they
	// match) with a different spelling or decomposition, in line order of
	// the new dictionary.
	Changed []UserWordChange `json:"changed"`
}

// Empty reports whether the dictionaries hold the same words.
func (d UserDictionaryDiff) Empty() bool {
	return len(d.Added) == 0 && len(d.Removed) == 0 && len(d.Changed) == 0
}

// DiffUserDictionary compares two user dictionaries word by word (either
// may be nil: no words).
func DiffUserDictionary(from, to *UserDictionary) UserDictionaryDiff {
	d := UserDictionaryDiff{Added: []UserWordChange{}, Removed: []UserWordChange{}, Changed: []UserWordChange{}}
	old := map[string]*userEntry{}
	olds, news := from.list(), to.list()
	for i := range olds {
		e := &olds[i]
		old[strings.ToLower(e.word)] = e
	}
	kept := map[string]bool{}
	for i := range news {
		e := &news[i]
		k := strings.ToLower(e.word)
		o, ok := old[k]
		switch {
		case !ok:
			d.Added = append(d.Added, UserWordChange{To: e.userWord()})
		case o.rule() != e.rule():
			d.Changed = append(d.Changed, UserWordChange{From: o.userWord(), To: e.userWord()})
		}
		kept[k] = true
	}
	for i := range olds {
		e := &olds[i]
		if !kept[strings.ToLower(e.word)] {
			d.Removed = append(d.Removed, UserWordChange{From: e.userWord()})
		}
	}
	return d
}

// list returns the entries in line order (none for a nil dictionary).
func (u *UserDictionary) list() []userEntry {
	if u == nil {
		return nil
	}
	return u.entries
}

func (e *userEntry) userWord() *UserWord {
	return &UserWord{Line: e.line, Word: e.word, Rule: e.rule()}
}
