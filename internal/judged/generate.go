// Package judged builds searchd's judged query set from the NSMC corpus and
// measures search quality on it (recall@10, MRR, precision per variant type
// and word length). The generator is deterministic: the same corpus, options
// and seed give the same queries in the same order.
package judged

import (
	"math/rand/v2"
	"sort"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/searchd/searchd/analyzers/hangul"
	"github.com/searchd/searchd/internal/nsmc"
	"github.com/searchd/searchd/searchd/search"
)

// Variant names a kind of query made from a word.
type Variant string

const (
	Exact Variant = "exact"
	// One-jamo typos after the first jamo (the planner requires the first
	// jamo, as Elasticsearch's prefix_length 1 does).
	TypoSub      Variant = "typo-sub"      // a consonant or vowel replaced by another of its kind
	TypoIns      Variant = "typo-ins"      // a jamo inserted
	TypoDel      Variant = "typo-del"      // a jamo deleted
	TypoAdjacent Variant = "typo-adjacent" // the key beside it on the 두벌식 layout
	// TypoFirst: a substitution of the first jamo, reported on its own.
	TypoFirst Variant = "typo-first"
	Chosung   Variant = "chosung"
	Layout    Variant = "layout" // typed with the keyboard in English mode
	// Prefix: the word typed up to a syllable boundary plus the next
	// syllable's initial consonant (영화배우 → 영ㅎ, 영화ㅂ, 영화배ㅇ).
	Prefix Variant = "prefix"
	// SpaceSplit: a space inside a word of 3+ syllables; SpaceJoin: two
	// words that the corpus writes apart, written together.
	SpaceSplit Variant = "space-split"
	SpaceJoin  Variant = "space-join"
	NFD        Variant = "nfd" // the exact query in decomposed jamo
)

// IsTypo reports whether v is one of the goal's typo variants.
func IsTypo(v Variant) bool {
	switch v {
	case TypoSub, TypoIns, TypoDel, TypoAdjacent:
		return true
	}
	return false
}

// Query is one judged query: a hit is relevant when its document contains
// every word of Words (as an index-time term, so synonyms count).
type Query struct {
	Variant   Variant  `json:"variant"`
	Text      string   `json:"text"`
	Words     []string `json:"words"`
	Syllables int      `json:"syllables"`
	// Expect, for 2-syllable 초성 queries, is the most frequent word in the
	// corpus with those 초성 (the completion that should come first).
	Expect string `json:"expect,omitempty"`
}

// Word is a frequent corpus word with its document frequency.
type Word struct {
	Text  string
	POS   string
	Count int
}

// Options drive the generator.
type Options struct {
	Seed uint64
	// PerLength is how many words of each syllable length (1..5) to draw
	// from the most frequent candidates.
	PerLength [6]int
	// Candidates: the most frequent words of each length drawn from.
	Candidates int
	// Pairs: space-join queries from the most frequent spaced noun pairs.
	Pairs int
}

// DefaultOptions draw 320 words (mostly two and three syllables, as real
// queries are) and 60 noun pairs.
func DefaultOptions() Options {
	return Options{Seed: 20261207, PerLength: [6]int{0, 30, 140, 90, 40, 20}, Candidates: 400, Pairs: 60}
}

// Vocabulary counts words over texts with the search analyzer: nouns
// (NNG, NNP) and verb and adjective stems (VV, VA, XR), Hangul only, 1 to 5
// syllables, counted once per text. pairs counts noun pairs written as
// two consecutive words.
type Vocabulary struct {
	Words map[string]*Word
	Pairs map[[2]string]int
	Texts int
}

// NewVocabulary returns an empty vocabulary.
func NewVocabulary() *Vocabulary {
	return &Vocabulary{Words: map[string]*Word{}, Pairs: map[[2]string]int{}}
}

// Add counts one text.
func (v *Vocabulary) Add(a search.Analyzer, text string) {
	v.Texts++
	toks := a.Query(text)
	seen := map[string]bool{}
	prevWordEnd, prevNoun := -1, ""
	for i, t := range toks {
		ok := contentPOS(t.LeftPOS) && allSyllables(t.Term) && utf8.RuneCountInString(t.Term) <= 5
		if ok && !seen[t.Term] {
			seen[t.Term] = true
			w := v.Words[t.Term]
			if w == nil {
				w = &Word{Text: t.Term, POS: t.LeftPOS}
				v.Words[t.Term] = w
			}
			w.Count++
		}
		// A noun that is a whole word (spaces around it) after another
		// such noun: a spaced pair.
		whole := ok && isNoun(t.LeftPOS) && (t.Start == 0 || text[t.Start-1] == ' ') &&
			(t.End == len(text) || text[t.End] == ' ') && utf8.RuneCountInString(t.Term) >= 2
		if whole && prevNoun != "" && prevWordEnd == t.Start-1 && i > 0 {
			v.Pairs[[2]string{prevNoun, t.Term}]++
		}
		if whole {
			prevNoun, prevWordEnd = t.Term, t.End
		} else {
			prevNoun = ""
		}
	}
}

func contentPOS(p string) bool {
	switch p {
	case "NNG", "NNP", "VV", "VA", "XR":
		return true
	}
	return false
}

func isNoun(p string) bool { return p == "NNG" || p == "NNP" }

func allSyllables(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !hangul.IsSyllable(r) {
			return false
		}
	}
	return true
}

// ranked returns words sorted by count (ties: text).
func (v *Vocabulary) ranked() []*Word {
	out := make([]*Word, 0, len(v.Words))
	for _, w := range v.Words {
		out = append(out, w)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Text < out[j].Text
	})
	return out
}

// Generate draws words from the vocabulary and makes every variant of each.
// Typos that spell another word of the vocabulary seen at least
// realWordMin times are skipped (a real-word error cannot be told from the
// word itself without context); Skipped counts them.
func Generate(v *Vocabulary, o Options) (qs []Query, skipped int) {
	rng := rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15))
	ranked := v.ranked()
	real := func(s string) bool { w := v.Words[s]; return w != nil && w.Count >= realWordMin }
	// The most frequent word per 초성, for 2-syllable 초성 expectations.
	bestChosung := map[string]string{}
	for _, w := range ranked {
		c := hangul.Chosung(w.Text)
		if _, ok := bestChosung[c]; !ok {
			bestChosung[c] = w.Text
		}
	}
	for n := 1; n <= 5; n++ {
		var cands []*Word
		for _, w := range ranked {
			if utf8.RuneCountInString(w.Text) == n {
				cands = append(cands, w)
				if len(cands) == o.Candidates {
					break
				}
			}
		}
		rng.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
		picked := cands[:min(len(cands), o.PerLength[n])]
		sort.Slice(picked, func(i, j int) bool { return picked[i].Count > picked[j].Count })
		for _, w := range picked {
			word := w.Text
			add := func(variant Variant, text string) {
				qs = append(qs, Query{Variant: variant, Text: text, Words: []string{word}, Syllables: n})
			}
			add(Exact, word)
			add(NFD, norm.NFD.String(word))
			add(Layout, hangul.ToQwerty(word))
			if n >= 2 {
				q := Query{Variant: Chosung, Text: hangul.Chosung(word), Words: []string{word}, Syllables: n}
				if n == 2 {
					q.Expect = bestChosung[q.Text]
				}
				qs = append(qs, q)
				for _, p := range prefixes(word) {
					add(Prefix, p)
				}
				for _, variant := range []Variant{TypoSub, TypoIns, TypoDel, TypoAdjacent, TypoFirst} {
					t, ok := typo(rng, word, variant)
					switch {
					case !ok:
					case real(t):
						skipped++
					default:
						add(variant, t)
					}
				}
			}
			if n >= 3 {
				rs := []rune(word)
				cut := 1 + rng.IntN(n-1)
				add(SpaceSplit, string(rs[:cut])+" "+string(rs[cut:]))
			}
		}
	}
	type pair struct {
		p [2]string
		n int
	}
	var pairs []pair
	for p, n := range v.Pairs {
		pairs = append(pairs, pair{p, n})
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].n != pairs[j].n {
			return pairs[i].n > pairs[j].n
		}
		return pairs[i].p[0]+" "+pairs[i].p[1] < pairs[j].p[0]+" "+pairs[j].p[1]
	})
	for _, p := range pairs[:min(len(pairs), o.Pairs)] {
		joined := p.p[0] + p.p[1]
		qs = append(qs, Query{Variant: SpaceJoin, Text: joined, Words: []string{p.p[0], p.p[1]},
			Syllables: utf8.RuneCountInString(joined)})
	}
	return qs, skipped
}

// realWordMin: a typo spelling a vocabulary word seen this often is a
// real-word error and is not generated.
const realWordMin = 3

// prefixes returns the word typed up to each syllable boundary plus the
// next syllable's initial consonant.
func prefixes(word string) []string {
	rs := []rune(word)
	var out []string
	for i := 1; i < len(rs); i++ {
		ini, _, _, _ := hangul.Decompose(rs[i])
		out = append(out, string(rs[:i])+string(ini))
	}
	return out
}

// Jamo classes for substitutions and insertions.
var (
	consonants = []rune("ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ")
	vowels     = []rune("ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅛㅜㅠㅡㅣ")
	// qwertyRows is the Latin layout the 두벌식 keys sit on.
	qwertyRows = []string{"qwertyuiop", "asdfghjkl", "zxcvbnm"}
)

// typo makes one jamo edit of word; ok is false when none of a few tries
// composes into syllables only (a typo a person could type and see).
func typo(rng *rand.Rand, word string, v Variant) (string, bool) {
	js := []rune(hangul.Jamo(word))
	for try := 0; try < 12; try++ {
		pos := 1 + rng.IntN(len(js)-1)
		if v == TypoFirst {
			pos = 0
		}
		var out []rune
		switch v {
		case TypoSub, TypoFirst:
			out = append([]rune{}, js...)
			out[pos] = sameClass(rng, js[pos])
		case TypoIns:
			pos = 1 + rng.IntN(len(js))
			ins := sameClass(rng, 0)
			if rng.IntN(2) == 0 {
				ins = sameClass(rng, 'ㅏ')
			}
			out = append(append(append([]rune{}, js[:pos]...), ins), js[pos:]...)
		case TypoDel:
			out = append(append([]rune{}, js[:pos]...), js[pos+1:]...)
		case TypoAdjacent:
			r, ok := adjacentKey(rng, js[pos])
			if !ok {
				continue
			}
			out = append([]rune{}, js...)
			out[pos] = r
		}
		t := hangul.ComposeJamo(string(out))
		if t != word && allSyllables(t) && hangul.Jamo(t) == string(out) {
			return t, true
		}
	}
	return "", false
}

// sameClass returns a random jamo of r's class (consonant or vowel) other
// than r; r == 0 means a consonant.
func sameClass(rng *rand.Rand, r rune) rune {
	set := consonants
	if r != 0 && hangul.IsVowel(r) {
		set = vowels
	}
	for {
		c := set[rng.IntN(len(set))]
		if c != r {
			return c
		}
	}
}

// adjacentKey returns the jamo of a key beside r's key on the same row.
func adjacentKey(rng *rand.Rand, r rune) (rune, bool) {
	key := []rune(strings.ToLower(hangul.ToQwerty(string(r))))
	if len(key) != 1 {
		return 0, false
	}
	for _, row := range qwertyRows {
		i := strings.IndexRune(row, key[0])
		if i < 0 {
			continue
		}
		var near []byte
		if i > 0 {
			near = append(near, row[i-1])
		}
		if i+1 < len(row) {
			near = append(near, row[i+1])
		}
		j, ok := hangul.KeyJamo(rune(near[rng.IntN(len(near))]))
		return j, ok
	}
	return 0, false
}

// CorpusVocabulary counts the words of the first limit reviews of the NSMC
// corpus at path (0: all) with a.
func CorpusVocabulary(path string, limit int, a search.Analyzer) (*Vocabulary, error) {
	v := NewVocabulary()
	err := nsmc.Read(path, limit, func(r nsmc.Review) error {
		if r.Text != "" {
			v.Add(a, r.Text)
		}
		return nil
	})
	return v, err
}
