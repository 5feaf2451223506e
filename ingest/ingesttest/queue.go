// Package ingesttest holds the behavioural suites every ingest.Queue and
// ingest.Store implementation passes, and the pipeline suite that runs the
// real Producer and Worker over a queue and a store.
package ingesttest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/searchd/searchd/ingest"
)

// NewQueue returns an empty queue holding at most capacity events
// (approximately, for trimmed streams); it is cleaned up by the test.
type NewQueue func(tb testing.TB, capacity int) ingest.Queue

// MemQueue is a NewQueue for the in-process queue.
func MemQueue(_ testing.TB, capacity int) ingest.Queue { return ingest.NewMemQueue(capacity, 100) }

// FileQueue is a NewQueue for the embedded mode's durable queue, in a
// temporary directory.
func FileQueue(tb testing.TB, capacity int) ingest.Queue {
	q, err := ingest.OpenFileQueue(tb.TempDir(), ingest.FileQueueConfig{Capacity: capacity, MaxDead: 100}, nil, nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { q.Close() })
	return q
}

// QueueSlack is how far above its capacity a queue may grow (Redis trims
// whole stream nodes: 100 entries by default).
const QueueSlack = 100

// Events returns n valid, capped events with distinct ids and times at base.
func Events(prefix string, n int, base time.Time) []ingest.LogEvent {
	evs := make([]ingest.LogEvent, n)
	for i := range evs {
		q := fmt.Sprintf("query %d", i%7)
		evs[i] = ingest.LogEvent{
			ID: fmt.Sprintf("%s-%06d", prefix, i), Timestamp: base.Add(time.Duration(i) * time.Millisecond).UTC(),
			Query: q, QueryKey: q, Normalized: q, Total: int64(i % 3), ZeroResult: i%3 == 0,
			Page: 1, Size: 10, Sort: "relevance", Match: "all", UAFamily: ingest.UAOther,
		}
	}
	return evs
}

// QueueSuite runs the queue contract against newQueue.
func QueueSuite(t *testing.T, newQueue NewQueue) {
	ctx := context.Background()
	base := time.Now().UTC().Truncate(time.Millisecond)

	t.Run("delivers in order and waits when empty", func(t *testing.T) {
		q := newQueue(t, 1000)
		evs := Events("order", 10, base)
		if n, err := q.Enqueue(ctx, evs); n != 10 || err != nil {
			t.Fatalf("Enqueue = %d, %v", n, err)
		}
		msgs, err := q.Read(ctx, "c1", 100, time.Second)
		if err != nil || len(msgs) != 10 {
			t.Fatalf("Read = %d messages, %v", len(msgs), err)
		}
		for i, m := range msgs {
			if m.Err != nil || !reflect.DeepEqual(m.Event, evs[i]) {
				t.Fatalf("message %d: %+v (err %v), want %+v", i, m.Event, m.Err, evs[i])
			}
		}
		msgs, err = q.Read(ctx, "c1", 100, 20*time.Millisecond)
		if err != nil || len(msgs) != 0 {
			t.Fatalf("second Read = %d messages, %v; want none", len(msgs), err)
		}
		// A blocked reader wakes up for a new event.
		go func() {
			time.Sleep(50 * time.Millisecond)
			q.Enqueue(ctx, Events("late", 1, base))
		}()
		msgs, err = q.Read(ctx, "c1", 100, 5*time.Second)
		if err != nil || len(msgs) != 1 || msgs[0].Event.ID != "late-000000" {
			t.Fatalf("blocked Read = %v, %v", msgs, err)
		}
	})

	t.Run("read respects the batch size", func(t *testing.T) {
		q := newQueue(t, 1000)
		q.Enqueue(ctx, Events("batch", 25, base))
		for _, want := range []int{10, 10, 5} {
			msgs, err := q.Read(ctx, "c1", 10, 100*time.Millisecond)
			if err != nil || len(msgs) != want {
				t.Fatalf("Read = %d, %v; want %d", len(msgs), err, want)
			}
		}
	})

	t.Run("unacked messages are reclaimed after min idle", func(t *testing.T) {
		q := newQueue(t, 1000)
		q.Enqueue(ctx, Events("claim", 6, base))
		msgs, _ := q.Read(ctx, "dead-consumer", 6, time.Second)
		if len(msgs) != 6 {
			t.Fatalf("read %d", len(msgs))
		}
		if err := q.Ack(ctx, msgs[0].ID, msgs[1].ID); err != nil {
			t.Fatal(err)
		}
		got, err := q.Reclaim(ctx, "c2", time.Hour, 100)
		if err != nil || len(got) != 0 {
			t.Fatalf("Reclaim before min idle = %d, %v; want none", len(got), err)
		}
		time.Sleep(60 * time.Millisecond)
		got, err = q.Reclaim(ctx, "c2", 50*time.Millisecond, 100)
		if err != nil || len(got) != 4 {
			t.Fatalf("Reclaim = %d, %v; want the 4 unacked", len(got), err)
		}
		for i, m := range got {
			if m.Event.ID != msgs[i+2].Event.ID {
				t.Fatalf("reclaimed %q, want %q", m.Event.ID, msgs[i+2].Event.ID)
			}
		}
		if err := q.Ack(ctx, ids(got)...); err != nil {
			t.Fatal(err)
		}
		time.Sleep(60 * time.Millisecond)
		if got, _ := q.Reclaim(ctx, "c3", 50*time.Millisecond, 100); len(got) != 0 {
			t.Fatalf("acked messages reclaimed again: %d", len(got))
		}
	})

	t.Run("dead letters are listed with their reason and not redelivered", func(t *testing.T) {
		q := newQueue(t, 1000)
		q.Enqueue(ctx, Events("dl", 3, base))
		msgs, _ := q.Read(ctx, "c1", 3, time.Second)
		at := time.Now().UTC().Truncate(time.Millisecond)
		err := q.DeadLetter(ctx, []ingest.DeadLetter{{MessageID: msgs[1].ID, EventID: msgs[1].Event.ID,
			Class: ingest.DeadRejected, Reason: "mapper_parsing_exception: bad page", FailedAt: at,
			Payload: mustEncode(t, msgs[1].Event)}})
		if err != nil {
			t.Fatal(err)
		}
		dl, err := q.DeadLetters(ctx, 10)
		if err != nil || len(dl) != 1 {
			t.Fatalf("DeadLetters = %v, %v", dl, err)
		}
		d := dl[0]
		if d.EventID != "dl-000001" || d.Class != ingest.DeadRejected || d.Reason != "mapper_parsing_exception: bad page" || !d.FailedAt.Equal(at) {
			t.Fatalf("dead letter %+v", d)
		}
		if m := ingest.DecodeMessage("x", []byte(d.Payload)); m.Err != nil || !reflect.DeepEqual(m.Event, msgs[1].Event) {
			t.Fatalf("dead letter payload %q does not hold the event", d.Payload)
		}
		time.Sleep(30 * time.Millisecond)
		got, _ := q.Reclaim(ctx, "c2", 20*time.Millisecond, 10)
		if len(got) != 2 || got[0].Event.ID != "dl-000000" || got[1].Event.ID != "dl-000002" {
			t.Fatalf("reclaimed %v; the dead letter must not be among them", ids(got))
		}
	})

	t.Run("stays bounded", func(t *testing.T) {
		const capacity = 500
		q := newQueue(t, capacity)
		accepted := 0
		for i := 0; i < 20; i++ {
			n, err := q.Enqueue(ctx, Events(fmt.Sprintf("b%d", i), 100, base))
			if err != nil && !errors.Is(err, ingest.ErrQueueFull) {
				t.Fatal(err)
			}
			accepted += n
		}
		n, err := q.Len(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n > capacity+QueueSlack || n < capacity/2 {
			t.Fatalf("Len = %d after 2000 events into a queue of %d", n, capacity)
		}
		t.Logf("accepted %d of 2000, length %d (capacity %d)", accepted, n, capacity)
	})
}

func ids(msgs []ingest.Message) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = m.ID
	}
	return out
}

func mustEncode(tb testing.TB, ev ingest.LogEvent) string {
	b, err := ingest.EncodeEvent(ev)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}
