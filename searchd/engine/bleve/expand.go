package bleve

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"

	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
	"github.com/searchd/searchd/searchd/engine"
)

// Fuzzy and prefix matches are expanded by searchd, not by Bleve: Bleve
// turns every dictionary term within reach into a clause (a 초성 prefix
// such as ㅇㅎ reaches thousands on a large index), which makes the worst
// queries hundreds of times slower than the median. Like Elasticsearch's
// max_expansions and top_terms rewrites, at most engine.MaxFuzzyExpansions
// and engine.MaxPrefixExpansions terms are kept: the closest first, then
// the most frequent.

// maxDictScan bounds the dictionary terms one expansion visits. It must
// not cut a scan short in practice: the dictionary is in byte order, so a
// cut would keep the alphabetically first completions, not the frequent
// ones (on the full corpus ㅇㅕㅇㅎ has over 20,000 completions before 영화).
const maxDictScan = 1_000_000

// preselect: how many candidates per kept term get their frequency read.
const preselect = 4

// expander chooses expansion terms on the snapshot a search runs on.
type expander struct {
	ctx context.Context
	r   index.IndexReader
}

// docFreq is how many documents hold term in field, read from the
// postings.
func (x expander) docFreq(field, term string) (uint64, error) {
	tfr, err := x.r.TermFieldReader(x.ctx, []byte(term), field, false, false, false)
	if err != nil {
		return 0, fmt.Errorf("bleve: expand: %w", err)
	}
	n := tfr.Count()
	if err := tfr.Close(); err != nil {
		return 0, fmt.Errorf("bleve: expand: %w", err)
	}
	return n, nil
}

type candidate struct {
	term  string
	count uint64
	dist  uint8
}

// collect reads up to maxDictScan entries of d and keeps the best keep:
// closest first (fuzzy dictionaries), then most frequent. The counts a
// dictionary iterator reports are not reliable (zapx reports 1 for terms
// deep under a short prefix, and may leave a stale EditDistance in prefix
// dictionaries), so the shortest candidates — the likeliest words — are
// preselected and their document frequencies read from the postings.
func (x expander) collect(d index.FieldDict, err error, field string, keep int, fuzzy bool) ([]candidate, error) {
	if err != nil {
		return nil, fmt.Errorf("bleve: expand: %w", err)
	}
	defer d.Close()
	var out []candidate
	for i := 0; i < maxDictScan; i++ {
		de, err := d.Next()
		if err != nil {
			return nil, fmt.Errorf("bleve: expand: %w", err)
		}
		if de == nil {
			break
		}
		c := candidate{term: de.Term}
		if fuzzy {
			c.dist = de.EditDistance
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].dist != out[j].dist {
			return out[i].dist < out[j].dist
		}
		if len(out[i].term) != len(out[j].term) {
			return len(out[i].term) < len(out[j].term)
		}
		return out[i].term < out[j].term
	})
	if len(out) > preselect*keep {
		out = out[:preselect*keep]
	}
	for i := range out {
		if out[i].count, err = x.docFreq(field, out[i].term); err != nil {
			return nil, err
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].dist != out[j].dist {
			return out[i].dist < out[j].dist
		}
		return out[i].count > out[j].count
	})
	if len(out) > keep {
		out = out[:keep]
	}
	return out, nil
}

// fuzzy returns a disjunction of the indexed terms within fuzziness edits
// of term (sharing its first prefix runes), leaving out skip; closer terms
// score higher.
func (x expander) fuzzy(field, term string, fuzziness, prefix int, boost float64, skip string) (query.Query, error) {
	fr, ok := x.r.(index.IndexReaderFuzzy)
	if !ok {
		return nil, errors.New("bleve: the index reader cannot expand fuzzy terms")
	}
	pre, n := term, 0 // the first prefix runes of term
	for i := range term {
		if n == prefix {
			pre = term[:i]
			break
		}
		n++
	}
	d, err := fr.FieldDictFuzzy(field, term, fuzziness, pre)
	cands, err := x.collect(d, err, field, engine.MaxFuzzyExpansions, true)
	if err != nil {
		return nil, err
	}
	// One union per edit distance: one edit keeps 2/3 of the boost, two
	// edits 1/3.
	byDist := make([][]string, fuzziness+1)
	for _, c := range cands {
		if c.term != skip && int(c.dist) <= fuzziness {
			byDist[c.dist] = append(byDist[c.dist], c.term)
		}
	}
	var clauses []query.Query
	for d, terms := range byDist {
		clauses = append(clauses, expansionQueries(field, terms, boost*float64(fuzziness+1-d)/float64(fuzziness+1))...)
	}
	return disjunctionOrNone(clauses), nil
}

// prefix returns a disjunction of the most frequent indexed terms that
// start with p.
func (x expander) prefix(field, p string, boost float64) (query.Query, error) {
	short, err := x.shortCompletions(field, p, engine.MaxPrefixExpansions)
	if err != nil {
		return nil, err
	}
	var terms []string
	if len(short) == engine.MaxPrefixExpansions {
		for _, c := range short {
			terms = append(terms, c.Term)
		}
	} else {
		// Few short completions: the range is small, read it all.
		d, err := x.r.FieldDictPrefix(field, []byte(p))
		cands, err := x.collect(d, err, field, engine.MaxPrefixExpansions, false)
		if err != nil {
			return nil, err
		}
		for _, c := range cands {
			terms = append(terms, c.term)
		}
	}
	return disjunctionOrNone(expansionQueries(field, terms, boost)), nil
}

// tailBoost is the share of an expansion's boost its less frequent terms
// get.
const tailBoost = 0.5

// expansionQueries matches expansion terms (most frequent first): the most
// frequent, the likeliest meant (영ㅎ → 영화, 영회 → 영화), is scored as a
// term query, so its documents rank by relevance above the others; the
// rest are one constant-score union (see unionQuery) at half the boost.
func expansionQueries(field string, terms []string, boost float64) []query.Query {
	switch len(terms) {
	case 0:
		return nil
	case 1:
		return []query.Query{termQ(terms[0], field, boost)}
	}
	return []query.Query{termQ(terms[0], field, boost), newUnionQuery(field, terms[1:], boost*tailBoost)}
}

// shortCompletions finds the terms that extend p by at most two
// characters (a regexp automaton walks only that part of each segment's
// term dictionary) and keeps the keep most frequent. On a large index a
// common prefix has tens of thousands of completions, mostly one-off
// run-together words; its frequent completions are short. Frequencies are
// read from the postings: the dictionary iterator's counts are unreliable
// (see collect).
func (x expander) shortCompletions(field, p string, keep int) ([]engine.TermCount, error) {
	rr, ok := x.r.(index.IndexReaderRegexp)
	if !ok {
		return nil, errors.New("bleve: the index reader cannot match dictionary terms by regexp")
	}
	d, err := rr.FieldDictRegexp(field, regexp.QuoteMeta(p)+".{0,2}")
	if err != nil {
		return nil, fmt.Errorf("bleve: expand: %w", err)
	}
	var terms []string
	for len(terms) < maxShortCompletions {
		de, err := d.Next()
		if err != nil {
			d.Close()
			return nil, fmt.Errorf("bleve: expand: %w", err)
		}
		if de == nil {
			break
		}
		terms = append(terms, de.Term)
	}
	if err := d.Close(); err != nil {
		return nil, fmt.Errorf("bleve: expand: %w", err)
	}
	out := make([]engine.TermCount, 0, len(terms))
	for _, term := range terms {
		n, err := x.docFreq(field, term)
		if err != nil {
			return nil, err
		}
		if n > 0 {
			out = append(out, engine.TermCount{Term: term, Count: n})
		}
	}
	return engine.TopTerms(out, keep), nil
}

// maxShortCompletions bounds the short completions whose frequency is
// read (a 초성 prefix of two has about 400 possible, 1 + 19 + 19²).
const maxShortCompletions = 2048

// disjunctionOrNone matches any clause; with none it matches nothing.
func disjunctionOrNone(clauses []query.Query) query.Query {
	if len(clauses) == 0 {
		return query.NewMatchNoneQuery()
	}
	if len(clauses) == 1 {
		return clauses[0]
	}
	return query.NewDisjunctionQuery(clauses)
}
