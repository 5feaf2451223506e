package elastic

import (
	"github.com/searchd/searchd/searchd/engine"
	"github.com/searchd/searchd/searchd/search"
)

var _ search.LiveAnalyzerSource = (*Engine)(nil)

// LiveAnalyzer implements search.LiveAnalyzerSource: the analyzer of the
// live version as last read from the cluster (Unavailable until the engine
// is connected, as for every other call).
func (e *Engine) LiveAnalyzer() (search.Analyzer, error) {
	_, v, err := e.conn()
	if err != nil {
		return nil, err
	}
	if v.analyzer == nil {
		return nil, engine.Errorf(engine.EngineUnavailable, "the analysis of index version %d is not known yet", v.Number)
	}
	return v.analyzer, nil
}
