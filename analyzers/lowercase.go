package analyzers

import "strings"

// LowercaseFilter lower-cases terms, like Elasticsearch's lowercase filter.
type LowercaseFilter struct{}

// NewLowercaseFilter builds the filter; it has no settings.
func NewLowercaseFilter() *LowercaseFilter { return &LowercaseFilter{} }

// Name is the Elasticsearch filter type.
func (LowercaseFilter) Name() string { return "lowercase" }

// Filter lower-cases terms in place; terms without upper case are not
// copied.
func (LowercaseFilter) Filter(tokens []Token) []Token {
	for i := range tokens {
		tokens[i].Term = strings.ToLower(tokens[i].Term)
	}
	return tokens
}
