// Package analyzers is searchd's Korean analysis: a Go analysis chain on
// mecab-ko-dic (kagome + kagome-dict-ko) that behaves like Elasticsearch's
// nori, Solr-format synonym dictionaries expanded at index time, and the
// Elasticsearch analysis settings generated from the same definitions.
//
// The chain reads like nori's documentation: a tokenizer (nori_tokenizer)
// followed by token filters (nori_part_of_speech, nori_readingform,
// lowercase, synonym). Each component lives in its own file with a Name and
// a constructor taking a typed config.
package analyzers

// Token is one token of a token stream. Offsets are byte offsets into the
// analyzed text (Bleve's convention); callers convert to character offsets
// where they need Elasticsearch's shape.
type Token struct {
	Term  string
	Start int // byte offset of the first byte
	End   int // byte offset after the last byte
	// Position is the token's position; stacked tokens (synonyms, the
	// compound itself in decompound_mode mixed) share a position.
	Position int
	// PositionLength is how many positions the token spans (1 by default).
	PositionLength int
	// Type is "word" for tokenizer output, "SYNONYM" for synonym output.
	Type string
	// SourceStart and SourceEnd, on synonym output, are the byte offsets of
	// the words the synonym was expanded from. Start and End are Lucene's
	// (the k-th term of a multi-word synonym gets the offsets of the k-th
	// token from the match, which may be a following word); the source is
	// what a highlighter marks.
	SourceStart, SourceEnd int
	// Nori's attributes.
	POSType  string // MORPHEME, COMPOUND, INFLECT, PREANALYSIS
	LeftPOS  string // e.g. NNG
	RightPOS string
	// LeftPOSDetail and RightPOSDetail are mecab-ko-dic's fine-grained
	// tags where nori's coarse ones collapse them (JKS, JX, EC, ETM … for
	// J and E), as Lucene 10's nori reports them; empty otherwise.
	LeftPOSDetail  string
	RightPOSDetail string
	Reading        string // Hanja reading, when the dictionary has one
	Morphemes      string // e.g. 삼성/NNG+전자/NNG
}

// Tokenizer splits text into tokens.
type Tokenizer interface {
	Name() string
	Tokenize(text string) []Token
}

// TokenFilter transforms a token stream. Filters may modify the slice they
// are given in place and return it.
type TokenFilter interface {
	Name() string
	Filter(tokens []Token) []Token
}
