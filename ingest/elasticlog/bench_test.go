package elasticlog_test

import (
	"testing"

	"github.com/searchd/searchd/ingest/ingesttest"
)

// BenchmarkStreamDelivery is elastic mode's sustained delivery: a real
// Redis Stream, four workers, bulk writes into the real OpenSearch node.
func BenchmarkStreamDelivery(b *testing.B) {
	ingesttest.Delivery(b, ingesttest.RedisQueue(b, 10_000_000), newStore(b), 4)
}

// BenchmarkStreamOverload: a producer faster than OpenSearch behind a
// Redis Stream capped at 50,000 entries.
func BenchmarkStreamOverload(b *testing.B) {
	const capacity = 50_000
	ingesttest.Overload(b, ingesttest.RedisQueue(b, capacity), newStore(b), capacity)
}
