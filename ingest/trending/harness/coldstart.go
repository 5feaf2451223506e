package harness

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/searchd/searchd/ingest/trending"
)

// ColdFigures are the fresh-start results: every trial is a new, empty
// store fed background traffic (and the spammer) from its first second,
// with one burst of a new keyword in its first minutes.
type ColdFigures struct {
	Trials     int
	MeanRate   float64 // background searches per second
	Detected   int     // bursts listed within 60 s after their last search
	LatencyP50 time.Duration
	// FalseEntries are entries of other keywords, all trials.
	FalseEntries  int
	FalseList     []string
	SpammerListed bool
	// Missed describes the bursts not listed: users@onset after the start.
	Missed []string
}

func (f ColdFigures) String() string {
	return fmt.Sprintf("fresh start at %.1f searches/s: %d of %d bursts (10–40 users within 30 s, in the first 5 min) listed within 60 s of their end (latency from onset p50 %v); %d entries of other keywords %v; spammer listed: %v; missed (users@onset) %v\n",
		f.MeanRate, f.Detected, f.Trials, f.LatencyP50, f.FalseEntries, f.FalseList, f.SpammerListed, f.Missed)
}

// RunColdStart replays trials fresh starts: background at meanRate (the
// synthetic Zipf stream with its spammer) for 10 minutes, and at a random
// time in the first 5 minutes 10 to 40 new users search a new keyword
// within 30 s.
func RunColdStart(ctx context.Context, cfg Config, newStore func() trending.Store, seed uint64, trials int, meanRate float64) (ColdFigures, error) {
	f := ColdFigures{Trials: trials, MeanRate: meanRate}
	r := rand.New(rand.NewPCG(seed, seed+1))
	var lat []time.Duration
	for i := range trials {
		sc := DefaultSynth(seed+uint64(i), 10*time.Minute, false)
		sc.MeanRate = meanRate
		evs, _ := Synthetic(sc)
		term := fmt.Sprintf("새 소식 %d", i)
		onset := sc.Start.Add(time.Duration(r.Float64() * float64(5*time.Minute)))
		users := 10 + r.IntN(31)
		var end time.Time
		for u := range users {
			t := onset.Add(time.Duration(r.Float64() * float64(30*time.Second)))
			end = maxTime(end, t)
			evs = append(evs, Event{T: t, Query: term, Canonical: term, User: fmt.Sprintf("cold%d-%d", i, u)})
		}
		sort.SliceStable(evs, func(a, b int) bool { return evs[a].T.Before(evs[b].T) })
		snaps, err := Replay(ctx, cfg, newStore(), evs, nil)
		if err != nil {
			return f, err
		}
		key := keyOf(term)
		if d := Detect(snaps, key, onset, end.Sub(onset)+time.Minute); d.Detected {
			f.Detected++
			lat = append(lat, d.Latency)
		} else {
			f.Missed = append(f.Missed, fmt.Sprintf("%d@%v", users, onset.Sub(sc.Start).Round(time.Second)))
		}
		n, which := Entries(snaps, func(k string, _ time.Time) bool { return k == key })
		f.FalseEntries += n
		for _, w := range which {
			f.FalseList = append(f.FalseList, fmt.Sprintf("t%d:%s", i, w))
		}
		f.SpammerListed = f.SpammerListed || Ever(snaps, keyOf(sc.SpamQuery))
	}
	if len(f.FalseList) > 10 {
		f.FalseList = append(f.FalseList[:10], fmt.Sprintf("… %d more", len(f.FalseList)-10))
	}
	f.LatencyP50 = pct(lat, 0.5)
	return f, nil
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
