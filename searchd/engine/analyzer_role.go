package engine

// Analyzer roles of an AnalyzeRequest.
const (
	AnalyzerSearch = "search" // the query analyzer (no synonyms)
	AnalyzerIndex  = "index"  // the document analyzer (synonyms expanded)
)

// AnalyzerRole checks the analyzer name of an AnalyzeRequest and returns
// its role: AnalyzerSearch for "" and "search", AnalyzerIndex for "index",
// an Invalid error otherwise.
func AnalyzerRole(name string) (string, error) {
	switch name {
	case "", AnalyzerSearch:
		return AnalyzerSearch, nil
	case AnalyzerIndex:
		return AnalyzerIndex, nil
	}
	return "", Errorf(Invalid, "analyzer must be index or search")
}
