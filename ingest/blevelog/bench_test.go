package blevelog_test

import (
	"testing"

	"github.com/searchd/searchd/ingest"
	"github.com/searchd/searchd/ingest/blevelog"
	"github.com/searchd/searchd/ingest/ingesttest"
)

// BenchmarkEmbeddedDelivery: sustained delivery from the in-process queue
// into the Bleve log index by one worker (embedded mode).
func BenchmarkEmbeddedDelivery(b *testing.B) {
	b.Run("sync", func(b *testing.B) {
		ingesttest.Delivery(b, ingest.NewMemQueue(100_000, 100), newStore(b), 1)
	})
	b.Run("nosync", func(b *testing.B) {
		ingesttest.Delivery(b, ingest.NewMemQueue(100_000, 100), newStoreWith(b, blevelog.Options{NoSync: true}), 1)
	})
}

// BenchmarkEmbeddedOverload: a producer faster than the Bleve sink; the
// queue stays at its cap and the heap stays bounded while the excess is
// dropped and counted.
func BenchmarkEmbeddedOverload(b *testing.B) {
	const capacity = 50_000
	ingesttest.Overload(b, ingest.NewMemQueue(capacity, 100), newStore(b), capacity)
}
