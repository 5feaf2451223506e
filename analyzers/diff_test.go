package analyzers_test

import (
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/searchd/searchd/analyzers"
	"github.com/searchd/searchd/searchd/engine"
)

// change is a SynonymChange in short: the rules' lines and texts
// ("3:a, b"), the words added and removed.
type change struct {
	from, to       string
	added, removed string // words joined by "|"
	reanalyzed     bool
}

func shortRule(r *analyzers.SynonymRule) string {
	if r == nil {
		return ""
	}
	return strconv.Itoa(r.Line) + ":" + r.Rule
}

func shortChanges(cs []analyzers.SynonymChange) []change {
	out := []change{}
	for _, c := range cs {
		out = append(out, change{shortRule(c.From), shortRule(c.To),
			strings.Join(c.AddedWords, "|"), strings.Join(c.RemovedWords, "|"), c.Reanalyzed})
	}
	return out
}

func TestDiffSynonyms(t *testing.T) {
	tests := []struct {
		name, from, to          string
		added, removed, changed []change
	}{
		{name: "same rules, other order, lines, spacing and case", from: "a, b\nc => d\n\n# x\ne, f",
			to: "# y\nF,E\nc=>d\nB, a"},
		{name: "added and removed", from: "a, b\nc, d", to: "c, d\ne, f",
			added:   []change{{to: "2:e, f", added: "e|f"}},
			removed: []change{{from: "1:a, b", removed: "a|b"}}},
		{name: "a word joins a group", from: "a, b", to: "x, y\na, b, c",
			added:   []change{{to: "1:x, y", added: "x|y"}},
			changed: []change{{from: "1:a, b", to: "2:a, b, c", added: "c"}}},
		{name: "a word leaves a group", from: "a, b, c", to: "a, c",
			changed: []change{{from: "1:a, b, c", to: "1:a, c", removed: "b"}}},
		{name: "a one-way rule gets another target", from: "a, b => c", to: "a, b => d",
			changed: []change{{from: "1:a, b => c", to: "1:a, b => d", added: "d", removed: "c"}}},
		{name: "a group becomes one-way", from: "a, b", to: "a => b",
			changed: []change{{from: "1:a, b", to: "1:a => b"}}},
		{name: "paired with the rule sharing most words", from: "d, e\na, b, c", to: "a, b, d",
			removed: []change{{from: "1:d, e", removed: "d|e"}},
			changed: []change{{from: "2:a, b, c", to: "1:a, b, d", added: "d", removed: "c"}}},
		{name: "a repeated rule removed is no change", from: "a, b\nb, a", to: "a, b"},
		{name: "changes in line order of the new dictionary", from: "a, b\nc, d\ne, f", to: "e, f, g\nc\na, b, h\nc, d, i",
			changed: []change{{from: "3:e, f", to: "1:e, f, g", added: "g"}, {from: "1:a, b", to: "3:a, b, h", added: "h"}, {from: "2:c, d", to: "4:c, d, i", added: "i"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := analyzers.DiffSynonyms(mustSynonyms(t, tt.from, wsAnalyze), mustSynonyms(t, tt.to, wsAnalyze))
			for _, c := range []struct {
				kind      string
				got, want []change
			}{{"added", shortChanges(d.Added), tt.added}, {"removed", shortChanges(d.Removed), tt.removed}, {"changed", shortChanges(d.Changed), tt.changed}} {
				if c.want == nil {
					c.want = []change{}
				}
				if !reflect.DeepEqual(c.got, c.want) {
					t.Errorf("%s = %+v,\nwant %+v", c.kind, c.got, c.want)
				}
			}
			if d.Empty() != (len(tt.added)+len(tt.removed)+len(tt.changed) == 0) {
				t.Errorf("Empty() = %v", d.Empty())
			}
			// The reverse diff swaps added and removed.
			r := analyzers.DiffSynonyms(mustSynonyms(t, tt.to, wsAnalyze), mustSynonyms(t, tt.from, wsAnalyze))
			if len(r.Added) != len(d.Removed) || len(r.Removed) != len(d.Added) || len(r.Changed) != len(d.Changed) {
				t.Errorf("reverse diff %+v does not mirror %+v", r, d)
			}
		})
	}
}

func TestDiffSynonymsEdges(t *testing.T) {
	set := mustSynonyms(t, "a, b\nc => d", wsAnalyze)
	if d := analyzers.DiffSynonyms(nil, set); len(d.Added) != 2 || len(d.Removed) != 0 {
		t.Errorf("from nil: %+v", d)
	}
	if d := analyzers.DiffSynonyms(set, nil); len(d.Removed) != 2 || d.Removed[1].From.Line != 2 {
		t.Errorf("to nil: %+v", d)
	}
	if d := analyzers.DiffSynonyms(nil, nil); !d.Empty() || d.Added == nil {
		t.Errorf("nil to nil: %+v (lists must be empty, not null, in JSON)", d)
	}

	// Expand changed: no rule differs, but every group behaves differently.
	noExpand, err := analyzers.ParseSynonymsWith("b, a\nc => d", analyzers.SynonymOptions{Expand: false}, wsAnalyze)
	if err != nil {
		t.Fatal(err)
	}
	if d := analyzers.DiffSynonyms(set, noExpand); !d.ExpandChanged || len(d.Changed)+len(d.Added)+len(d.Removed) != 0 || d.Empty() {
		t.Errorf("expand changed: %+v", d)
	}
	// Without expand the first word is the target: reordering changes it.
	other, err := analyzers.ParseSynonymsWith("a, b\nc => d", analyzers.SynonymOptions{Expand: false}, wsAnalyze)
	if err != nil {
		t.Fatal(err)
	}
	if d := analyzers.DiffSynonyms(noExpand, other); len(d.Changed) != 1 || d.Changed[0].To.Rule != "a, b" {
		t.Errorf("new target without expand: %+v", d)
	}

	// Same rule, another analysis (the decompound mode changed).
	from := mustAnalysis(t, engine.AnalysisSettings{Synonyms: "삼성전자, 삼전\n영화, 필름"})
	to := mustAnalysis(t, engine.AnalysisSettings{Synonyms: "삼성전자, 삼전\n영화, 필름", DecompoundMode: "none"})
	d := analyzers.DiffSynonyms(from.Synonyms, to.Synonyms)
	if got := shortChanges(d.Changed); !reflect.DeepEqual(got, []change{{from: "1:삼성전자, 삼전", to: "1:삼성전자, 삼전", reanalyzed: true}}) {
		t.Errorf("reanalyzed: %+v", got)
	}
	if got := d.Words(); !reflect.DeepEqual(got, []string{"삼성전자", "삼전"}) {
		t.Errorf("Words() = %q", got)
	}
}

func TestDiffUserDictionary(t *testing.T) {
	ud := func(rules ...string) *analyzers.UserDictionary {
		t.Helper()
		u, err := analyzers.ParseUserDictionary(rules)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	short := func(cs []analyzers.UserWordChange) []string {
		out := []string{}
		for _, c := range cs {
			var s string
			if c.From != nil {
				s += c.From.Rule + "@" + strconv.Itoa(c.From.Line)
			}
			s += " -> "
			if c.To != nil {
				s += c.To.Rule + "@" + strconv.Itoa(c.To.Line)
			}
			out = append(out, s)
		}
		return out
	}
	d := analyzers.DiffUserDictionary(
		ud("갓띵작", "# x", "세종시", "c++", "보겜"),
		ud("보겜", "C++", "세종시 세종 시", "신조어", "킹받다"))
	if got, want := short(d.Added), []string{" -> 신조어@4", " -> 킹받다@5"}; !reflect.DeepEqual(got, want) {
		t.Errorf("added %q, want %q", got, want)
	}
	if got, want := short(d.Removed), []string{"갓띵작@1 -> "}; !reflect.DeepEqual(got, want) {
		t.Errorf("removed %q, want %q", got, want)
	}
	if got, want := short(d.Changed), []string{"c++@4 -> C++@2", "세종시@3 -> 세종시 세종 시@3"}; !reflect.DeepEqual(got, want) {
		t.Errorf("changed %q, want %q", got, want)
	}
	if !analyzers.DiffUserDictionary(ud("a", "b"), ud("b", "a")).Empty() || analyzers.DiffUserDictionary(nil, ud("a")).Empty() {
		t.Errorf("Empty() wrong")
	}
	if d := analyzers.DiffUserDictionary(nil, nil); d.Added == nil || !d.Empty() {
		t.Errorf("nil to nil: %+v", d)
	}
}
