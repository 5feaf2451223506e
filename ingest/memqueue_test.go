package ingest_test

import (
	"testing"

	"github.com/searchd/searchd/ingest"
	"github.com/searchd/searchd/ingest/ingesttest"
)

func newMemQueue(_ testing.TB, capacity int) ingest.Queue { return ingest.NewMemQueue(capacity, 100) }

func TestMemQueue(t *testing.T) { ingesttest.QueueSuite(t, newMemQueue) }
