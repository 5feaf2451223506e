package elastic

import (
	"fmt"

	es "github.com/olivere/elastic/v7"

	"github.com/searchd/searchd/searchd/engine"
)

// regionQuery matches a region path and every path below it (engine.Filters).
func regionQuery(region string) es.Query {
	return es.NewBoolQuery().Should(
		es.NewTermQuery("region", region),
		es.NewPrefixQuery("region", engine.RegionPrefix(region)),
	).MinimumNumberShouldMatch(1)
}

// withFacets adds a terms aggregation per facet field. Their default order
// (count descending, then key ascending) is the one engine.Facets promises;
// with the documents index's single shard the counts are exact.
func withFacets(s *es.SearchService, size int) *es.SearchService {
	if size <= 0 {
		return s
	}
	for _, f := range engine.FacetFields() {
		s = s.Aggregation(f, es.NewTermsAggregation().Field(f).Size(size))
	}
	return s
}

// facets reads the aggregations withFacets asked for.
func facets(res *es.SearchResult, size int) engine.Facets {
	return engine.BuildFacets(size, func(f string) []engine.FacetCount {
		var fc []engine.FacetCount
		if agg, ok := res.Aggregations.Terms(f); ok {
			for _, b := range agg.Buckets {
				fc = append(fc, engine.FacetCount{Value: fmt.Sprint(b.Key), Count: b.DocCount})
			}
		}
		return fc
	})
}
