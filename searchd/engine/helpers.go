package engine

import (
	"context"
	"sort"
)

// Batcher is the part of Engine that IndexOne needs.
type Batcher interface {
	IndexBatch(ctx context.Context, docs []Document, refresh bool) ([]ItemResult, error)
}

// IndexOne indexes one document through IndexBatch and returns its error;
// engines implement Index with it, so single and bulk writes behave alike.
func IndexOne(ctx context.Context, b Batcher, d Document, refresh bool) error {
	res, err := b.IndexBatch(ctx, []Document{d}, refresh)
	if err != nil {
		return err
	}
	if res[0].Error != nil {
		return res[0].Error
	}
	return nil
}

// TopTerms orders term counts most frequent first (then by term) and keeps
// at most size of them.
func TopTerms(tc []TermCount, size int) []TermCount {
	sort.Slice(tc, func(i, j int) bool {
		if tc[i].Count != tc[j].Count {
			return tc[i].Count > tc[j].Count
		}
		return tc[i].Term < tc[j].Term
	})
	if len(tc) > size {
		tc = tc[:size]
	}
	return tc
}
