package analyzers

// TypeSynonym is the Type of tokens a synonym filter adds.
const TypeSynonym = "SYNONYM"

// SynonymFilter expands synonyms at index time the way Lucene's
// SynonymFilter does behind Elasticsearch's "synonym" filter with
// expand: true:
//
//   - Rule inputs are matched greedily from left to right, longest first,
//     over tokens at consecutive positions (a gap left by a removed particle
//     breaks a match). Matched tokens are not matched again.
//   - An equivalence keeps the matched tokens and adds every other member
//     (Type "SYNONYM") stacked at the match's start. A one-word member gets
//     the offsets of the whole match and spans it (PositionLength = number
//     of matched tokens).
//   - A member of several terms puts its k-th term at the k-th position
//     from the start, stacked on whatever token is there (the tokens that
//     follow the match, past its end), with that token's offsets and
//     PositionLength 1. Lucene's SynonymFilter does the same ("sausage"
//     expansion), so phrase queries across a multi-term synonym can match
//     oddly; plain term queries, which searchd uses, are unaffected.
//   - A one-way rule (and, with expand false, an equivalence group) drops
//     the matched tokens and emits its outputs in their place, at the
//     position after the previous token (a gap before the match is not
//     kept, as in Lucene); positions that are left with no token are
//     closed up.
//
// Nori's attributes (POS, reading) are not set on added tokens, as in
// Lucene, where the synonym filter clears them.
type SynonymFilter struct {
	set *SynonymSet
}

// NewSynonymFilter returns a filter expanding set. A nil or empty set
// passes tokens through.
func NewSynonymFilter(set *SynonymSet) *SynonymFilter { return &SynonymFilter{set: set} }

// Name is the Elasticsearch filter type.
func (f *SynonymFilter) Name() string { return "synonym" }

type synonymMatch struct {
	at    int
	entry *synonymEntry
}

// Filter implements TokenFilter. When nothing matches, tokens are returned
// as they are, without allocating.
func (f *SynonymFilter) Filter(toks []Token) []Token {
	s := f.set
	if s == nil || len(s.byFirst) == 0 || len(toks) == 0 {
		return toks
	}
	var matches []synonymMatch
	for i := 0; i < len(toks); {
		if e := s.match(toks, i); e != nil {
			matches = append(matches, synonymMatch{at: i, entry: e})
			i += len(e.input)
			continue
		}
		i++
	}
	if len(matches) == 0 {
		return toks
	}
	return expand(toks, matches, s.maxOutput)
}

// expand builds the output stream. Slot k holds the original token k (kept
// or dropped) and the synonym tokens placed at its position; slots past the
// input's end hold the tails of multi-term outputs.
func expand(toks []Token, matches []synonymMatch, maxOutput int) []Token {
	nslots := len(toks) + maxOutput
	extras := make([][]Token, nslots)
	dropped := make([]bool, len(toks))
	// replaced marks the first token of a match that is not kept: its
	// outputs follow the previous token at the next position, whatever gap
	// a removed particle left before it (Lucene's SynonymFilter does not
	// carry the replaced token's position increment over).
	replaced := make([]bool, len(toks))
	added := 0
	last := toks[len(toks)-1]
	for _, m := range matches {
		e, n := m.entry, len(m.entry.input)
		if !e.keepOrig {
			for k := m.at; k < m.at+n; k++ {
				dropped[k] = true
			}
			replaced[m.at] = true
		}
		for _, out := range e.outputs {
			if len(out) == 1 {
				posLen := 1
				if e.keepOrig {
					posLen = n
				}
				extras[m.at] = append(extras[m.at], Token{
					Term: out[0], Start: toks[m.at].Start, End: toks[m.at+n-1].End,
					PositionLength: posLen, Type: TypeSynonym,
				})
				added++
				continue
			}
			for k, term := range out {
				slot := m.at + k
				at := last
				if slot < len(toks) {
					at = toks[slot]
				}
				extras[slot] = append(extras[slot], Token{
					Term: term, Start: at.Start, End: at.End, PositionLength: 1, Type: TypeSynonym,
				})
				added++
			}
		}
	}

	out := make([]Token, 0, len(toks)+added)
	pos, prevOrig := -1, -1
	for slot := range nslots {
		inc := 1
		if slot < len(toks) {
			inc = toks[slot].Position - prevOrig
			prevOrig = toks[slot].Position
			if replaced[slot] {
				inc = 1
			}
		}
		emitted := false
		if slot < len(toks) && !dropped[slot] {
			pos += inc
			t := toks[slot]
			t.Position = pos
			out = append(out, t)
			emitted = true
		}
		for _, t := range extras[slot] {
			if !emitted {
				pos += inc
				emitted = true
			}
			t.Position = pos
			out = append(out, t)
		}
	}
	return out
}
