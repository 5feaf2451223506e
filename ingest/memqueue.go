package ingest

import (
	"context"
	"sort"
	"strconv"
	"sync"
	"time"
)

// MemQueue is a bounded in-process queue with the same delivery semantics
// as the Redis Stream (pending until acked, reclaimable after a consumer
// stops, dead letters kept for the admin list). It lives in memory only: a
// crash loses what it holds. The embedded mode uses FileQueue, which adds
// an append-only file under it.
type MemQueue struct {
	capacity int
	maxDead  int
	now      func() time.Time

	mu      sync.Mutex
	seq     uint64
	ready   []memEntry // FIFO; ready[head:] are live
	head    int
	pending map[string]*memPending
	dead    []DeadLetter // ring, newest last
	wake    chan struct{}
}

type memEntry struct {
	seq uint64
	ev  LogEvent
}

type memPending struct {
	memEntry
	consumer string
	since    time.Time
}

// NewMemQueue returns a queue holding at most capacity events (queued plus
// pending) and the newest maxDead dead letters.
func NewMemQueue(capacity, maxDead int) *MemQueue {
	return &MemQueue{
		capacity: max(capacity, 1),
		maxDead:  max(maxDead, 1),
		now:      time.Now,
		pending:  map[string]*memPending{},
		wake:     make(chan struct{}),
	}
}

func (q *MemQueue) held() int { return len(q.ready) - q.head + len(q.pending) }

// Enqueue implements Queue; it accepts events while there is room and
// returns ErrQueueFull for the rest.
func (q *MemQueue) Enqueue(_ context.Context, evs []LogEvent) (int, error) {
	_, n := q.enqueue(evs, false)
	if n < len(evs) {
		return n, ErrQueueFull
	}
	return n, nil
}

// enqueue appends events (all of them when force is set, else while there
// is room) and returns the sequence number of the first and how many.
// Sequence numbers of one call are consecutive.
func (q *MemQueue) enqueue(evs []LogEvent, force bool) (first uint64, n int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	first = q.seq + 1
	for _, ev := range evs {
		if !force && q.held() >= q.capacity {
			break
		}
		q.seq++
		q.ready = append(q.ready, memEntry{seq: q.seq, ev: ev})
		n++
	}
	if n > 0 {
		close(q.wake)
		q.wake = make(chan struct{})
	}
	return first, n
}

// room is how many more events the queue accepts now.
func (q *MemQueue) room() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return max(0, q.capacity-q.held())
}

// oldest is the lowest sequence number the queue still holds (queued or
// pending); when it holds nothing, the next one it will assign.
func (q *MemQueue) oldest() uint64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	low := q.seq + 1
	if q.head < len(q.ready) {
		low = q.ready[q.head].seq
	}
	for _, p := range q.pending {
		low = min(low, p.seq)
	}
	return low
}

// Read implements Queue.
func (q *MemQueue) Read(ctx context.Context, consumer string, n int, block time.Duration) ([]Message, error) {
	var timer *time.Timer
	for {
		q.mu.Lock()
		if q.head < len(q.ready) {
			msgs := q.take(consumer, n)
			q.mu.Unlock()
			if timer != nil {
				timer.Stop()
			}
			return msgs, nil
		}
		wake := q.wake
		q.mu.Unlock()
		if timer == nil {
			timer = time.NewTimer(block)
			defer timer.Stop()
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-timer.C:
			return nil, nil
		case <-wake:
		}
	}
}

// take moves up to n ready entries to pending; q.mu is held.
func (q *MemQueue) take(consumer string, n int) []Message {
	now := q.now()
	end := min(q.head+n, len(q.ready))
	msgs := make([]Message, 0, end-q.head)
	for _, e := range q.ready[q.head:end] {
		id := strconv.FormatUint(e.seq, 10)
		q.pending[id] = &memPending{memEntry: e, consumer: consumer, since: now}
		msgs = append(msgs, Message{ID: id, Event: e.ev})
	}
	clear(q.ready[q.head:end])
	q.head = end
	if q.head == len(q.ready) {
		q.ready, q.head = q.ready[:0], 0
	} else if q.head > 4096 && q.head > len(q.ready)/2 {
		q.ready = append(q.ready[:0], q.ready[q.head:]...)
		q.head = 0
	}
	return msgs
}

// Reclaim implements Queue.
func (q *MemQueue) Reclaim(_ context.Context, consumer string, minIdle time.Duration, n int) ([]Message, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	now := q.now()
	var idle []*memPending
	for _, p := range q.pending {
		if now.Sub(p.since) >= minIdle {
			idle = append(idle, p)
		}
	}
	sort.Slice(idle, func(i, j int) bool { return idle[i].seq < idle[j].seq })
	if len(idle) > n {
		idle = idle[:n]
	}
	msgs := make([]Message, 0, len(idle))
	for _, p := range idle {
		p.consumer, p.since = consumer, now
		msgs = append(msgs, Message{ID: strconv.FormatUint(p.seq, 10), Event: p.ev})
	}
	return msgs, nil
}

// Ack implements Queue.
func (q *MemQueue) Ack(_ context.Context, ids ...string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, id := range ids {
		delete(q.pending, id)
	}
	return nil
}

// DeadLetter implements Queue.
func (q *MemQueue) DeadLetter(_ context.Context, dead []DeadLetter) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, d := range dead {
		delete(q.pending, d.MessageID)
		q.dead = append(q.dead, d)
	}
	if over := len(q.dead) - q.maxDead; over > 0 {
		q.dead = append(q.dead[:0], q.dead[over:]...)
	}
	return nil
}

// DeadLetters implements Queue.
func (q *MemQueue) DeadLetters(_ context.Context, n int) ([]DeadLetter, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := make([]DeadLetter, 0, min(n, len(q.dead)))
	for i := len(q.dead) - 1; i >= 0 && len(out) < n; i-- {
		out = append(out, q.dead[i])
	}
	return out, nil
}

// Len implements Queue: queued plus pending events.
func (q *MemQueue) Len(context.Context) (int64, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return int64(q.held()), nil
}
