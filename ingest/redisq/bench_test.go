package redisq_test

import (
	"context"
	"testing"

	"github.com/searchd/searchd/ingest"
	"github.com/searchd/searchd/ingest/ingesttest"
)

// acceptAll is a store that accepts every event and keeps nothing: with it
// the benchmark measures the Redis Stream path alone (XADD, XREADGROUP,
// decode, XACK).
type acceptAll struct{ ingest.Store }

func (acceptAll) BulkWrite(_ context.Context, evs []ingest.LogEvent) ([]ingest.ItemResult, error) {
	res := make([]ingest.ItemResult, len(evs))
	for i, ev := range evs {
		res[i].ID = ev.ID
	}
	return res, nil
}

// BenchmarkStreamDelivery: sustained delivery through a real Redis Stream
// (consumer group, two workers): into the Bleve log index, and with a sink
// that keeps nothing (the queue's own capacity).
func BenchmarkStreamDelivery(b *testing.B) {
	b.Run("bleve", func(b *testing.B) {
		ingesttest.Delivery(b, ingesttest.RedisQueue(b, 10_000_000), ingesttest.BleveStore(b), 1)
	})
	b.Run("queue-only", func(b *testing.B) {
		ingesttest.Delivery(b, ingesttest.RedisQueue(b, 10_000_000), acceptAll{}, 2)
	})
}

// BenchmarkStreamOverload: a producer faster than the Bleve sink behind a
// Redis Stream capped at 50,000 entries (XADD MAXLEN ~): the stream length
// stays at the cap and the process heap stays bounded.
func BenchmarkStreamOverload(b *testing.B) {
	const capacity = 50_000
	ingesttest.Overload(b, ingesttest.RedisQueue(b, capacity), ingesttest.BleveStore(b), capacity)
}
