package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"time"
)

// Queue carries capped events from producers to workers with at-least-once
// delivery: a message read by a consumer stays pending until it is acked or
// dead-lettered, and pending messages of a consumer that stopped are handed
// to another by Reclaim. The Redis Stream queue (redisq) and the in-process
// queue (MemQueue) implement it and pass the same suite (ingesttest).
type Queue interface {
	// Enqueue appends events and returns how many were accepted; an error
	// means the rest were not (ErrQueueFull, or the queue is unreachable).
	Enqueue(ctx context.Context, evs []LogEvent) (int, error)
	// Read returns up to n new messages for consumer, waiting up to block
	// when there are none; it returns an empty slice when block passes.
	Read(ctx context.Context, consumer string, n int, block time.Duration) ([]Message, error)
	// Reclaim hands consumer up to n messages that have been pending on any
	// consumer for at least minIdle (their reader stopped).
	Reclaim(ctx context.Context, consumer string, minIdle time.Duration, n int) ([]Message, error)
	// Ack acknowledges messages by id: they will not be delivered again.
	Ack(ctx context.Context, ids ...string) error
	// DeadLetter records messages with their reasons on the dead-letter list
	// and acknowledges them. The caller sets each Payload (the event as
	// queued): the queue stores what it is given.
	DeadLetter(ctx context.Context, dead []DeadLetter) error
	// DeadLetters lists the newest n dead letters, newest first.
	DeadLetters(ctx context.Context, n int) ([]DeadLetter, error)
	// Len is the number of entries the queue holds (Redis: XLEN, which
	// includes acknowledged entries not trimmed yet).
	Len(ctx context.Context) (int64, error)
}

// ErrQueueFull is returned by Enqueue when a bounded queue is full.
var ErrQueueFull = errors.New("ingest: queue full")

// Message is one delivery of a queued event.
type Message struct {
	// ID is the queue's id of the entry (a stream entry id).
	ID string
	// Event is the decoded event; when the payload could not be decoded,
	// Err says why and Payload holds it.
	Event   LogEvent
	Payload []byte
	Err     error
}

// DeadLetter is a message the pipeline gave up on, with the reason.
type DeadLetter struct {
	MessageID string    `json:"message_id"`
	EventID   string    `json:"event_id,omitempty"`
	Class     string    `json:"class"`  // DeadRejected, DeadUndecodable, DeadRetriesSpent
	Reason    string    `json:"reason"` // the store's or decoder's message
	FailedAt  time.Time `json:"failed_at"`
	Payload   string    `json:"payload"` // the event as queued (JSON)
}

// EncodeEvent is the queue payload of an event (JSON of the schema).
func EncodeEvent(ev LogEvent) ([]byte, error) { return json.Marshal(ev) }

// DecodeMessage builds a Message from a queue payload; a payload that is not
// a LogEvent gives a Message with Err set (a poison message).
func DecodeMessage(id string, payload []byte) Message {
	m := Message{ID: id, Payload: payload}
	if err := json.Unmarshal(payload, &m.Event); err != nil {
		m.Err = err
	} else if m.Event.ID == "" {
		m.Err = errors.New("event without event_id")
	}
	return m
}
