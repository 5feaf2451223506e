package hangul

// stackRunes is how many jamo of each side Distance keeps on the stack;
// longer input allocates.
const stackRunes = 64

// Distance returns the edit distance between Jamo(a) and Jamo(b): the
// fewest insertions, deletions, substitutions of one jamo, or swaps of two
// adjacent jamo, that turn one into the other (optimal string alignment:
// no substring is edited twice). Transpositions count as one edit because
// the fuzzy queries of both engines do (Bleve's scorch builds its
// Levenshtein automata with transpositions; Elasticsearch's
// fuzzy_transpositions defaults to true), so Distance agrees with what they
// match: 삼송 → 삼성 is 1 (ㅗ → ㅓ), 닭 → 닥 is 1, 가나 → 가난 is 1. Jamo
// input gives the same distance as the text it spells.
func Distance(a, b string) int {
	var ba, bb [stackRunes]rune
	ra, rb := AppendJamo(ba[:0], a), AppendJamo(bb[:0], b)
	return osa(ra, rb, max(len(ra), len(rb)))
}

// DistanceAtMost reports whether Distance(a, b) <= maxEdits. It only fills
// the diagonal band of width maxEdits and stops as soon as every cell of a
// row exceeds maxEdits, so rejecting a far candidate is cheap: the fuzzy
// candidate hot path. A negative maxEdits is never satisfied.
func DistanceAtMost(a, b string, maxEdits int) bool {
	if maxEdits < 0 {
		return false
	}
	var ba, bb [stackRunes]rune
	ra, rb := AppendJamo(ba[:0], a), AppendJamo(bb[:0], b)
	return osa(ra, rb, maxEdits) <= maxEdits
}

// osa returns the optimal-string-alignment distance between a and b when
// it is at most k, and k+1 otherwise. Only cells within k of the diagonal
// are computed.
func osa(a, b []rune, k int) int {
	// A shared prefix or suffix never needs an edit.
	for len(a) > 0 && len(b) > 0 && a[0] == b[0] {
		a, b = a[1:], b[1:]
	}
	for len(a) > 0 && len(b) > 0 && a[len(a)-1] == b[len(b)-1] {
		a, b = a[:len(a)-1], b[:len(b)-1]
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	// Now len(a) <= len(b); the distance is at least the length difference.
	if len(b)-len(a) > k {
		return k + 1
	}
	if len(a) == 0 {
		return len(b)
	}
	over := k + 1 // value of every cell known to exceed k
	var buf [3 * (stackRunes + 1)]int
	cells := buf[:]
	if n := 3 * (len(b) + 1); n > len(cells) {
		cells = make([]int, n)
	}
	w := len(b) + 1
	prev2, prev, cur := cells[:w], cells[w:2*w], cells[2*w:3*w]
	for j := range prev {
		prev[j] = min(j, over)
	}
	for i := 1; i <= len(a); i++ {
		lo, hi := max(1, i-k), min(len(b), i+k)
		if lo > 1 {
			cur[lo-1] = over
		} else {
			cur[0] = min(i, over)
		}
		best := cur[lo-1]
		for j := lo; j <= hi; j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d := min(prev[j-1]+cost, prev[j]+1, cur[j-1]+1)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d = min(d, prev2[j-2]+1)
			}
			d = min(d, over)
			cur[j] = d
			best = min(best, d)
		}
		if hi < len(b) {
			cur[hi+1] = over
		}
		if best > k {
			return over
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
