package trending_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/searchd/searchd/ingest/trending"
	"github.com/searchd/searchd/ingest/trending/trendingtest"
)

func TestTallyAggregatesPerKeyword(t *testing.T) {
	cfg := trending.StoreConfig{}.WithDefaults()
	tl := trending.NewTally(cfg)
	at := func(s float64) time.Time { return trendingtest.Start.Add(time.Duration(s * float64(time.Second))) }
	for _, h := range []trending.Hit{
		{Key: "캠핑", Surface: "캠핑", User: "u1", Time: at(0)},
		{Key: "캠핑", Surface: "캠핑 ", User: "u2", Time: at(60)},
		{Key: "캠핑", Surface: "캠핑", User: "u1", Time: at(120)},
		{Key: "낚시", Surface: "낚시", User: "u1", Time: at(30)},
	} {
		if !tl.Fits(trending.Seconds(h.Time)) {
			t.Fatalf("a hit %v after the first does not fit", h.Time.Sub(at(0)))
		}
		tl.Add(h)
	}
	if len(tl.Keys) != 2 || tl.Keys[0].Key != "캠핑" || tl.Hits != 4 {
		t.Fatalf("keys %+v, hits %d", tl.Keys, tl.Hits)
	}
	// Weights are exp(λ(t − Ref)) with Ref the first hit: 1 + 2^(60/120) + 2^(120/120).
	k := tl.Keys[0]
	if want := 1 + math.Sqrt2 + 2; math.Abs(k.Recent-want) > 1e-12 {
		t.Fatalf("recent weight %v, want %v", k.Recent, want)
	}
	if want := 1 + math.Exp2(60.0/7200) + math.Exp2(120.0/7200); math.Abs(k.Baseline-want) > 1e-12 {
		t.Fatalf("baseline weight %v, want %v", k.Baseline, want)
	}
	if want := k.Recent + math.Exp2(30.0/120); math.Abs(tl.RecentTotal-want) > 1e-12 {
		t.Fatalf("recent total %v, want %v", tl.RecentTotal, want)
	}
	b := cfg.UsersBucket(at(0))
	if us := k.Users[b]; len(k.Users) != 1 || len(us) != 2 {
		t.Fatalf("users %v: each user once per bucket", k.Users)
	}
	if s := k.SortedSurfaces(); len(s) != 2 || s[0] != (trending.SurfaceCount{Surface: "캠핑", N: 2}) {
		t.Fatalf("surfaces %+v, want the most used first", s)
	}
	// A hit about 20 short half-life e-foldings away does not fit.
	if tl.Fits(trending.Seconds(at(3 * 3600))) {
		t.Fatal("a hit three hours later fits the tally")
	}
}

// CountHits over hits further apart than one tally may span counts every
// hit with its exact decayed weight.
func TestCountHitsAcrossTallies(t *testing.T) {
	store, err := trending.NewMemoryStore(trending.StoreConfig{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var hits []trending.Hit
	for i := range 6 {
		hits = append(hits, trending.Hit{Key: "등산", Surface: "등산", User: "u", Time: trendingtest.Start.Add(time.Duration(i) * time.Hour)})
	}
	n, err := trending.CountHits(context.Background(), store, hits)
	if err != nil || n != 6 {
		t.Fatalf("counted %d (%v), want 6", n, err)
	}
	now := trendingtest.Start.Add(5 * time.Hour)
	p, err := store.Pool(context.Background(), now)
	if err != nil {
		t.Fatal(err)
	}
	want := 0.0
	for i := range 6 {
		want += math.Exp2(-float64(5-i) * 3600 / 7200)
	}
	if len(p.Entries) != 1 || math.Abs(p.Entries[0].Baseline-want) > 1e-9*want {
		t.Fatalf("pool %+v, want baseline %v", p.Entries, want)
	}
}
