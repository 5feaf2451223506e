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

// Limits on user dictionaries, like those on synonym dictionaries.
const (
	// MaxUserDictionaryLineRunes is the longest line, in characters.
	MaxUserDictionaryLineRunes = 1000
	// MaxUserDictionaryWords is the most words.
	MaxUserDictionaryWords = 100_000
	// MaxUserDictionaryBytes is the largest dictionary accepted (1 MiB).
	MaxUserDictionaryBytes = 1 << 20
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
// must concatenate to the word. A word defined again (in any case) is
// ignored with a warning; the first definition counts.
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
	line  int      // 1-based line in the dictionary
	lower string   // word lower-cased rune by rune
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
// bad line; warnings (a word defined twice) do not fail it.
func ParseUserDictionary(rules []string) (*UserDictionary, error) {
	u, problems := parseUserDictionary(rules, 1)
	if errs := problems.Errors(); len(errs) > 0 {
		p := errs[0]
		return nil, engine.Errorf(engine.Invalid, "user dictionary line %d: %s", p.Line, p.Message)
	}
	return u, nil
}

// parseUserDictionary parses rules in one pass. A bad line is reported
// (dictionary user_dictionary, with its line and column) and skipped, so a
// later line is checked as if it were not there; parsing stops at limit
// errors. The dictionary is nil when there is any error.
//
// What nori refuses is an error: a decomposition longer than the word
// ("the segmentation is bigger than the surface form"). Stricter than
// nori, parts that do not spell the word are an error too: nori uses only
// their lengths, so "세종시 세종 사" would index 세종 and 시 while the
// admin wrote 사. A word defined twice (also in another case: this
// package's matching ignores case) is a warning, and the first definition
// is used, as nori does.
func parseUserDictionary(rules []string, limit int) (*UserDictionary, Problems) {
	u := &UserDictionary{byFirst: map[rune][]int{}}
	firstLine := map[string]int{}
	var problems Problems
	size := 0
	for _, rule := range rules {
		size += len(rule) + 1
	}
	if size > MaxUserDictionaryBytes {
		return nil, Problems{{Dictionary: DictUserDictionary, Severity: SeverityError, Code: CodeTooLarge,
			Message: fmt.Sprintf("the user dictionary is %d KB; at most %d KB are allowed", (size+1023)/1024, MaxUserDictionaryBytes/1024)}}
	}
	nerr := 0
	line := 0
	for _, rule := range rules {
		for raw := range strings.Lines(rule) {
			line++
			if len(u.entries) >= MaxUserDictionaryWords {
				problems = append(problems, Problem{Dictionary: DictUserDictionary, Line: line, Severity: SeverityError, Code: CodeTooManyRules,
					Message: fmt.Sprintf("the user dictionary has more than %d words; words from this line on were not checked", MaxUserDictionaryWords)})
				return nil, problems
			}
			if p := u.add(strings.TrimRight(raw, "\r\n"), line, firstLine); p != nil {
				problems = append(problems, *p)
				if p.IsError() {
					if nerr++; nerr >= limit {
						return nil, problems
					}
				}
			}
		}
		if rule == "" {
			line++
		}
	}
	if nerr > 0 {
		return nil, problems
	}
	for r, idx := range u.byFirst {
		slices.SortStableFunc(idx, func(a, b int) int {
			return len(u.entries[b].word) - len(u.entries[a].word)
		})
		u.byFirst[r] = idx
	}
	return u, problems
}

// userField is a field of a user dictionary line and its column.
type userField struct {
	text string
	col  int // 1-based, in characters
}

// userFields splits a line at spaces and tabs, dropping a comment.
func userFields(line string) []userField {
	if i := strings.IndexByte(line, '#'); i >= 0 {
		line = line[:i]
	}
	var out []userField
	col, start, startCol := 0, -1, 0
	for i, r := range line {
		col++
		if r == ' ' || r == '\t' {
			if start >= 0 {
				out = append(out, userField{line[start:i], startCol})
				start = -1
			}
			continue
		}
		if start < 0 {
			start, startCol = i, col
		}
	}
	if start >= 0 {
		out = append(out, userField{line[start:], startCol})
	}
	return out
}

// add adds the rule on one line, or returns what is wrong with it (leaving
// u as it was for an error).
func (u *UserDictionary) add(raw string, line int, firstLine map[string]int) *Problem {
	problem := func(col int, sev Severity, code, format string, args ...any) *Problem {
		return &Problem{Dictionary: DictUserDictionary, Line: line, Column: col, Severity: sev, Code: code, Message: fmt.Sprintf(format, args...)}
	}
	if !utf8.ValidString(raw) {
		return problem(0, SeverityError, CodeInvalidUTF8, "the line contains bytes that are not valid UTF-8 text; save the dictionary as UTF-8")
	}
	if n := utf8.RuneCountInString(raw); n > MaxUserDictionaryLineRunes {
		return problem(0, SeverityError, CodeLineTooLong, "the line is %d characters long; at most %d are allowed", n, MaxUserDictionaryLineRunes)
	}
	fields := userFields(raw)
	if len(fields) == 0 {
		return nil
	}
	for _, f := range fields {
		col := f.col
		for _, r := range f.text {
			if unicode.IsControl(r) || r == '\uFEFF' && !(line == 1 && col == 1) {
				return problem(col, SeverityError, CodeControlCharacter, "%q contains an invisible control character (%U) at column %d; remove it", f.text, r, col)
			}
			col++
		}
	}
	if line == 1 {
		fields[0].text = strings.TrimPrefix(fields[0].text, "\uFEFF")
	}
	word := fields[0].text
	var parts []string
	if len(fields) > 1 {
		for _, f := range fields[1:] {
			parts = append(parts, f.text)
		}
		if joined := strings.Join(parts, ""); joined != word {
			return problem(fields[1].col, SeverityError, CodePartsMismatch,
				"the parts %q put together make %q, not the word %q; write the word, then its parts separated by spaces (세종시 세종 시)",
				strings.Join(parts, " "), joined, word)
		}
	}
	key := strings.ToLower(word)
	if first, dup := firstLine[key]; dup {
		return problem(fields[0].col, SeverityWarning, CodeDuplicateWord, "%q is already defined on line %d; this line is ignored and line %d is used", word, first, first)
	}
	firstLine[key] = line
	u.entries = append(u.entries, userEntry{word: word, parts: parts, line: line, lower: strings.ToLower(word)})
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
