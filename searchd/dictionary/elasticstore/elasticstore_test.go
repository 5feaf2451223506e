package elasticstore_test

import (
	"context"
	"testing"

	"github.com/searchd/searchd/internal/testenv"
	"github.com/searchd/searchd/searchd/dictionary/elasticstore"
	"github.com/searchd/searchd/searchd/dictionary/storetest"
)

// Two handles on one prefix are two instances sharing the history.
func TestStore(t *testing.T) {
	storetest.Run(t, func(tb testing.TB) (storetest.Both, func() storetest.Both) {
		node := testenv.OpenSearch(tb)
		prefix := node.Prefix(tb)
		open := func() storetest.Both {
			s, err := elasticstore.Open(context.Background(), elasticstore.Config{URLs: []string{node.URL}, Prefix: prefix})
			if err != nil {
				tb.Fatal(err)
			}
			tb.Cleanup(func() { s.Close() })
			return s
		}
		return open(), open
	})
}
