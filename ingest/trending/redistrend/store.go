// Package redistrend is the Redis trending store (go-redis v9): two
// forward-decayed sorted sets (recent and baseline), dedup keys, one
// HyperLogLog per keyword and users bucket, display-form hashes, the
// snapshot, the blocklist and the leader lock. Every instance can count
// into it: deduplicating a batch is one EVALSHA (HMGET/HSET on the dedup
// bucket hashes), counting a tally (trending.Counter aggregates per
// keyword) one EVALSHA with one update per keyword.
//
// Keys (prefix P, default "trending:"): P+"s" and P+"l" the sorted sets,
// P+"meta" the landmark and decayed totals, P+"d:<bucket>" dedup (user NUL key → counted time, one hash per dedup window),
// P+"u:<bucket>:<key>" distinct users, P+"f:<key>" display forms,
// P+"snap", P+"block" and P+"leader". Scripts compute key names, so a
// single Redis node (or a cluster slot via a {hash tag} prefix) is needed.
package redistrend

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/searchd/searchd/internal/redislock"

	"github.com/searchd/searchd/ingest/trending"
	"github.com/searchd/searchd/searchd/engine"
)

// maxRemove bounds the members one maintenance script call trims.
const maxRemove = 5000

// Store is the Redis trending.Store.
type Store struct {
	c      *redis.Client
	cfg    trending.StoreConfig
	prefix string
	own    bool
	// The arguments every dedup and count script call starts with.
	dedupHead, countHead []any
}

// Options configure a Store.
type Options struct {
	// Prefix of every key (default "trending:"). Use "{trending}:" on a
	// Redis Cluster so every key shares a slot.
	Prefix string
	// CloseClient makes Close close the client too.
	CloseClient bool
}

// New returns a store on client c.
func New(c *redis.Client, cfg trending.StoreConfig, opt Options) (*Store, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if opt.Prefix == "" {
		opt.Prefix = "trending:"
	}
	s := &Store{c: c, cfg: cfg, prefix: opt.Prefix, own: opt.CloseClient}
	s.dedupHead = []any{s.prefix, fmtFloat(cfg.DedupWindow.Seconds()), secs(2*cfg.DedupWindow + time.Second)}
	s.countHead = []any{s.prefix, fmtFloat(cfg.LambdaShort()), fmtFloat(cfg.LambdaLong()),
		secs(3 * cfg.UsersWindow), cfg.MaxSurfaces, fmtFloat(trending.HardRescaleExponent)}
	return s, nil
}

// Config implements trending.Store.
func (s *Store) Config() trending.StoreConfig { return s.cfg }

func secs(d time.Duration) string { return strconv.FormatInt(int64(math.Ceil(d.Seconds())), 10) }

func fmtFloat(f float64) string { return strconv.FormatFloat(f, 'g', 17, 64) }

// maxDedupHits bounds one dedup script call (Lua's unpack takes a few
// thousand values at most).
const maxDedupHits = 1024

// Dedup implements trending.Store. Hits are grouped by dedup bucket (one
// group, or two at a bucket boundary) so the script hands each group's
// fields to HMGET as they are; a pair that repeats within the batch goes
// to a later round, after its earlier hit is decided. Usually one script
// call per maxDedupHits hits.
func (s *Store) Dedup(ctx context.Context, hits []trending.Hit) ([]bool, error) {
	ok := make([]bool, len(hits))
	fields := make([]string, len(hits))
	pending := make([]int, len(hits))
	for i, h := range hits {
		fields[i] = h.User + "\x00" + h.Key
		pending[i] = i
	}
	for len(pending) > 0 {
		// This round: the first hit of each pair still pending.
		var round, later []int
		seen := make(map[string]bool, len(pending))
		for _, i := range pending {
			if seen[fields[i]] || len(round) == maxDedupHits {
				later = append(later, i)
				continue
			}
			seen[fields[i]] = true
			round = append(round, i)
		}
		if err := s.dedupRound(ctx, hits, fields, round, ok); err != nil {
			return nil, err
		}
		pending = later
	}
	return ok, nil
}

// dedupRound decides hits[idx] (distinct pairs) in one script call.
func (s *Store) dedupRound(ctx context.Context, hits []trending.Hit, fields []string, idx []int, ok []bool) error {
	groups := map[int64][]int{}
	var buckets []int64
	for _, i := range idx {
		b := s.cfg.DedupBucket(hits[i].Time)
		if groups[b] == nil {
			buckets = append(buckets, b)
		}
		groups[b] = append(groups[b], i)
	}
	args := append(make([]any, 0, len(s.dedupHead)+2*len(buckets)+2*len(idx)), s.dedupHead...)
	order := make([]int, 0, len(idx))
	for _, b := range buckets {
		g := groups[b]
		args = append(args, b, len(g))
		for _, i := range g {
			args = append(args, fields[i])
		}
		for _, i := range g {
			args = append(args, strconv.FormatFloat(trending.Seconds(hits[i].Time), 'f', 3, 64))
		}
		order = append(order, g...)
	}
	res, err := dedupScript.Run(ctx, s.c, nil, args...).Text()
	if err != nil {
		return translate("deduplicate", err)
	}
	if len(res) != len(order) {
		return fmt.Errorf("redistrend: dedup answered %d decisions for %d hits", len(res), len(order))
	}
	for j, i := range order {
		ok[i] = res[j] == '1'
	}
	return nil
}

// Bounds of one count script call: a tally is split into parts of at most
// this many keywords and argument values, so no call runs long (Lua also
// limits unpack to a few thousand values).
const (
	maxPartKeys = 256
	maxPartArgs = 4096
	maxPFAdd    = 1024 // users per PFADD
)

// Count implements trending.Store: one script call per part of the tally
// (usually one).
func (s *Store) Count(ctx context.Context, t *trending.Tally) error {
	if t == nil || t.Hits == 0 {
		return nil
	}
	head := append(slices.Clip(s.countHead), fmtFloat(t.Ref))
	args := append(slices.Clip(head), fmtFloat(t.RecentTotal), fmtFloat(t.BaselineTotal))
	entries := 0
	for _, k := range t.Keys {
		for _, e := range countEntries(k) {
			if entries > 0 && (entries >= maxPartKeys || len(args)+len(e) > maxPartArgs) {
				if err := countScript.Run(ctx, s.c, nil, args...).Err(); err != nil {
					return translate("count", err)
				}
				args, entries = append(append(args[:0], head...), "0", "0"), 0
			}
			args = append(args, e...)
			entries++
		}
	}
	if err := countScript.Run(ctx, s.c, nil, args...).Err(); err != nil {
		return translate("count", err)
	}
	return nil
}

// countEntries encodes one keyword of a tally as count script entries:
// key, weights, users buckets (bucket, n, users...), display forms (form,
// hits). A keyword with more users than one part holds is split: the
// later entries add users only (zero weights, no forms).
func countEntries(k *trending.KeyTally) [][]any {
	type chunk struct {
		bucket int64
		users  []string
	}
	var chunks []chunk
	for b, set := range k.Users {
		us := slices.Collect(maps.Keys(set))
		for len(us) > 0 {
			n := min(len(us), maxPFAdd)
			chunks = append(chunks, chunk{b, us[:n]})
			us = us[n:]
		}
	}
	var out [][]any
	first := true
	for first || len(chunks) > 0 {
		e := []any{k.Key, "0", "0"}
		if first {
			e[1], e[2] = fmtFloat(k.Recent), fmtFloat(k.Baseline)
		}
		n, size := 0, 0
		for n < len(chunks) && (n == 0 || size+len(chunks[n].users) <= maxPartArgs/2) {
			size += len(chunks[n].users)
			n++
		}
		e = append(e, n)
		for _, c := range chunks[:n] {
			e = append(e, c.bucket, len(c.users))
			for _, u := range c.users {
				e = append(e, u)
			}
		}
		chunks = chunks[n:]
		if first {
			sc := k.SortedSurfaces()
			e = append(e, len(sc))
			for _, c := range sc {
				e = append(e, c.Surface, c.N)
			}
		} else {
			e = append(e, 0)
		}
		out = append(out, e)
		first = false
	}
	return out
}

// Pool implements trending.Store with one script call.
func (s *Store) Pool(ctx context.Context, now time.Time) (trending.Pool, error) {
	vals, err := poolScript.Run(ctx, s.c, nil, s.prefix).StringSlice()
	if err != nil {
		return trending.Pool{}, translate("read the pool", err)
	}
	if len(vals) < 3 || vals[0] == "" {
		return trending.Pool{}, nil
	}
	L, err := strconv.ParseFloat(vals[0], 64)
	if err != nil {
		return trending.Pool{}, fmt.Errorf("redistrend: bad landmark %q: %w", vals[0], err)
	}
	t := trending.Seconds(now)
	ds := math.Exp(-s.cfg.LambdaShort() * (t - L))
	dl := math.Exp(-s.cfg.LambdaLong() * (t - L))
	p := trending.Pool{RecentTotal: parse(vals[1]) * ds, BaselineTotal: parse(vals[2]) * dl}
	p.Entries = make([]trending.PoolEntry, 0, (len(vals)-3)/3)
	for i := 3; i+2 < len(vals); i += 3 {
		p.Entries = append(p.Entries, trending.PoolEntry{Key: vals[i], Recent: parse(vals[i+1]) * ds, Baseline: parse(vals[i+2]) * dl})
	}
	return p, nil
}

func parse(s string) float64 {
	f, _ := strconv.ParseFloat(s, 64)
	return f
}

// Users implements trending.Store: PFCOUNT over the current and previous
// bucket of each key, pipelined.
func (s *Store) Users(ctx context.Context, keys []string, now time.Time) ([]int64, error) {
	b := s.cfg.UsersBucket(now)
	cmds := make([]*redis.IntCmd, len(keys))
	_, err := s.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, k := range keys {
			cmds[i] = p.PFCount(ctx, s.usersKey(b, k), s.usersKey(b-1, k))
		}
		return nil
	})
	if err != nil {
		return nil, translate("count users", err)
	}
	out := make([]int64, len(keys))
	for i, c := range cmds {
		out[i] = c.Val()
	}
	return out, nil
}

func (s *Store) usersKey(b int64, k string) string {
	return s.prefix + "u:" + strconv.FormatInt(b, 10) + ":" + k
}

// Displays implements trending.Store: HGETALL per key, pipelined.
func (s *Store) Displays(ctx context.Context, keys []string) ([]string, error) {
	cmds := make([]*redis.MapStringStringCmd, len(keys))
	_, err := s.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, k := range keys {
			cmds[i] = p.HGetAll(ctx, s.prefix+"f:"+k)
		}
		return nil
	})
	if err != nil {
		return nil, translate("read display forms", err)
	}
	out := make([]string, len(keys))
	for i, c := range cmds {
		counts := make(map[string]int64, len(c.Val()))
		for f, v := range c.Val() {
			counts[f], _ = strconv.ParseInt(v, 10, 64)
		}
		out[i] = trending.MostFrequent(counts)
	}
	return out, nil
}

// Maintain implements trending.Store: rescale when due and trim, in script
// calls that each remove at most maxRemove members.
func (s *Store) Maintain(ctx context.Context, now time.Time) error {
	for range 1000 {
		over, err := maintainScript.Run(ctx, s.c, nil, s.prefix,
			fmtFloat(s.cfg.LambdaShort()), fmtFloat(s.cfg.LambdaLong()),
			fmtFloat(trending.Seconds(now)), fmtFloat(trending.RescaleExponent),
			s.cfg.PoolSize, s.cfg.BaselinePool(), maxRemove, s.cfg.DedupBucket(now)).Int()
		if err != nil {
			return translate("maintain", err)
		}
		if over == 0 {
			return nil
		}
	}
	return nil
}

// SaveSnapshot implements trending.Store.
func (s *Store) SaveSnapshot(ctx context.Context, snap []byte) error {
	return translate("save the snapshot", s.c.Set(ctx, s.prefix+"snap", snap, 0).Err())
}

// SaveBlocklist implements trending.Store.
func (s *Store) SaveBlocklist(ctx context.Context, b []byte) error {
	return translate("save the blocklist", s.c.Set(ctx, s.prefix+"block", b, 0).Err())
}

// LoadState implements trending.Store with one MGET.
func (s *Store) LoadState(ctx context.Context) ([]byte, []byte, error) {
	vals, err := s.c.MGet(ctx, s.prefix+"snap", s.prefix+"block").Result()
	if err != nil {
		return nil, nil, translate("read the snapshot", err)
	}
	return bytesOf(vals[0]), bytesOf(vals[1]), nil
}

func bytesOf(v any) []byte {
	if str, ok := v.(string); ok {
		return []byte(str)
	}
	return nil
}

// AcquireLeader implements trending.Store: SET NX PX, or PEXPIRE when the
// owner already holds the lock (one script).
func (s *Store) AcquireLeader(ctx context.Context, owner string, ttl time.Duration) (bool, error) {
	ok, err := redislock.Acquire(ctx, s.c, s.prefix+"leader", owner, ttl)
	return ok, translate("take the leader lock", err)
}

// ReleaseLeader implements trending.Store.
func (s *Store) ReleaseLeader(ctx context.Context, owner string) error {
	return translate("release the leader lock", redislock.Release(ctx, s.c, s.prefix+"leader", owner))
}

// Close implements trending.Store; it closes the client only when the
// store owns it.
func (s *Store) Close() error {
	if s.own {
		return s.c.Close()
	}
	return nil
}

// translate maps Redis errors to engine errors: context errors pass
// through, the rest is Unavailable.
func translate(what string, err error) error {
	if err == nil || errors.Is(err, redis.Nil) {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return fmt.Errorf("%w: %v", engine.Errorf(engine.Unavailable, "trending: redis could not %s", what), err)
}
