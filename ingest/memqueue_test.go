package ingest_test

import (
	"testing"

	"github.com/searchd/searchd/ingest/ingesttest"
)

func TestMemQueue(t *testing.T) { ingesttest.QueueSuite(t, ingesttest.MemQueue) }
