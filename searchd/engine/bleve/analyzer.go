package bleve

import (
	"encoding/json"
	"fmt"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"

	"github.com/searchd/searchd/analyzers"
	"github.com/searchd/searchd/searchd/engine"
	"github.com/searchd/searchd/searchd/search"
)

// analyzerType is the Bleve analyzer type behind korean_index and
// korean_search. Each index version's mapping carries its analysis settings
// in the analyzer config, so an index reopened from disk rebuilds exactly
// the analysis it was built with.
const analyzerType = "searchd_korean"

// Bleve's analyzer registry is process-wide by design; registering a
// constructor is the extension point it offers and does no I/O (the
// dictionary loads lazily on first use).
func init() {
	registry.RegisterAnalyzer(analyzerType, newBleveAnalyzer)
}

// analyzerCache is shared by the registry constructor and the engine, so a
// version's analysis is built once whoever asks first.
var analyzerCache = search.NewAnalyzerCache()

func newBleveAnalyzer(config map[string]any, _ *registry.Cache) (analysis.Analyzer, error) {
	settings, err := settingsFromConfig(config)
	if err != nil {
		return nil, err
	}
	a, err := analyzerCache.Get(settings)
	if err != nil {
		return nil, err
	}
	role, _ := config["role"].(string)
	switch role {
	case "index":
		return liveAnalyzer(func(text string) []analyzers.Token { idx, _ := a.Document(text); return idx }), nil
	case "search":
		return liveAnalyzer(a.Query), nil
	}
	return nil, fmt.Errorf("bleve: %s analyzer needs role index or search, got %q", analyzerType, role)
}

func settingsFromConfig(config map[string]any) (engine.AnalysisSettings, error) {
	var s engine.AnalysisSettings
	raw, ok := config["settings"]
	if !ok {
		return s, nil
	}
	b, err := json.Marshal(raw)
	if err != nil {
		return s, err
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return s, fmt.Errorf("bleve: analysis settings in the mapping: %w", err)
	}
	return s, nil
}

func settingsConfig(s engine.AnalysisSettings) map[string]any {
	b, _ := json.Marshal(s)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return m
}

// liveAnalyzer runs the Go analyzer on text (used by Bleve when it analyzes
// by mapping, e.g. match queries).
type liveAnalyzer func(string) []analyzers.Token

func (f liveAnalyzer) Analyze(text []byte) analysis.TokenStream {
	return toBleveTokens(f(string(text)))
}

// preAnalyzed hands Bleve tokens searchd already computed, so each
// document is analyzed once (in parallel) for every field.
type preAnalyzed []analyzers.Token

func (p preAnalyzed) Analyze([]byte) analysis.TokenStream { return toBleveTokens(p) }

func toBleveTokens(toks []analyzers.Token) analysis.TokenStream {
	out := make(analysis.TokenStream, len(toks))
	for i, t := range toks {
		out[i] = &analysis.Token{
			Term:     []byte(t.Term),
			Start:    t.Start,
			End:      t.End,
			Position: t.Position + 1, // Bleve counts positions from 1
			Type:     analysis.AlphaNumeric,
		}
	}
	return out
}

// keywords indexes each value as one token (keyword fields, arrays).
type keywords []string

func (k keywords) Analyze([]byte) analysis.TokenStream {
	out := make(analysis.TokenStream, len(k))
	pos := 0
	for i, v := range k {
		out[i] = &analysis.Token{Term: []byte(v), Start: pos, End: pos + len(v), Position: i + 1, Type: analysis.AlphaNumeric}
		pos += len(v) + 1
	}
	return out
}
