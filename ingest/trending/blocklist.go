package trending

import (
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/searchd/searchd/searchd/engine"
)

// Blocklist limits.
const (
	MaxBlocklistEntries = 1000 // exact entries and patterns, each
	MaxBlocklistRunes   = 100  // per entry, after normalization
)

// Blocklist is the admins' list of keywords never shown. Exact entries and
// patterns are normalized like keys (NFC, lower case, spaces removed) and
// matched against keys. A pattern is a glob: '*' matches any run of
// characters (also none), '?' exactly one; every other character, including
// '[' and '\', is literal. A pattern needs at least one literal character.
type Blocklist struct {
	Exact     []string  `json:"exact"`
	Patterns  []string  `json:"patterns"`
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// Normalize validates b and returns it with every entry normalized,
// duplicates and order settled (first occurrence kept). Errors have code
// engine.Invalid and name the offending entry.
func (b Blocklist) Normalize() (Blocklist, error) {
	if len(b.Exact) > MaxBlocklistEntries || len(b.Patterns) > MaxBlocklistEntries {
		return Blocklist{}, engine.Errorf(engine.Invalid, "blocklist: at most %d exact entries and %d patterns are allowed", MaxBlocklistEntries, MaxBlocklistEntries)
	}
	out := Blocklist{Exact: []string{}, Patterns: []string{}, UpdatedAt: b.UpdatedAt}
	norm := func(kind, s string, dst *[]string, seen map[string]bool) error {
		k := Key(s)
		if !utf8.ValidString(s) {
			return engine.Errorf(engine.Invalid, "blocklist: %s entry %q is not valid UTF-8", kind, s)
		}
		if k == "" {
			return engine.Errorf(engine.Invalid, "blocklist: %s entry %q is empty after normalization", kind, s)
		}
		if utf8.RuneCountInString(k) > MaxBlocklistRunes {
			return engine.Errorf(engine.Invalid, "blocklist: %s entry %q is longer than %d characters", kind, s, MaxBlocklistRunes)
		}
		if kind == "pattern" && strings.Trim(k, "*?") == "" {
			return engine.Errorf(engine.Invalid, "blocklist: pattern %q has no literal character and would block everything", s)
		}
		if !seen[k] {
			seen[k] = true
			*dst = append(*dst, k)
		}
		return nil
	}
	seen := map[string]bool{}
	for _, s := range b.Exact {
		if err := norm("exact", s, &out.Exact, seen); err != nil {
			return Blocklist{}, err
		}
	}
	seen = map[string]bool{}
	for _, s := range b.Patterns {
		if err := norm("pattern", s, &out.Patterns, seen); err != nil {
			return Blocklist{}, err
		}
	}
	return out, nil
}

// ParseBlocklist decodes a blocklist from JSON (unknown fields rejected) and
// normalizes it.
func ParseBlocklist(data []byte) (Blocklist, error) {
	var b Blocklist
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return Blocklist{}, engine.Errorf(engine.Invalid, "blocklist: %v", err)
	}
	if dec.More() {
		return Blocklist{}, engine.Errorf(engine.Invalid, "blocklist: trailing data after the JSON object")
	}
	return b.Normalize()
}

// matcher is a compiled, normalized blocklist.
type matcher struct {
	exact    map[string]bool
	patterns [][]rune
}

func compileBlocklist(b Blocklist) *matcher {
	m := &matcher{exact: make(map[string]bool, len(b.Exact))}
	for _, e := range b.Exact {
		m.exact[Key(e)] = true
	}
	for _, p := range b.Patterns {
		m.patterns = append(m.patterns, []rune(Key(p)))
	}
	return m
}

// Blocked reports whether key (already normalized) is blocked.
func (m *matcher) Blocked(key string) bool {
	if m == nil {
		return false
	}
	if m.exact[key] {
		return true
	}
	if len(m.patterns) == 0 {
		return false
	}
	rs := []rune(key)
	for _, p := range m.patterns {
		if globMatch(p, rs) {
			return true
		}
	}
	return false
}

// Blocks reports whether the blocklist blocks the keyword (any spelling
// that normalizes to the same key).
func (b Blocklist) Blocks(keyword string) bool {
	return compileBlocklist(b).Blocked(Key(keyword))
}

// globMatch matches s against p ('*' any run, '?' one rune) in
// O(len(p)·len(s)) worst case: on a mismatch it backtracks only to the last
// star.
func globMatch(p, s []rune) bool {
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == s[si]):
			pi++
			si++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}
