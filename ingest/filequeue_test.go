package ingest_test

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/searchd/searchd/ingest"
	"github.com/searchd/searchd/ingest/ingesttest"
)

func TestFileQueue(t *testing.T) { ingesttest.QueueSuite(t, ingesttest.FileQueue) }

func openFileQueue(t *testing.T, dir string, cfg ingest.FileQueueConfig) *ingest.FileQueue {
	t.Helper()
	q, err := ingest.OpenFileQueue(dir, cfg, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { q.Close() })
	return q
}

// readAll reads every message the queue has for a new consumer.
func readAll(t *testing.T, q ingest.Queue) []ingest.Message {
	t.Helper()
	var out []ingest.Message
	for {
		msgs, err := q.Read(context.Background(), "reader", 1000, 20*time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) == 0 {
			return out
		}
		out = append(out, msgs...)
	}
}

func eventIDs(msgs []ingest.Message) []string {
	ids := make([]string, len(msgs))
	for i, m := range msgs {
		ids[i] = m.Event.ID
	}
	sort.Strings(ids)
	return ids
}

// A process killed after Enqueue returned loses nothing: the next open
// replays every event not acknowledged, with its content.
func TestFileQueueReplaysAfterACrash(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	q := openFileQueue(t, dir, ingest.FileQueueConfig{SegmentBytes: 64 << 10})
	evs := ingesttest.Events("crash", 3000, time.Now().UTC().Truncate(time.Millisecond))
	for i := 0; i < len(evs); i += 250 {
		if n, err := q.Enqueue(ctx, evs[i:i+250]); n != 250 || err != nil {
			t.Fatalf("Enqueue = %d, %v", n, err)
		}
	}
	// The first 1000 are delivered and acknowledged; 500 more are pending.
	msgs, _ := q.Read(ctx, "w", 1000, time.Second)
	if err := q.Ack(ctx, idsOf(msgs)...); err != nil {
		t.Fatal(err)
	}
	q.Read(ctx, "w", 500, time.Second)
	time.Sleep(250 * time.Millisecond) // a commit removes the delivered segments
	q.Crash()

	r := openFileQueue(t, dir, ingest.FileQueueConfig{SegmentBytes: 64 << 10})
	got := readAll(t, r)
	byID := map[string]ingest.LogEvent{}
	for _, m := range got {
		if m.Err != nil {
			t.Fatalf("replayed message %s: %v", m.ID, m.Err)
		}
		byID[m.Event.ID] = m.Event
	}
	for _, ev := range evs[1000:] {
		if g, ok := byID[ev.ID]; !ok || !g.Timestamp.Equal(ev.Timestamp) || g.Query != ev.Query {
			t.Fatalf("event %s after the crash: %+v (found %v)", ev.ID, g, ok)
		}
	}
	// Acknowledged events come back only from a segment that also holds
	// undelivered ones (the store rewrites them under the same id).
	if extra := len(got) - 2000; extra < 0 || extra > 400 {
		t.Fatalf("replayed %d events for 2000 undelivered", len(got))
	}
	t.Logf("replayed %d events for 2000 undelivered", len(got))
}

// Delivered events leave the file: it stays bounded by what is
// undelivered, and a restart after everything was delivered replays nothing.
func TestFileQueueRemovesDeliveredSegments(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	q := openFileQueue(t, dir, ingest.FileQueueConfig{SegmentBytes: 32 << 10})
	for round := 0; round < 20; round++ {
		q.Enqueue(ctx, ingesttest.Events("round"+string(rune('a'+round)), 500, time.Now()))
		msgs := readAll(t, q)
		if err := q.Ack(ctx, idsOf(msgs)...); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for q.Bytes() != 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if b := q.Bytes(); b != 0 {
		t.Fatalf("%d bytes kept after every event was delivered", b)
	}
	if size := dirSize(t, dir); size != 0 {
		t.Fatalf("the queue directory holds %d bytes after every event was delivered", size)
	}
	q.Crash()
	r := openFileQueue(t, dir, ingest.FileQueueConfig{})
	if n, _ := r.Len(ctx); n != 0 {
		t.Fatalf("%d events replayed after everything was delivered", n)
	}
}

// A crash in the middle of a write leaves a torn record at the end of the
// segment: the events before it are replayed and the queue goes on.
func TestFileQueueTornTail(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	q := openFileQueue(t, dir, ingest.FileQueueConfig{})
	q.Enqueue(ctx, ingesttest.Events("torn", 10, time.Now()))
	q.Crash()
	segs, _ := filepath.Glob(filepath.Join(dir, "seg-*.log"))
	if len(segs) != 1 {
		t.Fatalf("segments %v", segs)
	}
	f, err := os.OpenFile(segs[0], os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte{200, 0, 0, 0, 1, 2, 3, 4, '{', '"'}) // a header and part of a payload
	f.Close()

	r := openFileQueue(t, dir, ingest.FileQueueConfig{})
	if got := readAll(t, r); len(got) != 10 {
		t.Fatalf("replayed %d events, want the 10 before the torn record", len(got))
	}
	if n, err := r.Enqueue(ctx, ingesttest.Events("after", 5, time.Now())); n != 5 || err != nil {
		t.Fatalf("Enqueue after replay = %d, %v", n, err)
	}
	r.Crash()
	again := openFileQueue(t, dir, ingest.FileQueueConfig{})
	if ids := eventIDs(readAll(t, again)); len(ids) != 15 {
		t.Fatalf("second replay: %d events %v, want 15", len(ids), ids)
	}
}

func idsOf(msgs []ingest.Message) []string {
	ids := make([]string, len(msgs))
	for i, m := range msgs {
		ids[i] = m.ID
	}
	return ids
}

func dirSize(t *testing.T, dir string) int64 {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, e := range ents {
		info, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		n += info.Size()
	}
	return n
}
