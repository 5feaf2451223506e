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
// Equivalence rules are expanded by default (Elasticsearch's expand: true:
// every member matches every other); with expand false every member is
// replaced by the group's first member. A word is
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
	// expand is Elasticsearch's expand option (see SynonymOptions).
	expand bool
	// warnings are the problems of the dictionary that did not stop it
	// from being built.
	warnings Problems
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
	// Rule is the rule as Rules() writes it (normalized, escaped).
	Rule string `json:"rule"`
	// Words are the member words as written (unescaped), in the order of
	// Members; OutputWords the right-hand words, in the order of Outputs.
	Words       []string `json:"words"`
	OutputWords []string `json:"output_words,omitempty"`
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

// Expand reports whether equivalence rules map every member to every
// member (true) or to the first member (false).
func (s *SynonymSet) Expand() bool { return s == nil || s.expand }

// Warnings returns the problems of the dictionary that did not stop it
// from being built (repeated words, merged rules, ...).
func (s *SynonymSet) Warnings() Problems {
	if s == nil {
		return nil
	}
	return slices.Clone(s.warnings)
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

// SynonymOptions are the synonym filter's options besides the rules.
type SynonymOptions struct {
	// Expand is Elasticsearch's expand: true maps every member of an
	// equivalence group to every member, false maps every member to the
	// group's first member. DefaultSynonymOptions has true, as
	// Elasticsearch.
	Expand bool
}

// DefaultSynonymOptions are Elasticsearch's defaults (expand true).
func DefaultSynonymOptions() SynonymOptions { return SynonymOptions{Expand: true} }

// ParseSynonyms parses a Solr-format synonym dictionary (see SynonymSet)
// with DefaultSynonymOptions.
func ParseSynonyms(text string, analyze func(string) []Token) (*SynonymSet, error) {
	return ParseSynonymsWith(text, DefaultSynonymOptions(), analyze)
}

// ParseSynonymsWith parses a Solr-format synonym dictionary (see
// SynonymSet), analyzing every word with analyze: the analysis chain that
// precedes the synonym filter, as Elasticsearch does when it builds the
// filter.
//
// What Elasticsearch accepts is accepted, and built the way Elasticsearch
// builds it (Lucene's SolrSynonymParser into a SynonymMap with dedup): a
// word listed twice in a rule, or two words that analyze alike, count once;
// a repeated rule counts once; a word in several rules gets the
// replacements of all of them (the rules are merged, not made transitive).
// Each of these is reported as a warning (SynonymSet.Warnings). What
// Elasticsearch refuses, and what is over this package's limits, is an
// error: then the set is nil and the error is Problems with every problem
// found, warnings included, each with its line and column.
func ParseSynonymsWith(text string, opts SynonymOptions, analyze func(string) []Token) (*SynonymSet, error) {
	set, problems := parseSynonyms(text, opts, analyze, true, nil)
	if problems.HasErrors() {
		return nil, problems
	}
	return set, nil
}

// parseSynonyms returns every problem of text and, when build is set and
// there is no error, the set (holding the warnings).
func parseSynonyms(text string, opts SynonymOptions, analyze func(string) []Token, build bool, memo lineMemo) (*SynonymSet, Problems) {
	p := &synonymParser{
		memo:    memo,
		analyze: analyze,
		expand:  opts.Expand,
		owner:   map[string]*parsedRule{},
		seen:    map[string]int{},
	}
	if len(text) > MaxSynonymBytes {
		return nil, Problems{p.problem(0, 0, SeverityError, CodeTooLarge,
			"the dictionary is %d KB; at most %d KB are allowed — split it or remove unused rules",
			(len(text)+1023)/1024, MaxSynonymBytes/1024)}
	}
	for line := range strings.Lines(text) {
		p.line++
		p.parseLine(strings.TrimRight(line, "\r\n"))
	}
	sortProblems(p.problems)
	if !build || p.problems.HasErrors() {
		return nil, p.problems
	}
	s := p.build()
	s.warnings = p.problems
	return s, p.problems
}

type synonymParser struct {
	analyze  func(string) []Token
	expand   bool
	line     int
	rules    []*parsedRule
	problems Problems
	// owner maps a member's analyzed terms to the first rule it belongs to.
	owner map[string]*parsedRule
	// seen maps a rule's key to its line, to find duplicates.
	seen map[string]int
	// ruleSeen counts the rules read so far, to stop at MaxSynonymRules.
	ruleSeen int
	// memo, when set, remembers how lines read on their own.
	memo lineMemo
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
	col   int      // 1-based column of its first character on the line
	terms []string // analyzed
	key   string   // terms joined by a space
}

func (p *synonymParser) problem(line, col int, sev Severity, code, format string, args ...any) Problem {
	return Problem{Dictionary: DictSynonyms, Line: line, Column: col, Severity: sev, Code: code, Message: fmt.Sprintf(format, args...)}
}

// report adds a problem on the current line, once.
func (p *synonymParser) report(col int, sev Severity, code, format string, args ...any) {
	pr := p.problem(p.line, col, sev, code, format, args...)
	for i := len(p.problems) - 1; i >= 0 && p.problems[i].Line == p.line; i-- {
		if p.problems[i] == pr {
			return
		}
	}
	p.problems = append(p.problems, pr)
}

func (p *synonymParser) errorf(col int, code, format string, args ...any) {
	p.report(col, SeverityError, code, format, args...)
}

func (p *synonymParser) warnf(col int, code, format string, args ...any) {
	p.report(col, SeverityWarning, code, format, args...)
}

// lineErrors reports whether an error was reported on the current line.
func (p *synonymParser) lineErrors() bool {
	for i := len(p.problems) - 1; i >= 0 && p.problems[i].Line == p.line; i-- {
		if p.problems[i].IsError() {
			return true
		}
	}
	return false
}

// lineKind is what a line is, read on its own.
type lineKind int

const (
	lineInvalid lineKind = iota // not text, too long, control characters
	lineBlank                   // blank or a comment
	lineRule                    // a rule (usable or not)
)

// lineResult is what a line says on its own, before the rules around it
// are considered: the same text always reads the same (with the same
// analysis), which is what lets a Validator remember it.
type lineResult struct {
	kind lineKind
	// problems are the line's own, numbered with the line it was read on.
	problems Problems
	// rule is the usable rule; nil when it has errors or no effect.
	rule *parsedRule
}

// lineMemo remembers lineResults (see Validator).
type lineMemo interface {
	get(first bool, line string) *lineResult
	put(first bool, line string, r *lineResult)
}

func (p *synonymParser) parseLine(line string) {
	var res *lineResult
	if p.memo != nil {
		res = p.memo.get(p.line == 1, line)
	}
	if res == nil {
		saved := p.problems
		p.problems = nil
		res = &lineResult{}
		res.kind, res.rule = p.readLine(line)
		res.problems = p.problems
		p.problems = saved
		if p.memo != nil {
			p.memo.put(p.line == 1, line, res)
		}
	}
	p.addLine(res)
}

// addLine adds what a line says on its own to the dictionary: counts the
// rule, then checks it against the rules before it.
func (p *synonymParser) addLine(res *lineResult) {
	switch res.kind {
	case lineBlank:
		return
	case lineRule:
		p.ruleSeen++
		if p.ruleSeen > MaxSynonymRules {
			if p.ruleSeen == MaxSynonymRules+1 { // report once, on the first rule over
				p.errorf(0, CodeTooManyRules, "the dictionary has more than %d rules; rules from this line on were not checked", MaxSynonymRules)
			}
			return
		}
	}
	for _, pr := range res.problems {
		pr.Line = p.line
		p.problems = append(p.problems, pr)
	}
	if res.rule == nil {
		return
	}
	r := new(parsedRule)
	*r = *res.rule
	r.line = p.line
	key := ruleKey(r, p.expand)
	if first, dup := p.seen[key]; dup {
		p.warnf(0, CodeDuplicateRule, "this rule repeats line %d, so it has no effect; remove one of them", first)
		return
	}
	p.seen[key] = r.line
	p.checkOverlaps(r)
	for _, w := range r.members() {
		if _, taken := p.owner[w.key]; !taken {
			p.owner[w.key] = r
		}
	}
	p.rules = append(p.rules, r)
}

// readLine reads one line on its own, reporting its problems.
func (p *synonymParser) readLine(line string) (lineKind, *parsedRule) {
	if !utf8.ValidString(line) {
		p.errorf(0, CodeInvalidUTF8, "the line contains bytes that are not valid UTF-8 text; save the dictionary as UTF-8")
		return lineInvalid, nil
	}
	if n := utf8.RuneCountInString(line); n > MaxSynonymLineRunes {
		p.errorf(0, CodeLineTooLong, "the line is %d characters long; at most %d are allowed — split the group", n, MaxSynonymLineRunes)
		return lineInvalid, nil
	}
	if p.line == 1 {
		line = strings.TrimPrefix(line, "\uFEFF")
	}
	col := 0
	for _, r := range line {
		col++
		if r != '\t' && (unicode.IsControl(r) || r == '\uFEFF') {
			p.errorf(col, CodeControlCharacter, "the line contains an invisible control character (%U) at column %d; remove it", r, col)
			return lineInvalid, nil
		}
	}
	sc := scanRule(line)
	if sc.blank {
		return lineBlank, nil
	}
	r, ok := p.shapeRule(sc)
	if !ok {
		return lineRule, nil
	}
	if n := len(r.left) + len(r.right); n > MaxSynonymWordsPerRule {
		p.errorf(0, CodeTooManyWords, "the rule has %d words; at most %d are allowed", n, MaxSynonymWordsPerRule)
		return lineRule, nil
	}
	r.left = p.analyzeSide(r.left)
	r.right = p.analyzeSide(r.right)
	if p.lineErrors() {
		return lineRule, nil
	}
	r.left = p.dedupSide(r.left)
	r.right = p.dedupSide(r.right)
	if !r.oneWay && len(r.left) < 2 {
		p.warnf(r.left[0].col, CodeSingleWord, "%q alone is not a synonym group, so the line has no effect; list at least two words separated by commas, or use \"=>\"", r.left[0].text)
		return lineRule, nil
	}
	r.written = writeRule(r)
	return lineRule, r
}

// shapeRule turns the scanned sides into a rule the way Lucene's
// SolrSynonymParser reads a line: sides with nothing at all in them are
// skipped (so "=> b" is the single word b and "a, b =>" the group a, b);
// more than two sides are refused; empty words between commas are skipped,
// but a word of spaces only is refused (Elasticsearch: "was completely
// eliminated by analyzer").
func (p *synonymParser) shapeRule(sc scannedRule) (*parsedRule, bool) {
	var sides []scannedSide
	for _, s := range sc.sides {
		if s.empty {
			continue
		}
		sides = append(sides, s)
		for _, w := range s.words {
			switch {
			case w.empty:
				p.warnf(w.col, CodeEmptyWord, "there is an empty word here (two commas in a row, or a comma at the start or end); it is ignored")
			case w.text == "":
				p.errorf(w.col, CodeBlankWord, "there is a word of only spaces here (between two commas or before \"=>\"); remove the extra comma")
			}
		}
	}
	if p.lineErrors() {
		return nil, false
	}
	switch {
	case len(sides) > 2:
		p.errorf(sc.arrows[1], CodeMultipleArrows, "a rule may contain \"=>\" only once (write \\=> for a literal arrow)")
		return nil, false
	case len(sides) == 0:
		p.errorf(sc.arrows[0], CodeEmptySide, "there is no word, only \"=>\"; write words before and after it")
		return nil, false
	case len(sides) < len(sc.sides):
		where := "before"
		if !sc.sides[0].empty {
			where = "after"
		}
		if len(sides) == 1 {
			if n := len(nonEmptyWords(sides[0])); n < 2 {
				p.warnf(sc.arrows[0], CodeEmptySide, "there is no word %s \"=>\", so the line has no effect; write words on both sides", where)
				return nil, false
			}
			p.warnf(sc.arrows[0], CodeEmptySide, "there is no word %s \"=>\", so the line is read as if the arrow were not there (a group of the words on the other side); write words on both sides or remove the arrow", where)
		} else {
			p.warnf(sc.arrows[0], CodeEmptySide, "there is an extra \"=>\" with no word %s it; it is ignored", where)
		}
	}
	r := &parsedRule{line: p.line, oneWay: len(sides) == 2}
	words := [2][]analyzedWord{}
	for si, s := range sides {
		for _, w := range nonEmptyWords(s) {
			words[si] = append(words[si], analyzedWord{text: w.text, col: w.col})
		}
	}
	r.left, r.right = words[0], words[1]
	if len(r.left) == 0 || (r.oneWay && len(r.right) == 0) {
		where, col := "on the line", 0
		if r.oneWay {
			where, col = "before \"=>\"", sc.arrows[0]
			if len(r.left) > 0 {
				where = "after \"=>\""
			}
		}
		p.warnf(col, CodeEmptySide, "there is no word %s, so the line has no effect", where)
		return nil, false
	}
	return r, true
}

func nonEmptyWords(s scannedSide) []scannedWord {
	var out []scannedWord
	for _, w := range s.words {
		if !w.empty {
			out = append(out, w)
		}
	}
	return out
}

// members are the words that map to the rule's canonical word.
func (r *parsedRule) members() []analyzedWord { return r.left }

func (r *parsedRule) canonical() string {
	if r.oneWay {
		return r.right[0].text
	}
	return r.left[0].text
}

// analyzeSide analyzes the words of a side, keeping those that are usable.
func (p *synonymParser) analyzeSide(words []analyzedWord) []analyzedWord {
	out := words[:0]
	for _, w := range words {
		if p.analyzeWord(&w) {
			out = append(out, w)
		}
	}
	return out
}

// analyzeWord analyzes one word and reports what would make Elasticsearch
// refuse the rule: a word analyzed to nothing, to stacked tokens or to
// tokens with a gap between them (SynonymMap requires every token to follow
// the previous one at the next position).
func (p *synonymParser) analyzeWord(aw *analyzedWord) bool {
	w := aw.text
	toks := p.analyze(w)
	if len(toks) == 0 {
		p.errorf(aw.col, CodeRemovedWord, "%q disappears entirely when analyzed (particles, endings, punctuation and similar parts are removed), so it can never match; remove it or write the word it belongs to", w)
		return false
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
			p.errorf(aw.col, CodeEmptyTerm, "%q contains a part that analyzes to an empty word; write it differently", w)
			return false
		case i > 0 && t.Position <= toks[i-1].Position:
			p.errorf(aw.col, CodeOverlappingWord, "%q is analyzed into overlapping parts (%q and %q at the same place), which Elasticsearch cannot use in a synonym rule; use decompound_mode discard or add the word to the user dictionary",
				w, toks[i-1].Term, t.Term)
			return false
		case t.Position > want:
			p.errorf(aw.col, CodeGapInWord, "%q has a part that the analyzer removes (%s), which leaves a gap that Elasticsearch cannot use in a synonym rule; "+
				"remove that part, or add the word to the user dictionary so that it stays one word",
				w, removedText(w, prevEnd, t.Start))
			return false
		}
		terms = append(terms, t.Term)
		prevEnd = t.End
	}
	if len(terms) > MaxSynonymWordTerms {
		p.errorf(aw.col, CodeWordTooLong, "%q analyzes into %d words; at most %d are allowed in one synonym", w, len(terms), MaxSynonymWordTerms)
		return false
	}
	aw.terms, aw.key = terms, strings.Join(terms, " ")
	return true
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

// dedupSide drops words of a side that are the same after analysis as an
// earlier one, with a warning: Elasticsearch's SynonymMap (built with
// dedup) counts them once too.
func (p *synonymParser) dedupSide(side []analyzedWord) []analyzedWord {
	seen := map[string]string{}
	out := side[:0]
	for _, w := range side {
		if prev, dup := seen[w.key]; dup {
			if strings.EqualFold(prev, w.text) {
				p.warnf(w.col, CodeDuplicateMember, "%q is listed twice in this rule; it counts once — list it once", w.text)
			} else {
				p.warnf(w.col, CodeSameAnalysis, "%q and %q are the same after analysis (both become %q), so %q is ignored; list only one of them", prev, w.text, w.key, w.text)
			}
			continue
		}
		seen[w.key] = w.text
		out = append(out, w)
	}
	return out
}

// checkOverlaps warns about words of r that already belong to another
// rule. Elasticsearch accepts them and merges: such a word is replaced by
// the words of every rule it is in, but the other words of the rules are
// not joined (synonyms are not transitive). The first rule's canonical
// word is the one trending counts the word under.
func (p *synonymParser) checkOverlaps(r *parsedRule) {
	for _, w := range r.members() {
		other, taken := p.owner[w.key]
		if !taken {
			continue
		}
		switch {
		case !r.oneWay && !other.oneWay:
			p.warnf(w.col, CodeMergedRules, "%q is also in the synonym group on line %d (%s); a search for %q finds the words of both lines, but the other words of the two lines do not find each other — merge the two lines if they all mean the same",
				w.text, other.line, other.written, w.text)
		default:
			p.warnf(w.col, CodeMergedRules, "%q is also in the rule on line %d (%s); both rules apply to it, so it is replaced by the words of both lines — put them in one rule if that is what you mean",
				w.text, other.line, other.written)
		}
	}
}

// ruleKey identifies a rule independent of word order and spelling
// variants that analyze alike. Without expand, an equivalence group's
// first word is its target, so it is part of the key.
func ruleKey(r *parsedRule, expand bool) string {
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
	if !expand {
		return r.left[0].key + "\x01=>\x01" + side(r.left)
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

// scannedRule is a line split into sides and words.
type scannedRule struct {
	sides  []scannedSide
	arrows []int // 1-based columns of the "=>"s
	blank  bool  // nothing but spaces and a comment
}

type scannedSide struct {
	words []scannedWord
	empty bool // nothing at all between the arrows (or the line's ends)
}

type scannedWord struct {
	text  string // unescaped, trimmed, inner spaces collapsed
	col   int    // 1-based column of its first character; of the comma after it when empty
	empty bool   // nothing at all between the separators
}

// commentStart returns where the comment of a line starts: at a '#' at the
// start of the line or after a space or tab, not escaped; len(line) when
// there is none.
func commentStart(line string) int {
	afterSpace := true
	for i := 0; i < len(line); i++ {
		switch c := line[i]; {
		case c == '\\':
			i++
			afterSpace = false
		case c == '#' && afterSpace:
			return i
		default:
			afterSpace = c == ' ' || c == '\t'
		}
	}
	return len(line)
}

// scanRule splits a line into sides (separated by "=>") of words
// (separated by ','), honouring backslash escapes and dropping a comment
// ('#' at the start or after a space) and the spaces that end the line
// (editors hide them).
func scanRule(line string) scannedRule {
	var out scannedRule
	var words []scannedWord
	var b strings.Builder
	raw := 0       // bytes of the current word, spaces included
	wordCol := 0   // column of the current word's first non-space character
	sideBytes := 0 // bytes of the current side, separators included
	col := 0       // column of the character at i
	endWord := func(sepCol int) {
		w := scannedWord{text: strings.Join(strings.Fields(b.String()), " "), col: wordCol, empty: raw == 0}
		if w.col == 0 {
			w.col = sepCol
		}
		words = append(words, w)
		b.Reset()
		raw, wordCol = 0, 0
	}
	endSide := func(sepCol int) {
		endWord(sepCol)
		out.sides = append(out.sides, scannedSide{words: words, empty: sideBytes == 0})
		words, sideBytes = nil, 0
	}
	prevSep := 0 // column of the last separator
	line = strings.TrimRight(line[:commentStart(line)], " \t")
	end := len(line)
	for i := 0; i < end; i++ {
		c := line[i]
		if utf8.RuneStart(c) {
			col++
		}
		switch {
		case c == '=' && i+1 < end && line[i+1] == '>':
			endSide(col)
			out.arrows = append(out.arrows, col)
			prevSep = col
			i++
			col++
			continue
		}
		sideBytes++
		switch {
		case c == '\\' && i+1 < end:
			_, size := utf8.DecodeRuneInString(line[i+1:])
			if wordCol == 0 {
				wordCol = col
			}
			b.WriteString(line[i+1 : i+1+size])
			raw += 1 + size
			sideBytes += size
			i += size
			col++
			continue
		case c == ',':
			endWord(col)
			prevSep = col
		default:
			if wordCol == 0 && c != ' ' && c != '\t' {
				wordCol = col
			}
			b.WriteByte(c)
			raw++
		}
	}
	endSide(max(prevSep, 1))
	out.blank = len(out.arrows) == 0 && len(out.sides) == 1 && len(out.sides[0].words) == 1 && out.sides[0].words[0].empty
	return out
}

// build makes the set from the parsed rules, merging them as Lucene's
// SynonymMap.Builder does: every input maps to the union of the outputs of
// every rule it is an input of, in rule order, each output once.
func (p *synonymParser) build() *SynonymSet {
	s := &SynonymSet{
		byFirst:   map[string][]*synonymEntry{},
		canonical: map[string]string{},
		written:   map[string]string{},
		expand:    p.expand,
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
			if !slices.ContainsFunc(e.outputs, func(x []string) bool { return slices.Equal(x, o.terms) }) {
				e.outputs = append(e.outputs, o.terms)
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
		g := SynonymGroup{Line: r.line, OneWay: r.oneWay, Canonical: r.canonical(), Rule: r.written}
		for _, w := range r.left {
			g.Members = append(g.Members, w.key)
			g.Words = append(g.Words, w.text)
			setCanon(w, g.Canonical)
			switch {
			case r.oneWay:
				add(w, r.right, false)
			case s.expand:
				add(w, r.left, true)
			default:
				// Expand false: every member, the first too, is replaced
				// by the first (Lucene's SolrSynonymParser adds
				// first => first so that its type becomes SYNONYM).
				add(w, r.left[:1], false)
			}
		}
		for _, w := range r.right {
			g.Outputs = append(g.Outputs, w.key)
			g.OutputWords = append(g.OutputWords, w.text)
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
	// An input kept as it is (a group member) needs no output equal to it.
	for _, e := range entries {
		if e.keepOrig {
			e.outputs = slices.DeleteFunc(e.outputs, func(x []string) bool { return slices.Equal(x, e.input) })
		}
		for _, o := range e.outputs {
			s.maxOutput = max(s.maxOutput, len(o))
		}
	}
	for _, es := range s.byFirst {
		slices.SortStableFunc(es, func(a, b *synonymEntry) int { return len(b.input) - len(a.input) })
	}
	return s
}
