package analyzers

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on synonym dictionaries. A dictionary over them is rejected with a
// Problem; they keep validation, index settings and the filter's lookup
// tables small.
const (
	// MaxSynonymBytes is the largest dictionary accepted (1 MiB).
	MaxSynonymBytes = 1 << 20
	// MaxSynonymLineRunes is the longest line, in characters.
	MaxSynonymLineRunes = 1000
	// MaxSynonymRules is the most rules (non-blank, non-comment lines).
	MaxSynonymRules = 10_000
	// MaxSynonymWordsPerRule is the most words on one line.
	MaxSynonymWordsPerRule = 50
	// MaxSynonymWordTerms is the most terms one word may analyze into.
	MaxSynonymWordTerms = 8
)

// SynonymSet is a parsed, validated synonym dictionary in the Solr format,
// with every word analyzed by the chain that precedes the synonym filter.
//
// The format, one rule a line:
//
//	# a comment: '#' at the start of a line or after a space
//	삼성전자, 삼전, 삼성 전자    # equivalence: every word matches every other
//	갤폰, 갤럭시폰 => 갤럭시     # one-way: the left side is replaced by the right
//	아이폰 => 아이폰, iphone     # one-way keeping the original word
//
// A backslash makes the next character literal (\, for a comma inside a
// word, \# for a '#', \\ for a backslash, \=> for an arrow). Blank lines are
// ignored; spaces around words are not part of them.
//
// Equivalence rules are expanded (Elasticsearch's expand: true). A word is
// matched by its analyzed terms, so "삼성전자" in a dictionary analyzed with
// decompound_mode discard is the two-term sequence "삼성 전자" and matches
// the text 삼성전자 (which the tokenizer splits the same way), not a single
// term.
type SynonymSet struct {
	groups []SynonymGroup
	rules  []string
	// byFirst maps a rule input's first term to the inputs starting with
	// it, longest first.
	byFirst map[string][]*synonymEntry
	// canonical maps analyzed terms (joined by a space) to their group's
	// canonical word.
	canonical map[string]string
	// written maps member words as written (and one-way canonical words)
	// to their canonical word.
	written map[string]string
	// maxOutput is the most terms any output has.
	maxOutput int
}

// SynonymGroup is one rule of the dictionary.
type SynonymGroup struct {
	// Line is the rule's line in the dictionary.
	Line int `json:"line"`
	// OneWay is true for "a, b => c" rules.
	OneWay bool `json:"one_way"`
	// Canonical is the word searches and trending count the group under:
	// the first word as written for equivalence, the first right-hand word
	// for one-way rules.
	Canonical string `json:"canonical"`
	// Members are the analyzed terms (joined by a space) of the words that
	// belong to the group: every word of an equivalence, the left-hand
	// words of a one-way rule.
	Members []string `json:"members"`
	// Outputs are the analyzed right-hand words of a one-way rule.
	Outputs []string `json:"outputs,omitempty"`
}

// synonymEntry is what one input term sequence expands to.
type synonymEntry struct {
	input    []string
	outputs  [][]string
	keepOrig bool
}

// Groups returns the dictionary's rules in order.
func (s *SynonymSet) Groups() []SynonymGroup {
	if s == nil {
		return nil
	}
	return slices.Clone(s.groups)
}

// Len is the number of rules.
func (s *SynonymSet) Len() int {
	if s == nil {
		return 0
	}
	return len(s.groups)
}

// Rules returns the rules ready for Elasticsearch's synonym filter: one rule
// a line, comments and blank lines removed, words as written (escaped where
// needed), separated by ", " and " => ".
func (s *SynonymSet) Rules() []string {
	if s == nil {
		return nil
	}
	return slices.Clone(s.rules)
}

// Canonical returns the canonical word of the group whose member analyzes
// to analyzedTerms (terms joined by spaces), e.g. "삼전" → "삼성전자".
func (s *SynonymSet) Canonical(analyzedTerms string) (string, bool) {
	if s == nil {
		return "", false
	}
	c, ok := s.canonical[analyzedTerms]
	if !ok {
		if norm := strings.Join(strings.Fields(analyzedTerms), " "); norm != analyzedTerms {
			c, ok = s.canonical[norm]
		}
	}
	return c, ok
}

// addCanonicalForms also maps each member word's analysis by another
// analyzer (the search analyzer, when the index analyzer decompounds
// differently) to its canonical word, so Canonical accepts query terms too.
// Mappings made by the dictionary's own analysis win.
func (s *SynonymSet) addCanonicalForms(analyze func(string) []Token) {
	for word, canon := range s.written {
		key := joinTerms(analyze(word))
		if _, ok := s.canonical[key]; !ok && key != "" {
			s.canonical[key] = canon
		}
	}
}

func joinTerms(toks []Token) string {
	terms := make([]string, len(toks))
	for i, t := range toks {
		terms[i] = t.Term
	}
	return strings.Join(terms, " ")
}

// match returns the longest rule input that starts at toks[i] and runs over
// tokens at consecutive positions.
func (s *SynonymSet) match(toks []Token, i int) *synonymEntry {
	cands := s.byFirst[toks[i].Term]
	for _, e := range cands {
		n := len(e.input)
		if i+n > len(toks) {
			continue
		}
		ok := true
		for k := 1; k < n; k++ {
			t := toks[i+k]
			if t.Position != toks[i+k-1].Position+1 || t.Term != e.input[k] {
				ok = false
				break
			}
		}
		if ok {
			return e
		}
	}
	return nil
}

// ParseSynonyms parses a Solr-format synonym dictionary (see SynonymSet),
// analyzing every word with analyze: the analysis chain that precedes the
// synonym filter, as Elasticsearch does when it builds the filter. The error
// is Problems with every problem found, each with its line.
func ParseSynonyms(text string, analyze func(string) []Token) (*SynonymSet, error) {
	p := &synonymParser{
		analyze: analyze,
		owner:   map[string]*parsedRule{},
		seen:    map[string]int{},
	}
	if len(text) > MaxSynonymBytes {
		return nil, Problems{p.problem(1, "the dictionary is %d KB; at most %d KB are allowed — split it or remove unused rules",
			(len(text)+1023)/1024, MaxSynonymBytes/1024)}
	}
	for line := range strings.Lines(text) {
		p.line++
		p.parseLine(strings.TrimRight(line, "\r\n"))
	}
	if len(p.problems) > 0 {
		sortProblems(p.problems)
		return nil, p.problems
	}
	return p.build(), nil
}

type synonymParser struct {
	analyze  func(string) []Token
	line     int
	rules    []*parsedRule
	problems Problems
	// owner maps a member's analyzed terms to the rule it belongs to.
	owner map[string]*parsedRule
	// seen maps a rule's key to its line, to find duplicates.
	seen map[string]int
	// ruleSeen counts the rules read so far, to stop at MaxSynonymRules.
	ruleSeen int
}

type parsedRule struct {
	line    int
	oneWay  bool
	left    []analyzedWord // every word of an equivalence
	right   []analyzedWord
	written string
}

type analyzedWord struct {
	text  string   // as written, unescaped, spaces normalized
	terms []string // analyzed
	key   string   // terms joined by a space
}

func (p *synonymParser) problem(line int, format string, args ...any) Problem {
	return Problem{Field: FieldSynonyms, Line: line, Message: fmt.Sprintf(format, args...)}
}

// report adds a problem on the current line, once.
func (p *synonymParser) report(format string, args ...any) {
	pr := p.problem(p.line, format, args...)
	for i := len(p.problems) - 1; i >= 0 && p.problems[i].Line == p.line; i-- {
		if p.problems[i] == pr {
			return
		}
	}
	p.problems = append(p.problems, pr)
}

func (p *synonymParser) parseLine(line string) {
	if !utf8.ValidString(line) {
		p.report("the line contains bytes that are not valid UTF-8 text; save the dictionary as UTF-8")
		return
	}
	if n := utf8.RuneCountInString(line); n > MaxSynonymLineRunes {
		p.report("the line is %d characters long; at most %d are allowed — split the group", n, MaxSynonymLineRunes)
		return
	}
	for _, r := range line {
		if r != '\t' && (unicode.IsControl(r) || r == '\uFEFF' && p.line > 1) {
			p.report("the line contains an invisible control character (%U); remove it", r)
			return
		}
	}
	sides, arrows := scanRule(strings.TrimPrefix(line, "\uFEFF"))
	if arrows == 0 && len(sides) == 1 && len(sides[0]) == 1 && sides[0][0] == "" {
		return // blank or comment
	}
	p.ruleSeen++
	if p.ruleSeen > MaxSynonymRules {
		if p.ruleSeen == MaxSynonymRules+1 { // report once, on the first rule over
			p.report("the dictionary has more than %d rules; rules from this line on were not checked", MaxSynonymRules)
		}
		return
	}
	if arrows > 1 {
		p.report("a rule may contain \"=>\" only once (write \\=> for a literal arrow)")
		return
	}
	r := &parsedRule{line: p.line, oneWay: arrows == 1}
	ok := true
	nwords := 0
	for si, side := range sides {
		where := ""
		if r.oneWay {
			where = [2]string{" before \"=>\"", " after \"=>\""}[si]
		}
		nonEmpty := 0
		for _, w := range side {
			if w != "" {
				nonEmpty++
			}
		}
		if nonEmpty == 0 {
			p.report("there is no word%s", where)
			ok = false
			continue
		}
		if nonEmpty != len(side) {
			p.report("there is an empty word%s (two commas in a row, or a comma at the start or end)", where)
			ok = false
		}
		nwords += nonEmpty
	}
	if !ok {
		return
	}
	if nwords > MaxSynonymWordsPerRule {
		p.report("the rule has %d words; at most %d are allowed", nwords, MaxSynonymWordsPerRule)
		return
	}
	if !r.oneWay && len(sides[0]) < 2 {
		p.report("%q alone is not a synonym group; list at least two words separated by commas, or use \"=>\"", sides[0][0])
		return
	}
	r.left = p.analyzeSide(sides[0], &ok)
	if r.oneWay {
		r.right = p.analyzeSide(sides[1], &ok)
	}
	if !ok {
		return
	}
	p.checkRepeats(r, &ok)
	if !ok {
		return
	}
	r.written = writeRule(r)
	key := ruleKey(r)
	if first, dup := p.seen[key]; dup {
		p.report("this rule repeats line %d; remove one of them", first)
		return
	}
	if !p.checkConflicts(r) {
		return
	}
	p.seen[key] = r.line
	for _, w := range r.members() {
		p.owner[w.key] = r
	}
	p.rules = append(p.rules, r)
}

// members are the words that map to the rule's canonical word.
func (r *parsedRule) members() []analyzedWord { return r.left }

func (r *parsedRule) canonical() string {
	if r.oneWay {
		return r.right[0].text
	}
	return r.left[0].text
}

func (p *synonymParser) analyzeSide(words []string, ok *bool) []analyzedWord {
	out := make([]analyzedWord, 0, len(words))
	for _, w := range words {
		aw, good := p.analyzeWord(w)
		if !good {
			*ok = false
			continue
		}
		out = append(out, aw)
	}
	return out
}

// analyzeWord analyzes one word and reports what would make Elasticsearch
// refuse the rule: a word analyzed to nothing, to stacked tokens or to
// tokens with a gap between them (SynonymMap requires every token to follow
// the previous one at the next position).
func (p *synonymParser) analyzeWord(w string) (analyzedWord, bool) {
	toks := p.analyze(w)
	if len(toks) == 0 {
		p.report("%q disappears entirely when analyzed (particles, endings, punctuation and similar parts are removed), so it can never match; remove it or write the word it belongs to", w)
		return analyzedWord{}, false
	}
	terms := make([]string, 0, len(toks))
	prevEnd := 0
	for i, t := range toks {
		want := 0
		if i > 0 {
			want = toks[i-1].Position + 1
		}
		switch {
		case t.Term == "":
			p.report("%q contains a part that analyzes to an empty word; write it differently", w)
			return analyzedWord{}, false
		case i > 0 && t.Position <= toks[i-1].Position:
			p.report("%q is analyzed into overlapping parts (%q and %q at the same place), which Elasticsearch cannot use in a synonym rule; use decompound_mode discard or add the word to the user dictionary",
				w, toks[i-1].Term, t.Term)
			return analyzedWord{}, false
		case t.Position > want:
			p.report("%q has a part that the analyzer removes (%s), which leaves a gap that Elasticsearch cannot use in a synonym rule; "+
				"remove that part, or add the word to the user dictionary so that it stays one word",
				w, removedText(w, prevEnd, t.Start))
			return analyzedWord{}, false
		}
		terms = append(terms, t.Term)
		prevEnd = t.End
	}
	if len(terms) > MaxSynonymWordTerms {
		p.report("%q analyzes into %d words; at most %d are allowed in one synonym", w, len(terms), MaxSynonymWordTerms)
		return analyzedWord{}, false
	}
	return analyzedWord{text: w, terms: terms, key: strings.Join(terms, " ")}, true
}

// removedText describes the text between two offsets of w that the
// analyzer dropped.
func removedText(w string, from, to int) string {
	if from >= 0 && to <= len(w) && from < to {
		if gap := strings.TrimSpace(w[from:to]); gap != "" {
			return fmt.Sprintf("%q", gap)
		}
	}
	return "an ending or particle inside it"
}

// checkRepeats reports words of a rule that are the same after analysis.
func (p *synonymParser) checkRepeats(r *parsedRule, ok *bool) {
	for _, side := range [][]analyzedWord{r.left, r.right} {
		seen := map[string]string{}
		for _, w := range side {
			if prev, dup := seen[w.key]; dup {
				if prev == w.text {
					p.report("%q is listed twice in this rule; list it once", w.text)
				} else {
					p.report("%q and %q are the same after analysis (both become %q); list only one of them", prev, w.text, w.key)
				}
				*ok = false
				continue
			}
			seen[w.key] = w.text
		}
	}
}

// checkConflicts reports words of r that already belong to another rule:
// a word can be in one group only, or its canonical word and expansion
// would depend on rule order.
func (p *synonymParser) checkConflicts(r *parsedRule) bool {
	ok := true
	for _, w := range r.members() {
		other, taken := p.owner[w.key]
		if !taken {
			continue
		}
		ok = false
		switch {
		case !r.oneWay && !other.oneWay:
			p.report("%q is already in the synonym group on line %d (%s); a word can be in one group only — merge the two lines",
				w.text, other.line, other.written)
		case r.oneWay && !other.oneWay:
			p.report("%q is in the synonym group on line %d (%s), so this one-way rule contradicts it; remove the word from one of the two lines",
				w.text, other.line, other.written)
		case !r.oneWay && other.oneWay:
			p.report("%q is already replaced by the one-way rule on line %d (%s), so this group contradicts it; remove the word from one of the two lines",
				w.text, other.line, other.written)
		default:
			p.report("%q already has a one-way rule on line %d (%s); put all its replacements in one rule",
				w.text, other.line, other.written)
		}
	}
	return ok
}

// ruleKey identifies a rule independent of word order and spelling
// variants that analyze alike.
func ruleKey(r *parsedRule) string {
	side := func(ws []analyzedWord) string {
		keys := make([]string, len(ws))
		for i, w := range ws {
			keys[i] = w.key
		}
		slices.Sort(keys)
		return strings.Join(keys, "\x00")
	}
	if r.oneWay {
		return side(r.left) + "\x01=>\x01" + side(r.right)
	}
	return side(r.left)
}

// writeRule renders a rule in the Solr format, escaping what the parser
// would otherwise read as syntax.
func writeRule(r *parsedRule) string {
	var b strings.Builder
	side := func(ws []analyzedWord) {
		for i, w := range ws {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(escapeSynonymWord(w.text))
		}
	}
	side(r.left)
	if r.oneWay {
		b.WriteString(" => ")
		side(r.right)
	}
	return b.String()
}

func escapeSynonymWord(w string) string {
	var b strings.Builder
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case c == '\\' || c == ',':
			b.WriteByte('\\')
		case c == '#' && (i == 0 || w[i-1] == ' '):
			b.WriteByte('\\')
		case c == '=' && i+1 < len(w) && w[i+1] == '>':
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return b.String()
}

// scanRule splits a line into sides (separated by "=>") of words
// (separated by ','), honouring backslash escapes and dropping a comment.
// Words are unescaped, trimmed and have their inner spaces collapsed.
func scanRule(line string) (sides [][]string, arrows int) {
	var words []string
	var b strings.Builder
	endWord := func() {
		words = append(words, strings.Join(strings.Fields(b.String()), " "))
		b.Reset()
	}
	afterSpace := true
loop:
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '\\' && i+1 < len(line):
			_, size := utf8.DecodeRuneInString(line[i+1:])
			b.WriteString(line[i+1 : i+1+size])
			i += size
			afterSpace = false
			continue
		case c == '#' && afterSpace:
			break loop
		case c == ',':
			endWord()
		case c == '=' && i+1 < len(line) && line[i+1] == '>':
			endWord()
			sides = append(sides, words)
			words = nil
			arrows++
			i++
			afterSpace = false
			continue
		default:
			b.WriteByte(c)
		}
		afterSpace = c == ' ' || c == '\t'
	}
	endWord()
	return append(sides, words), arrows
}

func (p *synonymParser) build() *SynonymSet {
	s := &SynonymSet{
		byFirst:   map[string][]*synonymEntry{},
		canonical: map[string]string{},
		written:   map[string]string{},
	}
	entries := map[string]*synonymEntry{}
	add := func(in analyzedWord, outs []analyzedWord, keepOrig bool) {
		e := entries[in.key]
		if e == nil {
			e = &synonymEntry{input: in.terms}
			entries[in.key] = e
			s.byFirst[in.terms[0]] = append(s.byFirst[in.terms[0]], e)
		}
		e.keepOrig = e.keepOrig || keepOrig
		for _, o := range outs {
			if o.key == in.key && keepOrig {
				continue
			}
			if !slices.ContainsFunc(e.outputs, func(x []string) bool { return slices.Equal(x, o.terms) }) {
				e.outputs = append(e.outputs, o.terms)
				s.maxOutput = max(s.maxOutput, len(o.terms))
			}
		}
	}
	setCanon := func(w analyzedWord, canon string) {
		if _, ok := s.canonical[w.key]; !ok {
			s.canonical[w.key] = canon
		}
		if _, ok := s.written[w.text]; !ok {
			s.written[w.text] = canon
		}
	}
	for _, r := range p.rules {
		g := SynonymGroup{Line: r.line, OneWay: r.oneWay, Canonical: r.canonical()}
		for _, w := range r.left {
			g.Members = append(g.Members, w.key)
			setCanon(w, g.Canonical)
			if r.oneWay {
				add(w, r.right, false)
			} else {
				add(w, r.left, true)
			}
		}
		for _, w := range r.right {
			g.Outputs = append(g.Outputs, w.key)
		}
		s.groups = append(s.groups, g)
		s.rules = append(s.rules, r.written)
	}
	// A one-way rule's canonical word maps to itself unless it is a member
	// of a group, whose canonical word wins.
	for _, r := range p.rules {
		if r.oneWay {
			setCanon(r.right[0], r.canonical())
		}
	}
	for _, es := range s.byFirst {
		slices.SortStableFunc(es, func(a, b *synonymEntry) int { return len(b.input) - len(a.input) })
	}
	return s
}
