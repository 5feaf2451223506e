package redistrend_test

import (
	"cmp"
	"context"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/searchd/searchd/ingest/trending"
	"github.com/searchd/searchd/ingest/trending/redistrend"
	"github.com/searchd/searchd/ingest/trending/trendingtest"
	"github.com/searchd/searchd/internal/testenv"
	"github.com/searchd/searchd/searchd/engine"
)

// zipfEvents returns n search events: keywords Zipf-distributed over
// vocab terms (s = 1.1), users uniform over a million, one second of
// simulated time per 50,000 events.
func zipfEvents(n, vocab int, start time.Time) []engine.SearchEvent {
	r := rand.New(rand.NewPCG(7, 8))
	z := rand.NewZipf(r, 1.1, 1, uint64(vocab-1))
	out := make([]engine.SearchEvent, n)
	for i := range out {
		q := fmt.Sprintf("검색어 %d", z.Uint64())
		out[i] = engine.SearchEvent{
			Time: start.Add(time.Duration(i) * 20 * time.Microsecond), Query: q, Canonical: q, Total: 5,
			UserID: strconv.Itoa(r.IntN(1_000_000)),
		}
	}
	return out
}

// redisBenchmarkZincrby runs redis-benchmark's pipelined ZINCRBY (-P 16)
// against addr and returns its requests per second.
func redisBenchmarkZincrby(b *testing.B, addr string, n int) float64 {
	b.Helper()
	bin, err := exec.LookPath("redis-benchmark")
	if err != nil {
		b.Skip("redis-benchmark is not installed (redis-tools)")
	}
	host, port, _ := strings.Cut(addr, ":")
	out, err := exec.Command(bin, "-h", host, "-p", port, "-P", "16", "-n", strconv.Itoa(n),
		"-r", "100000", "--csv", "ZINCRBY", "rb:zset", "1", "__rand_int__").Output()
	if err != nil {
		b.Fatalf("redis-benchmark: %v", err)
	}
	recs, err := csv.NewReader(strings.NewReader(string(out))).ReadAll()
	if err != nil || len(recs) < 2 {
		b.Fatalf("redis-benchmark output %q: %v", out, err)
	}
	rps, err := strconv.ParseFloat(recs[len(recs)-1][1], 64)
	if err != nil {
		b.Fatal(err)
	}
	return rps
}

// BenchmarkCountThroughput publishes realistic events through the Counter
// into a real Redis and reports events/s, side by side with redis-benchmark
// pipelined ZINCRBY on the same server in the same run.
func BenchmarkCountThroughput(b *testing.B) {
	srv := testenv.StartRedis(b)
	ctx := context.Background()
	// redis-benchmark runs before and after; its mean is the reference.
	zincrby := redisBenchmarkZincrby(b, srv.Addr, 300_000)
	const n = 200_000
	evs := zipfEvents(n, 20_000, trendingtest.Start)
	c := srv.Client(b)
	b.ResetTimer()
	var elapsed time.Duration
	var redisMicros float64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		c.FlushAll(ctx)
		c.ConfigResetStat(ctx)
		store, err := redistrend.New(c, trending.StoreConfig{}, redistrend.Options{})
		if err != nil {
			b.Fatal(err)
		}
		clock := trendingtest.NewManualClock(trendingtest.Start.Add(time.Hour))
		svc, err := trending.New(trending.Config{Clock: clock, Counter: trending.CounterConfig{Salt: trendingtest.Salt, QueueSize: n, BatchSize: benchBatch()}}, store, nil, nil)
		if err != nil {
			b.Fatal(err)
		}
		rctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { _ = svc.Counter.Run(rctx); close(done) }()
		b.StartTimer()
		t0 := time.Now()
		// Search handlers publish from many goroutines.
		var wg sync.WaitGroup
		const publishers = 8
		for g := range publishers {
			wg.Go(func() {
				for j := g; j < len(evs); j += publishers {
					svc.Publish(ctx, evs[j])
				}
			})
		}
		wg.Wait()
		if err := svc.Flush(ctx); err != nil {
			b.Fatal(err)
		}
		elapsed += time.Since(t0)
		b.StopTimer()
		redisMicros += evalshaMicros(b, c)
		cancel()
		<-done
		b.StartTimer()
	}
	if testing.Verbose() {
		info, _ := c.Info(ctx, "cpu").Result()
		b.Logf("elapsed %v, redis %s", elapsed, info)
	}
	zincrby = (zincrby + redisBenchmarkZincrby(b, srv.Addr, 300_000)) / 2
	eps := float64(n*b.N) / elapsed.Seconds()
	b.ReportMetric(redisMicros/float64(n*b.N), "redis_µs/event")
	b.ReportMetric(eps, "events/s")
	b.ReportMetric(zincrby, "zincrby_P16_ops/s")
	b.ReportMetric(eps/zincrby, "ratio")
}

// evalshaMicros is the Redis CPU time spent in the counting script since
// the last CONFIG RESETSTAT, from INFO commandstats.
func evalshaMicros(b *testing.B, c *redis.Client) float64 {
	info, err := c.Info(context.Background(), "commandstats").Result()
	if err != nil {
		b.Fatal(err)
	}
	total := 0.0
	for _, line := range strings.Split(info, "\r\n") {
		if !strings.HasPrefix(line, "cmdstat_evalsha:") && !strings.HasPrefix(line, "cmdstat_eval:") {
			continue
		}
		for _, f := range strings.Split(strings.SplitN(line, ":", 2)[1], ",") {
			if v, ok := strings.CutPrefix(f, "usec="); ok {
				u, _ := strconv.ParseFloat(v, 64)
				total += u
			}
		}
	}
	return total
}

// zipfHits returns n hits on a Zipf-distributed vocabulary from users
// uniform over a million, 20 µs apart (50,000 searches a second).
func zipfHits(r *rand.Rand, z *rand.Zipf, t *time.Time, n int) []trending.Hit {
	hits := make([]trending.Hit, n)
	for j := range hits {
		*t = t.Add(20 * time.Microsecond)
		k := fmt.Sprintf("검색어%d", z.Uint64())
		hits[j] = trending.Hit{Key: k, Surface: k, User: strconv.Itoa(r.IntN(1_000_000)), Time: *t}
	}
	return hits
}

// BenchmarkDedupBatch times one dedup script call (DefaultBatchSize hits,
// or SEARCHD_TRENDING_BATCH), one of the two Redis commands on the hot
// path, and reports p50/p99.
func BenchmarkDedupBatch(b *testing.B) {
	store, _ := benchStore(b)
	ctx := context.Background()
	r := rand.New(rand.NewPCG(1, 1))
	z := rand.NewZipf(r, 1.1, 1, 19_999)
	t := trendingtest.Start
	durs := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		batch := zipfHits(r, z, &t, cmp.Or(benchBatch(), trending.DefaultBatchSize))
		b.StartTimer()
		t0 := time.Now()
		if _, err := store.Dedup(ctx, batch); err != nil {
			b.Fatal(err)
		}
		durs = append(durs, time.Since(t0))
	}
	reportPercentiles(b, durs)
}

// BenchmarkCountTally times writing the largest tally the counter writes
// (256 keywords, as many hits as a Zipf stream takes to reach them), the
// other Redis command on the hot path, and reports p50/p99.
func BenchmarkCountTally(b *testing.B) {
	store, _ := benchStore(b)
	ctx := context.Background()
	r := rand.New(rand.NewPCG(2, 2))
	z := rand.NewZipf(r, 1.1, 1, 19_999)
	t := trendingtest.Start
	durs := make([]time.Duration, 0, b.N)
	hits := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		tally := trending.NewTally(store.Config())
		for len(tally.Keys) < 256 {
			tally.Add(zipfHits(r, z, &t, 1)[0])
		}
		hits += tally.Hits
		b.StartTimer()
		t0 := time.Now()
		if err := store.Count(ctx, tally); err != nil {
			b.Fatal(err)
		}
		durs = append(durs, time.Since(t0))
	}
	reportPercentiles(b, durs)
	b.ReportMetric(float64(hits)/float64(b.N), "hits/tally")
}

// benchStore starts a real Redis and returns a store on it.
func benchStore(b *testing.B) (*redistrend.Store, *redis.Client) {
	b.Helper()
	srv := testenv.StartRedis(b)
	c := srv.Client(b)
	store, err := redistrend.New(c, trending.StoreConfig{}, redistrend.Options{})
	if err != nil {
		b.Fatal(err)
	}
	return store, c
}

func reportPercentiles(b *testing.B, durs []time.Duration) {
	sort.Slice(durs, func(i, j int) bool { return durs[i] < durs[j] })
	pct := func(p float64) float64 {
		return float64(durs[min(len(durs)-1, int(p*float64(len(durs))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50_ms")
	b.ReportMetric(pct(0.99), "p99_ms")
}

// fullPool fills a store with PoolSize keywords, each rising from its own
// users, and returns a service on it at the end of the simulated hour.
func fullPool(b *testing.B) (*trending.Service, *trendingtest.ManualClock) {
	b.Helper()
	store, _ := benchStore(b)
	clock := trendingtest.NewManualClock(trendingtest.Start)
	svc, err := trending.New(trending.Config{Clock: clock, Counter: trending.CounterConfig{Salt: trendingtest.Salt}}, store, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	// Every keyword of a full pool has a baseline over 40 minutes; in the
	// last minute the first 50 of them rise, each from 30 new users.
	pool := store.Config().PoolSize
	var hits []trending.Hit
	for k := range pool {
		for u := range 5 + k%40 {
			hits = append(hits, trending.Hit{Key: fmt.Sprintf("키워드%d", k), Surface: fmt.Sprintf("키워드 %d", k),
				User: fmt.Sprintf("u%d", u), Time: trendingtest.Start.Add(time.Duration(u) * time.Minute)})
		}
	}
	for k := range 50 {
		for u := range 30 {
			hits = append(hits, trending.Hit{Key: fmt.Sprintf("키워드%d", k), Surface: fmt.Sprintf("키워드 %d", k),
				User: fmt.Sprintf("new%d", u), Time: trendingtest.Start.Add(40*time.Minute + time.Duration(u)*time.Second)})
		}
	}
	for i := 0; i < len(hits); i += 256 {
		if _, err := trending.CountHits(ctx, store, hits[i:min(i+256, len(hits))]); err != nil {
			b.Fatal(err)
		}
	}
	clock.Set(trendingtest.Start.Add(41 * time.Minute))
	if p, err := store.Pool(ctx, clock.Now()); err != nil || len(p.Entries) != pool {
		b.Fatalf("pool has %d entries (%v), want %d", len(p.Entries), err, pool)
	}
	return svc, clock
}

// BenchmarkSnapshotCompute times one snapshot computation (maintain, pool
// read, scoring, users and display forms, store) with a full pool.
func BenchmarkSnapshotCompute(b *testing.B) {
	svc, _ := fullPool(b)
	ctx := context.Background()
	durs := make([]time.Duration, 0, b.N)
	var shown int
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		s, err := svc.Step(ctx)
		if err != nil {
			b.Fatal(err)
		}
		durs = append(durs, time.Since(t0))
		shown = len(s.Items)
	}
	reportPercentiles(b, durs)
	b.ReportMetric(float64(shown), "shown")
}

// BenchmarkSnapshotRead times Service.Snapshot (one MGET, decode, blocklist
// filter) with a full snapshot and a blocklist.
func BenchmarkSnapshotRead(b *testing.B) {
	svc, _ := fullPool(b)
	ctx := context.Background()
	if _, err := svc.SetBlocklist(ctx, trending.Blocklist{Exact: []string{"키워드1"}, Patterns: []string{"*광고*"}}); err != nil {
		b.Fatal(err)
	}
	if s, err := svc.Step(ctx); err != nil || len(s.Items) == 0 {
		b.Fatalf("no snapshot to read: %v", err)
	}
	durs := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if _, err := svc.Snapshot(ctx); err != nil {
			b.Fatal(err)
		}
		durs = append(durs, time.Since(t0))
	}
	reportPercentiles(b, durs)
}

// benchBatch is the counter's batch size in the throughput benchmark
// (SEARCHD_TRENDING_BATCH, default the counter's default).
func benchBatch() int {
	n, _ := strconv.Atoi(os.Getenv("SEARCHD_TRENDING_BATCH"))
	return n
}

// BenchmarkZUnionStoreBuckets measures the alternative design: per-minute
// bucket sorted sets merged with ZUNIONSTORE into a one-hour window (60
// buckets of 5,000 keywords each). The command blocks Redis while it runs;
// compare its p99 with the 10 ms hot-path budget and with BenchmarkDedupBatch
// and BenchmarkCountTally.
func BenchmarkZUnionStoreBuckets(b *testing.B) {
	srv := testenv.StartRedis(b)
	ctx := context.Background()
	c := srv.Client(b)
	r := rand.New(rand.NewPCG(3, 3))
	z := rand.NewZipf(r, 1.1, 1, 49_999)
	keys := make([]string, 60)
	for i := range keys {
		keys[i] = fmt.Sprintf("bucket:%d", i)
		members := make([]redis.Z, 0, 5000)
		seen := map[uint64]bool{}
		for len(members) < 5000 {
			k := z.Uint64()
			if seen[k] {
				k = uint64(r.IntN(50_000))
			}
			if seen[k] {
				continue
			}
			seen[k] = true
			members = append(members, redis.Z{Score: float64(1 + r.IntN(20)), Member: fmt.Sprintf("검색어%d", k)})
		}
		if err := c.ZAdd(ctx, keys[i], members...).Err(); err != nil {
			b.Fatal(err)
		}
	}
	durs := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if err := c.ZUnionStore(ctx, "window", &redis.ZStore{Keys: keys}).Err(); err != nil {
			b.Fatal(err)
		}
		durs = append(durs, time.Since(t0))
	}
	reportPercentiles(b, durs)
}
