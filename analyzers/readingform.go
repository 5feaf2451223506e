package analyzers

// ReadingFormFilter replaces a token written in Hanja with its Hangul
// reading (鄕歌 → 향가), like Elasticsearch's nori_readingform: any token
// with a dictionary reading takes it as its term.
type ReadingFormFilter struct{}

// NewReadingFormFilter builds the filter; it has no settings.
func NewReadingFormFilter() *ReadingFormFilter { return &ReadingFormFilter{} }

// Name is the Elasticsearch filter type.
func (ReadingFormFilter) Name() string { return "nori_readingform" }

// Filter rewrites terms in place.
func (ReadingFormFilter) Filter(tokens []Token) []Token {
	for i := range tokens {
		if r := tokens[i].Reading; r != "" {
			tokens[i].Term = r
		}
	}
	return tokens
}
