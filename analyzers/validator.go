package analyzers

import (
	"strings"
	"sync"

	"github.com/searchd/searchd/searchd/engine"
)

// validatorWords is how many word analyses a Validator keeps by default:
// a few dictionaries of the largest size (MaxSynonymRules rules of a few
// words).
const validatorWords = 200_000

// Validator validates analysis settings exactly like Validate, and
// remembers how every dictionary word analyzed, so validating a
// dictionary again after a small edit (the console validates on every
// pause in typing) analyzes only the words that are new. Morphological
// analysis is most of the cost of validating (about 10 µs a word).
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
}

// wordKey is what a word's analysis depends on.
type wordKey struct {
	chain string // decompound mode and stop tags
	word  string
	rules string // the user dictionary rules that match inside the word
}

// NewValidator returns a Validator with an empty memory.
func NewValidator() *Validator {
	return &Validator{cur: map[wordKey][]Token{}, max: validatorWords}
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
