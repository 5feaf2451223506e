package dictionary

import (
	"context"

	"github.com/searchd/searchd/searchd/engine"
	"github.com/searchd/searchd/searchd/search"
)

// versionView is the engine as if version v, analyzed by a, were live:
// the search service over it searches v (checks of a rebuilt version
// before its swap).
type versionView struct {
	engine.Engine
	v        int
	settings engine.AnalysisSettings
	analyzer search.Analyzer
}

var _ search.LiveAnalyzerSource = versionView{}

func (w versionView) Search(ctx context.Context, p engine.Plan) (engine.Result, error) {
	return w.Engine.SearchVersion(ctx, w.v, p)
}

func (w versionView) Live() engine.Version {
	return engine.Version{Number: w.v, Live: true, Analysis: w.settings}
}

func (w versionView) LiveAnalyzer() (search.Analyzer, error) { return w.analyzer, nil }
