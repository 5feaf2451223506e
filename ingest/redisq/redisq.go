// Package redisq is the elastic mode's search-log queue: a Redis Stream
// with a consumer group (go-redis v9). Producers XADD with an approximate
// MAXLEN cap; workers XREADGROUP batches, XACK after the log store accepted
// them, XAUTOCLAIM what crashed consumers left pending, and XADD what the
// store rejects to a dead-letter stream.
package redisq

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/searchd/searchd/ingest"
)

// Config names the streams and bounds them; zero values take the defaults.
type Config struct {
	// Stream is the events stream key (default "searchd:search-logs").
	Stream string
	// Group is the consumer group of the log workers (default
	// "search-log-writers").
	Group string
	// DeadStream is the dead-letter stream key (default Stream+":dead").
	DeadStream string
	// MaxLen caps the events stream (XADD MAXLEN ~, default 1,000,000).
	// Memory stays bounded; when the workers fall behind by more than the
	// cap (a long log-store outage), the oldest undelivered events are
	// trimmed. Size it for the outage you want to ride out.
	MaxLen int64
	// DeadMaxLen caps the dead-letter stream (default 100,000).
	DeadMaxLen int64
}

func (c *Config) defaults() {
	if c.Stream == "" {
		c.Stream = "searchd:search-logs"
	}
	if c.Group == "" {
		c.Group = "search-log-writers"
	}
	if c.DeadStream == "" {
		c.DeadStream = c.Stream + ":dead"
	}
	if c.MaxLen <= 0 {
		c.MaxLen = 1_000_000
	}
	if c.DeadMaxLen <= 0 {
		c.DeadMaxLen = 100_000
	}
}

// Queue implements ingest.Queue on a Redis Stream.
type Queue struct {
	rdb redis.UniversalClient
	cfg Config
}

var _ ingest.Queue = (*Queue)(nil)

// New returns a queue over rdb. It does no I/O: the consumer group is
// created on the first read (or by Setup), so a Redis that is down when
// searchd starts does not stop search.
func New(rdb redis.UniversalClient, cfg Config) *Queue {
	cfg.defaults()
	return &Queue{rdb: rdb, cfg: cfg}
}

// Config returns the queue's configuration with defaults applied.
func (q *Queue) Config() Config { return q.cfg }

// Setup creates the stream and the consumer group if they do not exist.
func (q *Queue) Setup(ctx context.Context) error {
	// "0": a group created after the stream gets every entry it still holds.
	err := q.rdb.XGroupCreateMkStream(ctx, q.cfg.Stream, q.cfg.Group, "0").Err()
	if err != nil && !strings.HasPrefix(err.Error(), "BUSYGROUP") {
		return fmt.Errorf("redisq: create group: %w", err)
	}
	return nil
}

// Enqueue implements ingest.Queue with one pipelined round trip.
func (q *Queue) Enqueue(ctx context.Context, evs []ingest.LogEvent) (int, error) {
	if len(evs) == 0 {
		return 0, nil
	}
	pipe := q.rdb.Pipeline()
	cmds := make([]*redis.StringCmd, 0, len(evs))
	for _, ev := range evs {
		b, err := ingest.EncodeEvent(ev)
		if err != nil {
			return 0, err
		}
		cmds = append(cmds, pipe.XAdd(ctx, &redis.XAddArgs{
			Stream: q.cfg.Stream, MaxLen: q.cfg.MaxLen, Approx: true,
			Values: []any{"e", b},
		}))
	}
	_, err := pipe.Exec(ctx)
	n := 0
	for _, c := range cmds {
		if c.Err() != nil {
			break
		}
		n++
	}
	if err != nil {
		return n, fmt.Errorf("redisq: xadd: %w", err)
	}
	return n, nil
}

// Read implements ingest.Queue with XREADGROUP ... STREAMS key >.
func (q *Queue) Read(ctx context.Context, consumer string, n int, block time.Duration) ([]ingest.Message, error) {
	if block < time.Millisecond {
		block = time.Millisecond // 0 would block forever
	}
	args := &redis.XReadGroupArgs{Group: q.cfg.Group, Consumer: consumer,
		Streams: []string{q.cfg.Stream, ">"}, Count: int64(n), Block: block}
	res, err := q.rdb.XReadGroup(ctx, args).Result()
	if isNoGroup(err) {
		if err = q.Setup(ctx); err == nil {
			res, err = q.rdb.XReadGroup(ctx, args).Result()
		}
	}
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("redisq: xreadgroup: %w", err)
	}
	var msgs []ingest.Message
	for _, s := range res {
		msgs = appendMessages(msgs, s.Messages)
	}
	return msgs, nil
}

func isNoGroup(err error) bool { return err != nil && strings.HasPrefix(err.Error(), "NOGROUP") }

func appendMessages(msgs []ingest.Message, xs []redis.XMessage) []ingest.Message {
	for _, x := range xs {
		payload, ok := x.Values["e"].(string)
		if !ok {
			msgs = append(msgs, ingest.Message{ID: x.ID, Err: errors.New("stream entry without field e")})
			continue
		}
		msgs = append(msgs, ingest.DecodeMessage(x.ID, []byte(payload)))
	}
	return msgs
}

// Reclaim implements ingest.Queue with XAUTOCLAIM (Redis 6.2+).
func (q *Queue) Reclaim(ctx context.Context, consumer string, minIdle time.Duration, n int) ([]ingest.Message, error) {
	xs, _, err := q.rdb.XAutoClaim(ctx, &redis.XAutoClaimArgs{Stream: q.cfg.Stream, Group: q.cfg.Group,
		Consumer: consumer, MinIdle: minIdle, Start: "0-0", Count: int64(n)}).Result()
	if isNoGroup(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("redisq: xautoclaim: %w", err)
	}
	return appendMessages(nil, xs), nil
}

// Ack implements ingest.Queue.
func (q *Queue) Ack(ctx context.Context, ids ...string) error {
	if len(ids) == 0 {
		return nil
	}
	if err := q.rdb.XAck(ctx, q.cfg.Stream, q.cfg.Group, ids...).Err(); err != nil {
		return fmt.Errorf("redisq: xack: %w", err)
	}
	return nil
}

// DeadLetter implements ingest.Queue: the dead letters are added and the
// originals acknowledged in one MULTI/EXEC.
func (q *Queue) DeadLetter(ctx context.Context, dead []ingest.DeadLetter) error {
	if len(dead) == 0 {
		return nil
	}
	ids := make([]string, 0, len(dead))
	_, err := q.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		for _, d := range dead {
			ids = append(ids, d.MessageID)
			p.XAdd(ctx, &redis.XAddArgs{Stream: q.cfg.DeadStream, MaxLen: q.cfg.DeadMaxLen, Approx: true,
				Values: []any{
					"message_id", d.MessageID, "event_id", d.EventID, "class", d.Class,
					"reason", d.Reason, "failed_at", d.FailedAt.UTC().Format(time.RFC3339Nano),
					"payload", d.Payload,
				}})
		}
		p.XAck(ctx, q.cfg.Stream, q.cfg.Group, ids...)
		return nil
	})
	if err != nil {
		return fmt.Errorf("redisq: dead letter: %w", err)
	}
	return nil
}

// DeadLetters implements ingest.Queue (XREVRANGE on the dead-letter stream).
func (q *Queue) DeadLetters(ctx context.Context, n int) ([]ingest.DeadLetter, error) {
	xs, err := q.rdb.XRevRangeN(ctx, q.cfg.DeadStream, "+", "-", int64(n)).Result()
	if err != nil {
		return nil, fmt.Errorf("redisq: xrevrange: %w", err)
	}
	out := make([]ingest.DeadLetter, 0, len(xs))
	for _, x := range xs {
		str := func(k string) string { s, _ := x.Values[k].(string); return s }
		at, _ := time.Parse(time.RFC3339Nano, str("failed_at"))
		out = append(out, ingest.DeadLetter{MessageID: str("message_id"), EventID: str("event_id"),
			Class: str("class"), Reason: str("reason"), FailedAt: at, Payload: str("payload")})
	}
	return out, nil
}

// Len implements ingest.Queue (XLEN).
func (q *Queue) Len(ctx context.Context) (int64, error) {
	n, err := q.rdb.XLen(ctx, q.cfg.Stream).Result()
	if err != nil {
		return 0, fmt.Errorf("redisq: xlen: %w", err)
	}
	return n, nil
}

// Pending is the number of entries delivered and not yet acknowledged.
func (q *Queue) Pending(ctx context.Context) (int64, error) {
	p, err := q.rdb.XPending(ctx, q.cfg.Stream, q.cfg.Group).Result()
	if err != nil {
		return 0, fmt.Errorf("redisq: xpending: %w", err)
	}
	return p.Count, nil
}
