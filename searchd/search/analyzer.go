package search

import (
	"encoding/json"
	"strings"
	"sync"

	"github.com/searchd/searchd/analyzers"
	"github.com/searchd/searchd/searchd/engine"
)

// AnalyzerCache builds each distinct analysis settings' analyzers once.
type AnalyzerCache struct {
	mu sync.Mutex
	m  map[string]*cacheEntry
}

type cacheEntry struct {
	once sync.Once
	a    Analyzer
	err  error
}

// NewAnalyzerCache returns an empty cache.
func NewAnalyzerCache() *AnalyzerCache { return &AnalyzerCache{m: map[string]*cacheEntry{}} }

// Get returns the analyzer for settings, building it on first use.
func (c *AnalyzerCache) Get(s engine.AnalysisSettings) (Analyzer, error) {
	key, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	e := c.m[string(key)]
	if e == nil {
		e = &cacheEntry{}
		c.m[string(key)] = e
	}
	c.mu.Unlock()
	e.once.Do(func() { e.a, e.err = NewAnalyzer(s) })
	return e.a, e.err
}

// NewAnalyzer builds the Korean analysis of one index version.
func NewAnalyzer(s engine.AnalysisSettings) (Analyzer, error) {
	an, err := analyzers.NewAnalysis(s)
	if err != nil {
		return nil, engine.Errorf(engine.Invalid, "%v", err)
	}
	return korean{an, synonymParts(an.Synonyms)}, nil
}

type korean struct {
	an    *analyzers.Analysis
	parts map[string]bool // see synonymParts
}

// synonymParts are the terms of multi-word synonym members and outputs
// that are not single-word members themselves.
func synonymParts(set *analyzers.SynonymSet) map[string]bool {
	out := map[string]bool{}
	for _, g := range set.Groups() {
		for _, m := range append(append([]string{}, g.Members...), g.Outputs...) {
			if terms := strings.Fields(m); len(terms) > 1 {
				for _, t := range terms {
					out[t] = true
				}
			}
		}
	}
	for t := range out {
		if _, ok := set.Canonical(t); ok {
			delete(out, t)
		}
	}
	return out
}

func (k korean) SynonymPart(term string) bool { return k.parts[term] }

func (k korean) Query(text string) []analyzers.Token { return k.an.Search.Analyze(text) }

func (k korean) Document(text string) (index, exact []analyzers.Token) {
	return k.an.Document(text)
}

func (k korean) Canonical(terms string) (string, bool) {
	if k.an.Synonyms == nil {
		return "", false
	}
	return k.an.Synonyms.Canonical(terms)
}

// AnalyzeText runs the index or search analyzer over text and returns
// tokens in Elasticsearch's _analyze shape.
func AnalyzeText(a Analyzer, req engine.AnalyzeRequest) ([]engine.Token, error) {
	role, err := engine.AnalyzerRole(req.Analyzer)
	if err != nil {
		return nil, err
	}
	var toks []analyzers.Token
	if role == engine.AnalyzerIndex {
		toks, _ = a.Document(req.Text)
	} else {
		toks = a.Query(req.Text)
	}
	out := analyzers.CharOffsets(req.Text, toks)
	if !req.Explain {
		for i := range out {
			out[i].LeftPOS, out[i].RightPOS, out[i].POSType, out[i].Reading, out[i].Morphemes = "", "", "", "", ""
			out[i].LeftPOSDetail, out[i].RightPOSDetail = "", ""
		}
	}
	return out, nil
}
