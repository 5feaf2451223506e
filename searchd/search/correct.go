package search

import (
	"context"
	"strings"
	"unicode"

	"github.com/searchd/searchd/analyzers/hangul"
	"github.com/searchd/searchd/searchd/engine"
)

// Did you mean: when a query finds nothing, each term is replaced by an
// indexed term near it in jamo, and the corrected query is run with the
// same filters. A correction is only offered when it finds something under
// those filters (a suggestion that the filters then empty again is no
// help), trying the next most frequent candidates when the first does not.
const (
	maxCorrectionTries = 3
	// Short words (under noFuzzBelowJamo jamo) get no fuzziness, as one edit
	// often makes another everyday word (밥/밤); when such a word finds
	// nothing, the most frequent indexed word one jamo away is offered as a
	// suggestion, never run in its place.
	shortCorrectionEdits = 1
)

type runFunc func(engine.Plan, engine.MatchMode) (engine.Result, error)

// didYouMean finds a correction of p that matches documents under the
// active filters. It returns the result, plan and text of a correction to
// apply, or a suggestion to offer (when only a short word was changed), or
// neither.
func (s *Service) didYouMean(ctx context.Context, a Analyzer, p engine.Plan, normalized string, run runFunc) (engine.Result, engine.Plan, string, string, error) {
	var none engine.Result
	choices := make([][]string, len(p.Terms))
	short := make([]bool, len(p.Terms))
	for i, t := range p.Terms {
		c, err := s.corrections(ctx, t)
		if err != nil {
			return none, engine.Plan{}, "", "", err
		}
		choices[i] = c
		short[i] = hangul.JamoLen(t.Text) < noFuzzBelowJamo
	}
	tried := map[string]bool{normalized: true}
	for k := 0; k < maxCorrectionTries; k++ {
		out := make([]string, len(p.Terms))
		changedLong, changedShort := false, false
		for i, t := range p.Terms {
			out[i] = t.Text
			if c := choices[i]; len(c) > 0 {
				out[i] = c[min(k, len(c)-1)]
			}
			if out[i] != t.Text {
				if short[i] {
					changedShort = true
				} else {
					changedLong = true
				}
			}
		}
		corrected := strings.Join(out, " ")
		if tried[corrected] || (!changedLong && !changedShort) {
			continue
		}
		tried[corrected] = true
		cp, _ := planText(a, corrected)
		if cp.MatchesAll() {
			continue
		}
		r, err := run(cp, engine.MatchAll)
		if err != nil {
			return none, engine.Plan{}, "", "", err
		}
		if r.Total == 0 {
			continue
		}
		if changedShort {
			return none, engine.Plan{}, "", corrected, nil
		}
		return r, cp, corrected, "", nil
	}
	return none, engine.Plan{}, "", "", nil
}

// corrections returns the indexed words near t, best first: within two jamo
// edits for words long enough for fuzziness (closest, then most frequent),
// one edit for short words (most frequent).
func (s *Service) corrections(ctx context.Context, t engine.PlanTerm) ([]string, error) {
	edits := maxCorrectionEdits
	if hangul.JamoLen(t.Text) < noFuzzBelowJamo {
		edits = shortCorrectionEdits
	}
	if t.Jamo == "" {
		return nil, nil
	}
	cands, err := s.eng.SimilarTerms(ctx, t.Jamo, edits, maxSimilarTerms)
	if err != nil {
		return nil, err
	}
	type scored struct {
		text  string
		dist  int
		count uint64
	}
	var out []scored
	for _, c := range cands {
		if c.Term == t.Jamo {
			continue
		}
		d := hangul.Distance(c.Term, t.Jamo)
		if d > edits {
			continue
		}
		out = append(out, scored{hangul.ComposeJamo(c.Term), d, c.Count})
	}
	// Closest first, then most frequent (SimilarTerms gives most frequent
	// first, so a stable sort by distance keeps that order within one).
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].dist < out[j-1].dist; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	texts := make([]string, 0, len(out))
	for _, c := range out {
		texts = append(texts, c.text)
	}
	return texts, nil
}

// rawWordsPlan is the plan of a query that analyzed to nothing: its words
// as typed (lower-cased), so that jamo matching and corrections still
// apply to a typo the analyzer read as particles or endings.
func rawWordsPlan(text string) engine.Plan {
	var p engine.Plan
	seen := map[string]bool{}
	for _, w := range strings.Fields(strings.ToLower(text)) {
		w = strings.TrimFunc(w, func(r rune) bool { return !hangul.IsSyllable(r) && !isLetterOrDigit(r) })
		if w == "" || seen[w] {
			continue
		}
		seen[w] = true
		p.Terms = append(p.Terms, planTerm(w))
	}
	return p
}

func isLetterOrDigit(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
