package ingest

import (
	"context"
	"time"
)

// Store is a log index: the embedded one (blevelog) and Elasticsearch
// (elasticlog) implement it and pass the same suite (ingesttest).
type Store interface {
	// BulkWrite writes events with the event id as the document id, so
	// writing an event twice stores it once. It returns one result per event
	// in input order; the error is for a failure of the whole request (store
	// unreachable), after which the caller retries the batch.
	BulkWrite(ctx context.Context, evs []LogEvent) ([]ItemResult, error)
	// TopQueries counts events with timestamps in [from, to) by query key,
	// most frequent first (ties by key). Analytics are near-real-time:
	// Elasticsearch shows writes after its refresh interval (1s).
	TopQueries(ctx context.Context, from, to time.Time, size int) ([]QueryCount, error)
	// ZeroResultQueries is TopQueries over events that found nothing.
	ZeroResultQueries(ctx context.Context, from, to time.Time, size int) ([]QueryCount, error)
	// Count returns the number of events stored with timestamps in
	// [from, to), after making recent writes visible.
	Count(ctx context.Context, from, to time.Time) (int64, error)
	// DeleteOlderThan removes events from days before the day of now (UTC)
	// minus days: daily indices by name in Elasticsearch, by timestamp in
	// the embedded store. It returns what it removed (indices or events).
	DeleteOlderThan(ctx context.Context, now time.Time, days int) (int64, error)
	// Close releases the store.
	Close() error
}

// ItemOutcome classifies one event of a bulk write.
type ItemOutcome int

const (
	// ItemOK: the store has the event.
	ItemOK ItemOutcome = iota
	// ItemRetry: a transient failure (overload, unavailable shard); retry.
	ItemRetry
	// ItemRejected: the store will never accept this event (a mapping or
	// validation error); it goes to the dead-letter list.
	ItemRejected
)

// ItemResult is the outcome of one event in a bulk write.
type ItemResult struct {
	ID      string
	Outcome ItemOutcome
	// Reason is the store's message for a failure.
	Reason string
}
