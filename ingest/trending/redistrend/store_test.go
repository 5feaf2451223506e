package redistrend_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/searchd/searchd/ingest/trending"
	"github.com/searchd/searchd/ingest/trending/redistrend"
	"github.com/searchd/searchd/ingest/trending/trendingtest"
	"github.com/searchd/searchd/internal/testenv"
)

// redisBackend starts a real redis-server per test; every connection is a
// new client, as separate searchd instances would have.
func redisBackend(tb testing.TB, cfg trending.StoreConfig, _ trending.Clock) func() trending.Store {
	srv := testenv.StartRedis(tb)
	return func() trending.Store {
		s, err := redistrend.New(redis.NewClient(&redis.Options{Addr: srv.Addr}), cfg, redistrend.Options{CloseClient: true})
		if err != nil {
			tb.Fatal(err)
		}
		return s
	}
}

func TestRedisStore(t *testing.T) {
	trendingtest.StoreSuite(t, redisBackend)
}

// TestMaintainUnlinksOldDedupBuckets: dedup state is one hash per dedup
// window; maintenance frees the ones no longer read (older than the
// previous window) instead of waiting for Redis expiry, and dedup still
// holds across the bucket boundary it reads.
func TestMaintainUnlinksOldDedupBuckets(t *testing.T) {
	srv := testenv.StartRedis(t)
	c := srv.Client(t)
	ctx := context.Background()
	store, err := redistrend.New(c, trending.StoreConfig{}, redistrend.Options{Prefix: "t:"})
	if err != nil {
		t.Fatal(err)
	}
	win := store.Config().DedupWindow
	start := time.Unix(0, 0).Add(1000 * win) // bucket 1000 starts here
	hit := func(at time.Duration) trending.Hit {
		return trending.Hit{Key: "캠핑", Surface: "캠핑", User: "u1", Time: start.Add(at)}
	}
	for _, tc := range []struct {
		at   time.Duration
		want bool
	}{{win - time.Second, true}, {win + time.Second, false}, {2*win - time.Second, true}} {
		ok, err := store.Dedup(ctx, []trending.Hit{hit(tc.at)})
		if err != nil || ok[0] != tc.want {
			t.Fatalf("hit at %v counted=%v (%v), want %v", tc.at, ok, err, tc.want)
		}
	}
	if n, _ := c.Exists(ctx, "t:d:1000", "t:d:1001").Result(); n != 2 {
		t.Fatalf("%d dedup buckets exist, want 2", n)
	}
	if err := store.Maintain(ctx, start.Add(2*win+time.Second)); err != nil {
		t.Fatal(err)
	}
	if n, _ := c.Exists(ctx, "t:d:1000").Result(); n != 0 {
		t.Fatal("maintenance kept a dedup bucket two windows old")
	}
	if n, _ := c.Exists(ctx, "t:d:1001").Result(); n != 1 {
		t.Fatal("maintenance removed the previous dedup bucket, which is still read")
	}
}

// A keyword with more users in one tally than one count script call takes
// is written in several calls: every user and the weight count once.
func TestCountSplitsAKeywordWithManyUsers(t *testing.T) {
	srv := testenv.StartRedis(t)
	c := srv.Client(t)
	ctx := context.Background()
	store, err := redistrend.New(c, trending.StoreConfig{}, redistrend.Options{})
	if err != nil {
		t.Fatal(err)
	}
	const users = 10_000
	tally := trending.NewTally(store.Config())
	for i := range users {
		tally.Add(trending.Hit{Key: "벚꽃", Surface: "벚꽃", User: fmt.Sprintf("u%d", i), Time: trendingtest.Start})
	}
	tally.Add(trending.Hit{Key: "단풍", Surface: "단풍", User: "u1", Time: trendingtest.Start})
	c.ConfigResetStat(ctx)
	if err := store.Count(ctx, tally); err != nil {
		t.Fatal(err)
	}
	stats, _ := c.Info(ctx, "commandstats").Result()
	calls := 0
	for _, line := range strings.Split(stats, "\r\n") {
		if rest, ok := strings.CutPrefix(line, "cmdstat_eval"); ok {
			_, v, _ := strings.Cut(rest, "calls=")
			n, _ := strconv.Atoi(strings.Split(v, ",")[0])
			calls += n
		}
	}
	if calls < 3 {
		t.Fatalf("the tally was written in %d script calls; a keyword with %d users must be split", calls, users)
	}
	n, err := store.Users(ctx, []string{"벚꽃", "단풍"}, trendingtest.Start)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(float64(n[0]-users)) > 0.02*users || n[1] != 1 {
		t.Fatalf("distinct users %v, want about %d and 1", n, users)
	}
	p, err := store.Pool(ctx, trendingtest.Start)
	if err != nil {
		t.Fatal(err)
	}
	recent := map[string]float64{}
	for _, e := range p.Entries {
		recent[e.Key] = e.Recent
	}
	if math.Abs(recent["벚꽃"]-users) > 1e-6 || math.Abs(recent["단풍"]-1) > 1e-9 {
		t.Fatalf("recent counts %v, want 벚꽃 %d and 단풍 1", recent, users)
	}
	if d, err := store.Displays(ctx, []string{"벚꽃"}); err != nil || d[0] != "벚꽃" {
		t.Fatalf("display %v (%v)", d, err)
	}
}

// The Redis dedup decides exactly as the in-process store, hit by hit, on
// random streams with repeats inside a batch and across dedup buckets.
func TestDedupMatchesMemoryStore(t *testing.T) {
	srv := testenv.StartRedis(t)
	c := srv.Client(t)
	ctx := context.Background()
	r := rand.New(rand.NewPCG(5, 6))
	for trial := range 5 {
		rs, err := redistrend.New(c, trending.StoreConfig{}, redistrend.Options{Prefix: fmt.Sprintf("t%d:", trial)})
		if err != nil {
			t.Fatal(err)
		}
		ms, err := trending.NewMemoryStore(trending.StoreConfig{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		at := trendingtest.Start
		var hits []trending.Hit
		for range 3000 {
			at = at.Add(time.Duration(r.IntN(2000)) * time.Millisecond)
			hits = append(hits, trending.Hit{Key: fmt.Sprintf("k%d", r.IntN(5)), User: fmt.Sprintf("u%d", r.IntN(8)), Time: at})
		}
		for len(hits) > 0 {
			n := min(len(hits), 1+r.IntN(1500))
			got, err := rs.Dedup(ctx, hits[:n])
			if err != nil {
				t.Fatal(err)
			}
			want, _ := ms.Dedup(ctx, hits[:n])
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("trial %d: hit %+v counted=%v in Redis, %v in memory", trial, hits[i], got[i], want[i])
				}
			}
			hits = hits[n:]
		}
	}
}
