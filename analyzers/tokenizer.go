package analyzers

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ikawaha/kagome-dict/dict"
	"github.com/ikawaha/kagome/v2/tokenizer"

	"github.com/searchd/searchd/analyzers/hangul"
	"github.com/searchd/searchd/searchd/engine"
)

// DecompoundMode says what nori_tokenizer does with words the dictionary
// decomposes (compound nouns such as 가곡역 = 가곡+역, inflected forms such
// as 샀 = 사+았, pre-analyzed expressions).
type DecompoundMode string

const (
	// DecompoundNone keeps the word as it is written: 가곡역.
	DecompoundNone DecompoundMode = "none"
	// DecompoundDiscard emits the parts only: 가곡, 역 (nori's default).
	DecompoundDiscard DecompoundMode = "discard"
	// DecompoundMixed emits the word, then its parts: 가곡역, 가곡, 역. The
	// word sits at the first part's position and spans all of them
	// (PositionLength = number of parts).
	DecompoundMixed DecompoundMode = "mixed"
)

// nori's POS types.
const (
	POSTypeMorpheme    = "MORPHEME"
	POSTypeCompound    = "COMPOUND"
	POSTypeInflect     = "INFLECT"
	POSTypePreanalysis = "PREANALYSIS"
)

// TokenizerConfig configures nori_tokenizer. Its zero value is not nori's
// default (DiscardPunctuation would be false): start from
// DefaultTokenizerConfig.
type TokenizerConfig struct {
	// DecompoundMode: none, discard or mixed; empty means discard.
	DecompoundMode DecompoundMode
	// DiscardPunctuation drops tokens that start with punctuation or a
	// symbol (nori's discard_punctuation, true by default).
	DiscardPunctuation bool
	// UserDictionary, when set, adds words that win over mecab-ko-dic.
	UserDictionary *UserDictionary
}

// parseDecompoundMode applies the default (empty means discard) and reports
// whether m is a decompound mode. It does not fold case.
func parseDecompoundMode(m DecompoundMode) (DecompoundMode, bool) {
	switch m {
	case "":
		return DecompoundDiscard, true
	case DecompoundNone, DecompoundDiscard, DecompoundMixed:
		return m, true
	}
	return m, false
}

// DefaultTokenizerConfig is nori_tokenizer's default configuration:
// decompound_mode discard, discard_punctuation true, no user dictionary.
func DefaultTokenizerConfig() TokenizerConfig {
	return TokenizerConfig{DecompoundMode: DecompoundDiscard, DiscardPunctuation: true}
}

// NoriTokenizer splits Korean text into morphemes with mecab-ko-dic the way
// Elasticsearch's nori_tokenizer does. It is safe for concurrent use.
//
// Differences from kagome's raw output, to match nori:
//   - adjacent unknown-word pieces of one character class are one token
//     (iPhone, 15, Привет), as nori groups unknown runs by character class;
//   - whitespace never becomes a token; punctuation and symbols are dropped
//     when DiscardPunctuation is set (emoji are kept, as in nori, which only
//     sees their first UTF-16 unit, a surrogate);
//   - compounds, inflected forms and pre-analyzed words are decomposed as
//     DecompoundMode says, with the dictionary's decomposition. Parts of a
//     compound carry their own offsets; parts of an inflected form carry the
//     whole form's offsets (their text, e.g. 았 in 샀, is not in the input).
type NoriTokenizer struct {
	cfg  TokenizerConfig
	dict *dict.Dict
	kg   *tokenizer.Tokenizer
}

// NewNoriTokenizer builds a tokenizer, loading the shared system dictionary
// on first use.
func NewNoriTokenizer(cfg TokenizerConfig) (*NoriTokenizer, error) {
	mode, ok := parseDecompoundMode(cfg.DecompoundMode)
	if !ok {
		return nil, engine.Errorf(engine.Invalid, "decompound_mode must be none, discard or mixed, not %q", cfg.DecompoundMode)
	}
	cfg.DecompoundMode = mode
	d, kg, err := systemTokenizer()
	if err != nil {
		return nil, engine.Errorf(engine.Internal, "loading mecab-ko-dic: %v", err)
	}
	return &NoriTokenizer{cfg: cfg, dict: d, kg: kg}, nil
}

// Name is the Elasticsearch tokenizer type.
func (t *NoriTokenizer) Name() string { return "nori_tokenizer" }

// Config returns the configuration (with defaults applied).
func (t *NoriTokenizer) Config() TokenizerConfig { return t.cfg }

// Tokenize returns the token stream of text; positions start at 0.
func (t *NoriTokenizer) Tokenize(text string) []Token {
	if text == "" {
		return nil
	}
	s := tokenizeState{t: t, text: text, out: make([]Token, 0, len(text)/4+1)}
	ud := t.cfg.UserDictionary
	if ud.Len() == 0 {
		s.analyze(0, len(text))
		return s.out
	}
	segStart, before := 0, ""
	for i := 0; i < len(text); {
		e, n := ud.match(text[i:])
		if e == nil {
			_, w := utf8.DecodeRuneInString(text[i:])
			i += w
			continue
		}
		s.analyzeInContext(segStart, i, before, nounAfter)
		s.emitUser(e, i, i+n)
		before = nounBefore(text[i:i+n], text[i+n:])
		i += n
		segStart = i
	}
	s.analyzeInContext(segStart, len(text), before, "")
	return s.out
}

// Text between user words is analyzed on its own, which would make kagome
// read it as the start (or end) of a sentence: 와 right after the user word
// C++ would become the verb 오+아. A placeholder noun in place of the user
// word gives the analysis the context nori has (a noun, NNG). mecab-ko-dic
// tells nouns with a final consonant from nouns without one, which decides
// between particle forms such as 와/과 and 를/을.
const (
	nounWithFinal    = "사람"
	nounWithoutFinal = "나무"
	nounAfter        = nounWithFinal
)

// nounBefore picks the placeholder for a user word followed by next.
func nounBefore(word, next string) string {
	last, _ := utf8.DecodeLastRuneInString(word)
	if _, _, final, ok := hangul.Decompose(last); ok {
		if final != 0 {
			return nounWithFinal
		}
		return nounWithoutFinal
	}
	// Latin letters, digits...: the particle the writer chose tells.
	r, _ := utf8.DecodeRuneInString(next)
	switch r {
	case '과', '을', '은', '이', '으':
		return nounWithFinal
	}
	return nounWithoutFinal
}

// tokenizeState is one Tokenize call.
type tokenizeState struct {
	t    *NoriTokenizer
	text string
	out  []Token
	pos  int // position of the next token
}

// morph is one morpheme from kagome, offsets in bytes of the whole text.
type morph struct {
	start, end int
	tok        tokenizer.Token
}

// analyze runs kagome over text[from:to] and emits its tokens, merging
// adjacent unknown pieces of one character class.
func (s *tokenizeState) analyze(from, to int) {
	if from < to {
		s.emitAll(s.t.kg.Analyze(s.text[from:to], tokenizer.Normal), from, 0, to-from)
	}
}

// analyzeInContext analyzes text[from:to] between placeholder nouns that
// stand for neighbouring user words (see nounBefore). If kagome joins a
// placeholder with the text into one token, the text is analyzed alone.
func (s *tokenizeState) analyzeInContext(from, to int, before, after string) {
	if from >= to {
		return
	}
	if before == "" && after == "" {
		s.analyze(from, to)
		return
	}
	seg := s.text[from:to]
	lo, hi := len(before), len(before)+len(seg)
	kts := s.t.kg.Analyze(before+seg+after, tokenizer.Normal)
	for _, kt := range kts {
		start, end := kt.Position, kt.Position+len(kt.Surface)
		if (start < lo && end > lo) || (start < hi && end > hi) {
			s.analyze(from, to)
			return
		}
	}
	s.emitAll(kts, from-lo, lo, hi)
}

// emitAll emits the kagome tokens that lie in input bytes [lo, hi); base is
// the text offset of input byte 0.
func (s *tokenizeState) emitAll(kts []tokenizer.Token, base, lo, hi int) {
	var pending morph
	have := false
	for _, kt := range kts {
		if kt.Position < lo || kt.Position >= hi {
			continue
		}
		start := base + kt.Position
		m := morph{start: start, end: start + len(kt.Surface), tok: kt}
		if have && s.mergeable(pending, m) {
			pending.end = m.end
			continue
		}
		if have {
			s.emit(pending)
		}
		pending, have = m, true
	}
	if have {
		s.emit(pending)
	}
}

// mergeable reports whether b continues the unknown word a: both unknown,
// adjacent, of one grouping character class and equally punctuation.
func (s *tokenizeState) mergeable(a, b morph) bool {
	if a.tok.Class != tokenizer.UNKNOWN || b.tok.Class != tokenizer.UNKNOWN || a.end != b.start {
		return false
	}
	ra, _ := utf8.DecodeRuneInString(s.text[a.start:a.end])
	rb, _ := utf8.DecodeRuneInString(s.text[b.start:b.end])
	ca, cb := s.t.dict.CharacterCategory(ra), s.t.dict.CharacterCategory(rb)
	return ca == cb && int(ca) < len(s.t.dict.GroupList) && s.t.dict.GroupList[ca] &&
		isPunctuation(ra) == isPunctuation(rb)
}

func feature(kt tokenizer.Token, i int) string {
	f, ok := kt.FeatureAt(i)
	if !ok {
		return "*"
	}
	return f
}

// Feature indexes of mecab-ko-dic entries.
const (
	featPOS        = 0
	featReading    = 3
	featType       = 4
	featFirstPOS   = 5
	featLastPOS    = 6
	featExpression = 7
)

// emit turns one kagome morpheme into tokens.
func (s *tokenizeState) emit(m morph) {
	surface := s.text[m.start:m.end]
	if s.skip(surface) {
		return
	}
	kt := m.tok
	tag := feature(kt, featPOS)
	posType := POSTypeMorpheme
	switch feature(kt, featType) {
	case "Compound":
		posType = POSTypeCompound
	case "Inflect":
		posType = POSTypeInflect
	case "Preanalysis":
		posType = POSTypePreanalysis
	}
	left, right := splitPOS(tag)
	leftTag, rightTag := fineTags(tag)
	if posType == POSTypeInflect || posType == POSTypePreanalysis {
		if f := feature(kt, featFirstPOS); f != "*" {
			leftTag, rightTag = f, feature(kt, featLastPOS)
			left, right = resolvePOS(leftTag), resolvePOS(rightTag)
		}
	}
	tok := Token{
		Term: surface, Start: m.start, End: m.end,
		Type: "word", PositionLength: 1,
		POSType: posType, LeftPOS: left, RightPOS: right,
		LeftPOSDetail: posDetail(leftTag), RightPOSDetail: posDetail(rightTag),
	}
	if posType == POSTypeMorpheme {
		if r := feature(kt, featReading); r != "*" && r != surface {
			tok.Reading = r
		}
		s.push(tok)
		return
	}
	var buf [8]part
	parts := parseExpression(feature(kt, featExpression), buf[:0])
	s.pushDecomposed(tok, parts)
}

// skip reports whether a token with this text is not emitted: whitespace
// always, punctuation when discarding it.
func (s *tokenizeState) skip(surface string) bool {
	r, _ := utf8.DecodeRuneInString(surface)
	if s.t.cfg.DiscardPunctuation && isPunctuation(r) {
		return true
	}
	return strings.TrimFunc(surface, unicode.IsSpace) == ""
}

// part is one morpheme of a decomposition.
type part struct {
	surface, pos string
	detail       string // the fine-grained tag (posDetail), if any
}

// parseExpression parses mecab-ko-dic's expression column
// (삼성/NNG/*+전자/NNG/*) into parts with nori's tags.
func parseExpression(expr string, parts []part) []part {
	if expr == "*" || expr == "" {
		return parts
	}
	for expr != "" {
		var item string
		item, expr, _ = strings.Cut(expr, "+")
		surface, rest, ok := strings.Cut(item, "/")
		if !ok || surface == "" {
			continue
		}
		tag, _, _ := strings.Cut(rest, "/")
		parts = append(parts, part{surface: surface, pos: resolvePOS(tag), detail: posDetail(tag)})
	}
	return parts
}

// pushDecomposed emits a compound, inflected or pre-analyzed word as the
// decompound mode says. Parts of a compound get the offsets of their text
// inside the word; other parts get the word's offsets.
func (s *tokenizeState) pushDecomposed(tok Token, parts []part) {
	mode := s.t.cfg.DecompoundMode
	if mode == DecompoundNone || len(parts) == 0 {
		tok.Morphemes = morphemesString(parts)
		s.push(tok)
		return
	}
	if mode == DecompoundMixed {
		tok.Morphemes = morphemesString(parts)
		tok.PositionLength = len(parts)
		tok.Position = s.pos // the parts start at the same position
		s.out = append(s.out, tok)
	}
	inside := tok.POSType == POSTypeCompound && concatenates(s.text[tok.Start:tok.End], parts)
	off := tok.Start
	for _, p := range parts {
		pt := Token{
			Term: p.surface, Start: tok.Start, End: tok.End,
			Type: "word", PositionLength: 1,
			POSType: POSTypeMorpheme, LeftPOS: p.pos, RightPOS: p.pos,
			LeftPOSDetail: p.detail, RightPOSDetail: p.detail,
		}
		if inside {
			pt.Start, pt.End = off, off+len(p.surface)
			pt.Term = s.text[pt.Start:pt.End]
			off = pt.End
		}
		s.push(pt)
	}
}

// concatenates reports whether the parts spell word exactly.
func concatenates(word string, parts []part) bool {
	for _, p := range parts {
		if !strings.HasPrefix(word, p.surface) {
			return false
		}
		word = word[len(p.surface):]
	}
	return word == ""
}

// morphemesString renders parts as nori's morphemes attribute without tag
// descriptions: 삼성/NNG+전자/NNG.
func morphemesString(parts []part) string {
	if len(parts) == 0 {
		return ""
	}
	var b strings.Builder
	for i, p := range parts {
		if i > 0 {
			b.WriteByte('+')
		}
		b.WriteString(p.surface)
		b.WriteByte('/')
		b.WriteString(p.pos)
	}
	return b.String()
}

func (s *tokenizeState) push(tok Token) {
	tok.Position = s.pos
	s.pos++
	s.out = append(s.out, tok)
}

// emitUser emits a user dictionary word found at text[start:end].
func (s *tokenizeState) emitUser(e *userEntry, start, end int) {
	tok := Token{
		Term: s.text[start:end], Start: start, End: end,
		Type: "word", PositionLength: 1,
		POSType: POSTypeMorpheme, LeftPOS: "NNG", RightPOS: "NNG",
	}
	if e.parts == nil {
		s.push(tok)
		return
	}
	tok.POSType = POSTypeCompound
	// The word matched case-insensitively, so take each part's text from
	// the input, rune count by rune count.
	var buf [8]part
	parts := buf[:0]
	off := start
	for _, p := range e.parts {
		n := off
		for range utf8.RuneCountInString(p) {
			_, w := utf8.DecodeRuneInString(s.text[n:])
			n += w
		}
		parts = append(parts, part{surface: s.text[off:n], pos: "NNG"})
		off = n
	}
	s.pushDecomposed(tok, parts)
}

// fineTags returns the first and last mecab-ko-dic tags of a (possibly
// joined) tag, unresolved.
func fineTags(tag string) (string, string) {
	first, _, joined := strings.Cut(tag, "+")
	if !joined {
		return tag, tag
	}
	return first, tag[strings.LastIndexByte(tag, '+')+1:]
}

// splitPOS returns the left and right nori tags of a (possibly joined,
// VV+EP) mecab-ko-dic tag.
func splitPOS(tag string) (string, string) {
	first, _, joined := strings.Cut(tag, "+")
	if !joined {
		t := resolvePOS(tag)
		return t, t
	}
	return resolvePOS(first), resolvePOS(tag[strings.LastIndexByte(tag, '+')+1:])
}

// asciiPunct caches isPunctuation for ASCII.
var asciiPunct = func() (t [utf8.RuneSelf]bool) {
	for r := range rune(utf8.RuneSelf) {
		t[r] = unicodePunctuation(r)
	}
	return t
}()

// isPunctuation is nori's test for tokens dropped by discard_punctuation:
// the first character is a separator, control, format, punctuation or
// symbol character. Lucene tests a UTF-16 unit, so characters outside the
// BMP (emoji) are never punctuation.
func isPunctuation(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiPunct[r]
	}
	if r > 0xFFFF {
		return false
	}
	return unicodePunctuation(r)
}

func unicodePunctuation(r rune) bool {
	return unicode.In(r, unicode.Z, unicode.Cc, unicode.Cf, unicode.P, unicode.S)
}
