package search

// ElasticsearchSettings returns the settings.analysis object defining the
// same analyzers for Elasticsearch as a, generated from the analysis a was
// built from; false when a is not one NewAnalyzer built.
func ElasticsearchSettings(a Analyzer) (map[string]any, bool) {
	k, ok := a.(korean)
	if !ok {
		return nil, false
	}
	return k.an.Elasticsearch(), true
}
