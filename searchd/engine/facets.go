package engine

import (
	"cmp"
	"slices"
)

// FacetFields are the document fields a search counts values of.
func FacetFields() []string { return []string{"category", "region", "tags"} }

// DefaultFacetSize is how many values per facet field a search returns.
const DefaultFacetSize = 10

// FacetCount is one value of a facet field and how many matches have it.
type FacetCount struct {
	Value string `json:"value"`
	Count int64  `json:"count"`
}

// Facets maps each of FacetFields to its most frequent values, by count
// descending, then value ascending (byte order): Bleve's term facets and
// Elasticsearch's terms aggregation agree on this order.
type Facets map[string][]FacetCount

// SortFacetCounts puts counts in the order Facets promises and keeps at most size.
func SortFacetCounts(fc []FacetCount, size int) []FacetCount {
	slices.SortFunc(fc, func(a, b FacetCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Value, b.Value))
	})
	if len(fc) > size {
		fc = fc[:size]
	}
	return fc
}

// BuildFacets collects counts(field) for every facet field, each in the
// order Facets promises and cut to size; nil when size ≤ 0 (not asked).
func BuildFacets(size int, counts func(field string) []FacetCount) Facets {
	if size <= 0 {
		return nil
	}
	out := Facets{}
	for _, f := range FacetFields() {
		out[f] = SortFacetCounts(append([]FacetCount{}, counts(f)...), size)
	}
	return out
}

// RegionPrefix is what a region path below region starts with: region
// filters match region itself or values starting with RegionPrefix(region).
func RegionPrefix(region string) string { return region + " " }
