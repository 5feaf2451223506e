package analyzers

import (
	"hash/fnv"
	"strings"
	"sync"

	"github.com/searchd/searchd/searchd/engine"
)

// validatorWords is how many word analyses a Validator keeps by default:
// a few dictionaries of the largest size (MaxSynonymRules rules of a few
// words).
const validatorWords = 200_000

// Validator validates analysis settings exactly like Validate, and
// remembers how every synonym line read on its own and how every word
// analyzed, so validating a dictionary again after a small edit (the
// console validates on every pause in typing) reads only the lines that
// changed and analyzes only the words that are new; what depends on the
// other lines (repeated rules, words in several rules, the rule limit) is
// checked again every time. Morphological analysis is most of the cost of
// a first validation (about 10 µs a word).
//
// A word's analysis depends on the decompound mode, the stop tags and the
// user dictionary words found inside it, and on nothing else, so that is
// what it is remembered under: editing the user dictionary re-analyzes
// only the synonym words that contain an edited user word. The memory is
// bounded (two generations of at most validatorWords words each). A
// Validator is safe for concurrent use.
type Validator struct {
	mu       sync.Mutex
	cur, old map[wordKey][]Token
	max      int
	// lineCur and lineOld remember how synonym lines read on their own.
	lineCur, lineOld map[lineKey]*lineResult
	lineMax          int
}

// wordKey is what a word's analysis depends on.
type wordKey struct {
	chain string // decompound mode and stop tags
	word  string
	rules string // the user dictionary rules that match inside the word
}

// NewValidator returns a Validator with an empty memory.
func NewValidator() *Validator {
	return &Validator{cur: map[wordKey][]Token{}, max: validatorWords,
		lineCur: map[lineKey]*lineResult{}, lineMax: validatorLines}
}

// validatorLines is how many synonym lines a Validator keeps by default.
const validatorLines = 50_000

// lineKey is what a synonym line's reading depends on: the line, whether
// it is the first (which may start with a byte order mark), the chain, and
// the user dictionary: either all of it (userDict, a hash of its rules) or
// the rules of the user words found in the line unescaped (rules), which
// covers every word of the line. The first key is cheaper to make, the
// second survives edits of the user dictionary elsewhere.
type lineKey struct {
	chain    string
	userDict uint64
	rules    string
	first    bool
	line     string
}

// lines returns the line memory for one chain and user dictionary.
func (v *Validator) lines(chain string, ud *UserDictionary) lineMemo {
	h := fnv.New64a()
	for _, r := range ud.Rules() {
		h.Write([]byte(r))
		h.Write([]byte{0})
	}
	return &validatorLineMemo{v: v, chain: chain, userDict: h.Sum64(), ud: ud}
}

type validatorLineMemo struct {
	v        *Validator
	chain    string
	userDict uint64
	ud       *UserDictionary
}

func (m *validatorLineMemo) keys(first bool, line string) (whole, inside lineKey) {
	whole = lineKey{chain: m.chain, userDict: m.userDict, first: first, line: line}
	inside = lineKey{chain: m.chain, rules: "\x00" + m.ud.rulesInside(unescapeAll(line)), first: first, line: line}
	return whole, inside
}

func (m *validatorLineMemo) get(first bool, line string) *lineResult {
	whole := lineKey{chain: m.chain, userDict: m.userDict, first: first, line: line}
	if r := m.v.getLine(whole); r != nil {
		return r
	}
	if m.ud.Len() == 0 {
		return nil
	}
	_, inside := m.keys(first, line)
	r := m.v.getLine(inside)
	if r != nil {
		m.v.putLine(whole, r)
	}
	return r
}

func (m *validatorLineMemo) put(first bool, line string, r *lineResult) {
	whole, inside := m.keys(first, line)
	m.v.putLine(whole, r)
	m.v.putLine(inside, r)
}

func (v *Validator) getLine(k lineKey) *lineResult {
	v.mu.Lock()
	defer v.mu.Unlock()
	if r, ok := v.lineCur[k]; ok {
		return r
	}
	r, ok := v.lineOld[k]
	if ok {
		v.putLineLocked(k, r)
	}
	return r
}

func (v *Validator) putLine(k lineKey, r *lineResult) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.putLineLocked(k, r)
}

// unescapeAll removes one level of backslash escapes from a whole line, so
// that every word of the line (unescaped) is a part of it.
func unescapeAll(line string) string {
	if !strings.Contains(line, "\\") {
		return line
	}
	var b strings.Builder
	for i := 0; i < len(line); i++ {
		if line[i] == '\\' && i+1 < len(line) {
			i++
		}
		b.WriteByte(line[i])
	}
	return b.String()
}

func (v *Validator) putLineLocked(k lineKey, r *lineResult) {
	if len(v.lineCur) >= v.lineMax {
		v.lineOld, v.lineCur = v.lineCur, make(map[lineKey]*lineResult, len(v.lineCur))
	}
	v.lineCur[k] = r
}

// Validate returns what Validate(s) returns.
func (v *Validator) Validate(s engine.AnalysisSettings) Problems {
	return validate(s, &validation{cache: v})
}

// analyzer returns analyze remembering its results under chain (the
// decompound mode and stop tags) and the rules of ud that match inside the
// word. The tokens returned are shared: callers must not modify them.
func (v *Validator) analyzer(chain string, ud *UserDictionary, analyze func(string) []Token) func(string) []Token {
	return func(word string) []Token {
		key := wordKey{chain, word, ud.rulesInside(word)}
		if toks, ok := v.get(key); ok {
			return toks
		}
		toks := analyze(word)
		v.put(key, toks)
		return toks
	}
}

func (v *Validator) get(key wordKey) ([]Token, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if toks, ok := v.cur[key]; ok {
		return toks, true
	}
	toks, ok := v.old[key]
	if ok {
		v.putLocked(key, toks)
	}
	return toks, ok
}

func (v *Validator) put(key wordKey, toks []Token) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.putLocked(key, toks)
}

func (v *Validator) putLocked(key wordKey, toks []Token) {
	if len(v.cur) >= v.max {
		v.old, v.cur = v.cur, make(map[wordKey][]Token, len(v.cur))
	}
	v.cur[key] = toks
}

// rulesInside returns the rules (joined by "\x01") of the words of u that
// match somewhere in text, compared as the tokenizer compares them
// (hasPrefixFold: rune by rune, lower-cased).
func (u *UserDictionary) rulesInside(text string) string {
	if u.Len() == 0 {
		return ""
	}
	lower := strings.ToLower(text)
	var b strings.Builder
	for i, r := range lower {
		for _, idx := range u.byFirst[r] {
			if e := &u.entries[idx]; strings.HasPrefix(lower[i:], e.lower) {
				b.WriteString(e.rule())
				b.WriteByte('\x01')
			}
		}
	}
	return b.String()
}
