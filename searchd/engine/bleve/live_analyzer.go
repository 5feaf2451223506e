package bleve

import (
	"github.com/searchd/searchd/searchd/engine"
	"github.com/searchd/searchd/searchd/search"
)

var _ search.LiveAnalyzerSource = (*Engine)(nil)

// LiveAnalyzer implements search.LiveAnalyzerSource: the analyzer of the
// live version, the one its documents were indexed with.
func (e *Engine) LiveAnalyzer() (search.Analyzer, error) {
	v, err := e.live()
	if err != nil {
		return nil, err
	}
	if v == nil || v.analyzer == nil {
		return nil, engine.Errorf(engine.EngineUnavailable, "the live index version is not open")
	}
	return v.analyzer, nil
}
