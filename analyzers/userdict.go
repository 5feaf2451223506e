package analyzers

import (
	"bufio"
	"fmt"
	"os"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/searchd/searchd/searchd/engine"
)

// UserDictionary holds nori user dictionary rules: words (nouns, NNG) that
// win over the system dictionary, optionally with their decomposition.
//
// The format is nori's user_dictionary_rules, one rule a line:
//
//	c++                # a word
//	세종시 세종 시      # a compound word followed by its parts
//
// '#' starts a comment that runs to the end of the line (so, as in nori, a
// word cannot contain '#'); blank lines are ignored. The parts of a compound
// must concatenate to the word. A word may appear once.
//
// Words match the analyzed text case-insensitively, so the rule c++ keeps
// C++ in one token. (Elasticsearch's nori matches user words exactly; an
// upper-case C++ there splits into C and ++.)
type UserDictionary struct {
	entries []userEntry
	// byFirst maps the lower-cased first rune of a word to its entries,
	// longest first.
	byFirst map[rune][]int
}

type userEntry struct {
	word  string
	parts []string // nil for a simple word
}

// rule is the entry as a normalized rule: the word, then its parts,
// separated by one space.
func (e *userEntry) rule() string {
	if e.parts == nil {
		return e.word
	}
	return e.word + " " + strings.Join(e.parts, " ")
}

// ParseUserDictionary parses rules in nori's format, one rule an element
// (an element holding several lines is split). The error names the first
// bad line.
func ParseUserDictionary(rules []string) (*UserDictionary, error) {
	u, problems := parseUserDictionary(rules, 1)
	if len(problems) > 0 {
		p := problems[0]
		return nil, engine.Errorf(engine.Invalid, "user dictionary line %d: %s", p.Line, p.Message)
	}
	return u, nil
}

// parseUserDictionary parses rules in one pass. A bad line is reported
// (field user_dictionary, with its line number) and skipped, so a later
// line is checked as if it were not there; parsing stops at limit
// problems. The dictionary is nil when there is any problem.
func parseUserDictionary(rules []string, limit int) (*UserDictionary, Problems) {
	u := &UserDictionary{byFirst: map[rune][]int{}}
	firstLine := map[string]int{}
	var problems Problems
	line := 0
	for _, rule := range rules {
		for raw := range strings.Lines(rule) {
			line++
			if err := u.add(raw, line, firstLine); err != nil {
				problems = append(problems, Problem{Field: FieldUserDictionary, Line: line, Message: err.Error()})
				if len(problems) >= limit {
					return nil, problems
				}
			}
		}
		if rule == "" {
			line++
		}
	}
	if len(problems) > 0 {
		return nil, problems
	}
	for r, idx := range u.byFirst {
		slices.SortStableFunc(idx, func(a, b int) int {
			return len(u.entries[b].word) - len(u.entries[a].word)
		})
		u.byFirst[r] = idx
	}
	return u, nil
}

// add adds the rule on one line, or returns what is wrong with it (leaving
// u as it was).
func (u *UserDictionary) add(raw string, line int, firstLine map[string]int) error {
	text := raw
	if i := strings.IndexByte(text, '#'); i >= 0 {
		text = text[:i]
	}
	fields := strings.Fields(text)
	if len(fields) == 0 {
		return nil
	}
	word := fields[0]
	for _, r := range word {
		if r == utf8.RuneError || unicode.IsControl(r) {
			return fmt.Errorf("%q contains an invalid or control character", word)
		}
	}
	var parts []string
	if len(fields) > 1 {
		parts = fields[1:]
		if joined := strings.Join(parts, ""); joined != word {
			return fmt.Errorf("the parts %q concatenate to %q, not to the word %q", strings.Join(parts, " "), joined, word)
		}
	}
	key := strings.ToLower(word)
	if first, dup := firstLine[key]; dup {
		return fmt.Errorf("%q is already defined on line %d", word, first)
	}
	firstLine[key] = line
	u.entries = append(u.entries, userEntry{word: word, parts: parts})
	r, _ := utf8.DecodeRuneInString(word)
	f := unicode.ToLower(r)
	u.byFirst[f] = append(u.byFirst[f], len(u.entries)-1)
	return nil
}

// LoadUserDictionary reads a user dictionary file in nori's format.
func LoadUserDictionary(path string) (*UserDictionary, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("user dictionary: %w", err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("user dictionary %s: %w", path, err)
	}
	return ParseUserDictionary(lines)
}

// Len is the number of words.
func (u *UserDictionary) Len() int {
	if u == nil {
		return 0
	}
	return len(u.entries)
}

// Rules returns the rules normalized (comments and blank lines removed,
// fields separated by one space), in input order: the value for
// Elasticsearch's user_dictionary_rules.
func (u *UserDictionary) Rules() []string {
	if u.Len() == 0 {
		return nil
	}
	rules := make([]string, len(u.entries))
	for i := range u.entries {
		rules[i] = u.entries[i].rule()
	}
	return rules
}

// CaseVariantRules returns Rules plus their lower- and upper-case spellings
// (c++ and C++). Elasticsearch's nori matches user words case-sensitively;
// giving it these variants makes it agree with this package's
// case-insensitive matching for the common spellings (not for mixed case
// such as iPhone written IPhone).
func (u *UserDictionary) CaseVariantRules() []string {
	if u == nil {
		return nil
	}
	seen := make(map[string]bool, 3*len(u.entries))
	out := make([]string, 0, len(u.entries))
	for i := range u.entries {
		r := u.entries[i].rule()
		for _, v := range []string{r, strings.ToLower(r), strings.ToUpper(r)} {
			if !seen[v] {
				seen[v] = true
				out = append(out, v)
			}
		}
	}
	return out
}

// match returns the longest word that s starts with, compared
// case-insensitively, and the number of bytes of s it covers.
func (u *UserDictionary) match(s string) (*userEntry, int) {
	r, _ := utf8.DecodeRuneInString(s)
	for _, i := range u.byFirst[unicode.ToLower(r)] {
		e := &u.entries[i]
		if n, ok := hasPrefixFold(s, e.word); ok {
			return e, n
		}
	}
	return nil, 0
}

// hasPrefixFold reports whether s starts with prefix, ignoring case, and
// how many bytes of s the prefix covers.
func hasPrefixFold(s, prefix string) (int, bool) {
	n := 0
	for _, pr := range prefix {
		if n >= len(s) {
			return 0, false
		}
		sr, w := utf8.DecodeRuneInString(s[n:])
		if sr != pr && unicode.ToLower(sr) != unicode.ToLower(pr) {
			return 0, false
		}
		n += w
	}
	return n, true
}
