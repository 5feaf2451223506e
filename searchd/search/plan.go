package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/searchd/searchd/analyzers"
	"github.com/searchd/searchd/analyzers/hangul"
	"github.com/searchd/searchd/searchd/engine"
)

// Analyzer is the Korean analysis the search service needs: the query
// (search) analyzer, the document (index) analyzer and the synonym groups
// of one index version.
type Analyzer interface {
	// Query analyzes query text without synonyms (so fuzziness applies to
	// every term).
	Query(text string) []analyzers.Token
	// Document analyzes document text: index holds the index-time tokens
	// (synonyms expanded), exact the tokens without synonyms.
	Document(text string) (index, exact []analyzers.Token)
	// Canonical maps analyzed terms (joined by spaces) to the canonical
	// member of their synonym group, if they are one.
	Canonical(terms string) (string, bool)
	// SynonymPart reports whether term is one word of a multi-word
	// synonym (모임 of 공부모임) without being a synonym on its own.
	SynonymPart(term string) bool
}

// Fuzziness thresholds, counted in jamo (Hangul) or characters (other
// scripts): short words get no fuzziness, as a one-letter change turns them
// into other words; digits never get fuzziness (15 and 16 differ).
const (
	// jamo length < 5 (one syllable, or two without final consonants such
	// as 유리, where one edit makes another everyday word: 우리): exact only
	noFuzzBelowJamo  = 5
	twoEditsFromJamo = 8 // jamo length >= 8 (3+ syllables): 2 edits
	noFuzzBelowLatin = 3 // Latin words < 3 letters: exact only (as ES AUTO)
	twoEditsLatin    = 6 // Latin words >= 6 letters: 2 edits
	// fuzzyPrefixLength jamo must match before an edit: the first consonant
	// is rarely mistyped, and it bounds term expansion on large indexes.
	fuzzyPrefixLength = 1
)

// Fuzziness returns the jamo edits allowed for a query term.
func Fuzziness(term string) int {
	hasHangul, allDigits := false, true
	for _, r := range term {
		if hangul.IsSyllable(r) || hangul.IsJamo(r) {
			hasHangul = true
		}
		if !unicode.IsDigit(r) {
			allDigits = false
		}
	}
	if allDigits {
		return 0
	}
	if hasHangul {
		n := hangul.JamoLen(term)
		switch {
		case n < noFuzzBelowJamo:
			return 0
		case n < twoEditsFromJamo:
			return 1
		}
		return 2
	}
	n := utf8.RuneCountInString(term)
	switch {
	case n < noFuzzBelowLatin:
		return 0
	case n < twoEditsLatin:
		return 1
	}
	return 2
}

// normalizeQuery drops invalid UTF-8, applies Unicode NFC (some clients
// send decomposed jamo), trims and collapses white space.
func normalizeQuery(text string) string {
	text = norm.NFC.String(strings.ToValidUTF8(text, ""))
	return strings.Join(strings.Fields(text), " ")
}

// planText analyzes query text into the plan's matching forms. It returns
// the plan (without mode, filters and paging) and the normalized query (the
// analyzed terms joined by spaces, or the 초성 / jamo form).
func planText(a Analyzer, text string) (engine.Plan, string) {
	p, norm, _, _ := planTokens(a, text)
	return p, norm
}

// planTokens is planText that also returns the query tokens it analyzed
// (those of text without its jamo prefix; none for "" and 초성 queries)
// and, for each plan term, the span of its word in the text without the
// jamo prefix.
func planTokens(a Analyzer, text string) (engine.Plan, string, []analyzers.Token, []span) {
	var p engine.Plan
	if text == "" {
		return p, "", nil, nil
	}
	if hangul.IsChosungQuery(text) {
		p.Chosung = hangul.Chosung(text) // spaces removed, compound consonants split as indexed
		return p, p.Chosung, nil, nil
	}
	words := strings.Fields(text)
	last := words[len(words)-1]
	if isJamoPrefix(last) {
		p.JamoPrefix = hangul.Jamo(strings.ToLower(last))
		words = words[:len(words)-1]
	}
	body := strings.Join(words, " ")
	toks := a.Query(body)
	seen := map[string]bool{}
	var norm []string
	var spans []span
	for _, w := range wordSpans(body) {
		var parts, function []engine.PlanTerm
		end := -1
		nouns := true // every content part is a noun
		for _, t := range toks {
			if t.Start >= w.start && t.End <= w.end {
				if !isFunctionMorpheme(t.LeftPOS) && !strings.HasPrefix(t.LeftPOS, "N") {
					nouns = false
				}
				if isFunctionMorpheme(t.LeftPOS) {
					function = append(function, planTerm(t.Term))
				} else {
					parts = append(parts, planTerm(t.Term))
				}
				end = t.End
			}
		}
		if len(parts) == 0 {
			parts = function // a word of function morphemes only keeps them
		}
		if len(parts) == 0 {
			continue // only particles or punctuation
		}
		markSynonymParts(a, parts)
		core := strings.ToLower(body[w.start:end])
		term := parts[0]
		if len(parts) > 1 || core != parts[0].Text {
			term = planTerm(core)
			term.Parts = parts
		}
		if whole := strings.ToLower(wordText(body, w)); nouns && shredded(whole, parts) {
			// The analyzer read the word as one-syllable nouns and dropped
			// or split the rest (배이 → 배 + 이): a typo of a word, likelier
			// than its fragment.
			term = planTerm(whole)
			term.Fuzziness = max(term.Fuzziness, 1)
			term.Parts, term.Whole = parts, true
		}
		if seen[term.Text] {
			continue
		}
		seen[term.Text] = true
		p.Terms = append(p.Terms, term)
		spans = append(spans, span{w.start, end})
		for _, pt := range parts {
			norm = append(norm, pt.Text)
		}
	}
	if p.JamoPrefix != "" {
		norm = append(norm, last)
	}
	return p, strings.Join(norm, " "), toks, spans
}

// shredded reports whether a Hangul word of two to four syllables was
// analyzed into one-syllable pieces only, dropping some or splitting it.
func shredded(word string, parts []engine.PlanTerm) bool {
	n := 0
	for _, r := range word {
		if !hangul.IsSyllable(r) {
			return false
		}
		n++
	}
	if n < 2 || n > 4 {
		return false
	}
	for _, p := range parts {
		if utf8.RuneCountInString(p.Text) != 1 {
			return false
		}
	}
	return len(parts) > 1 || (len(parts) == 1 && parts[0].Text != word)
}

// markSynonymParts flags the parts of a query word that are words of a
// multi-word synonym, unless the word's parts are that whole synonym
// (공부모임 → 공부 모임 is a member; 모임 alone is only part of one).
func markSynonymParts(a Analyzer, parts []engine.PlanTerm) {
	texts := make([]string, len(parts))
	for i, p := range parts {
		texts[i] = p.Text
	}
	if _, whole := a.Canonical(strings.Join(texts, " ")); whole && len(parts) > 1 {
		return
	}
	for i := range parts {
		parts[i].SynonymPart = a.SynonymPart(parts[i].Text)
	}
}

// isFunctionMorpheme: copulas and auxiliary predicates (감동적<이>ᆫ, 먹어
// <보>다) survive nori's default stop tags but carry no meaning a search
// should require; a query word does not need them to match (they would also
// make the word match nearly every document).
func isFunctionMorpheme(pos string) bool {
	switch pos {
	case "VCP", "VCN", "VX":
		return true
	}
	return false
}

func planTerm(text string) engine.PlanTerm {
	return engine.PlanTerm{Text: text, Jamo: hangul.Jamo(text), Fuzziness: Fuzziness(text), PrefixLength: fuzzyPrefixLength}
}

// span is a byte range of text.
type span struct{ start, end int }

// wordSpans returns the words of text (runs between spaces), each starting
// at its first letter or digit (a leading quote or bracket is not part of
// the word).
func wordSpans(text string) []span {
	var out []span
	start := -1
	for i, r := range text + " " {
		switch {
		case r == ' ' || r == '\t' || r == '\n':
			if start >= 0 {
				out = append(out, span{start, i})
			}
			start = -1
		case start < 0 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			start = i
		}
	}
	return out
}

// isJamoPrefix reports whether a word is being typed mid-syllable: it has
// complete syllables and ends with a standalone jamo (삼ㅅ, 독서ㅁ).
func isJamoPrefix(w string) bool {
	r, _ := utf8.DecodeLastRuneInString(w)
	if !hangul.IsJamo(r) {
		return false
	}
	for _, c := range w {
		if hangul.IsSyllable(c) {
			return true
		}
	}
	return false
}

// keyboardAlternative returns the query as meant in the other keyboard
// layout (tkatjd → 삼성, ㅑㅔㅙㅜㄷ → iphone), or "".
func keyboardAlternative(text string) string {
	if text == "" {
		return ""
	}
	if hangul.LooksLikeWrongLayout(strings.ReplaceAll(text, " ", "")) {
		words := strings.Fields(text)
		for i, w := range words {
			words[i] = hangul.FromQwerty(w)
		}
		return strings.Join(words, " ")
	}
	// Standalone jamo with vowels that do not compose: Latin typed in the
	// Korean layout.
	onlyJamo, vowel := true, false
	for _, r := range text {
		switch {
		case r == ' ':
		case hangul.IsJamo(r):
			if hangul.IsVowel(r) {
				vowel = true
			}
		default:
			onlyJamo = false
		}
	}
	if onlyJamo && vowel {
		return strings.ToLower(hangul.ToQwerty(text))
	}
	return ""
}
