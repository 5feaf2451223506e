package bleve

import (
	blevesearch "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/searchd/searchd/searchd/engine"
)

// regionQ matches a region path and every path below it (engine.Filters).
func regionQ(region string) query.Query {
	below := query.NewPrefixQuery(engine.RegionPrefix(region))
	below.SetField("region")
	below.SetBoost(boostFilter)
	return query.NewDisjunctionQuery([]query.Query{termQ(region, "region", boostFilter), below})
}

// addFacets asks for term facets over the facet fields (their doc values).
func addFacets(req *blevesearch.SearchRequest, size int) {
	if size <= 0 {
		return
	}
	for _, f := range engine.FacetFields() {
		req.AddFacet(f, blevesearch.NewFacetRequest(f, size))
	}
}

// facets converts Bleve's term facets.
func facets(res *blevesearch.SearchResult, size int) engine.Facets {
	return engine.BuildFacets(size, func(f string) []engine.FacetCount {
		var fc []engine.FacetCount
		if fr, ok := res.Facets[f]; ok && fr != nil {
			for _, t := range fr.Terms.Terms() {
				fc = append(fc, engine.FacetCount{Value: t.Term, Count: int64(t.Count)})
			}
		}
		return fc
	})
}
