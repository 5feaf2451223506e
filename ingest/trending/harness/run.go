package harness

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/searchd/searchd/ingest/trending"
	"github.com/searchd/searchd/ingest/trending/trendingtest"
	"github.com/searchd/searchd/searchd/engine"
)

// Config is how the pipeline runs during a replay.
type Config struct {
	Store    trending.StoreConfig
	Rules    trending.Rules
	Interval time.Duration // snapshot interval in simulated time (default 30 s)
	Top      int           // size of the list compared (default 10)
}

func (c Config) withDefaults() Config {
	c.Store = c.Store.WithDefaults()
	c.Rules = c.Rules.WithDefaults()
	if c.Interval == 0 {
		c.Interval = 30 * time.Second
	}
	if c.Top == 0 {
		c.Top = 10
	}
	return c
}

// Snap is one snapshot time: the pipeline's and the exact model's top
// lists, with gates (Shown) and by score alone (Raw).
type Snap struct {
	At          time.Time
	Pipeline    []string
	Exact       []string
	RawPipeline []string
	RawExact    []string
	// Watched keys present in the pipeline's candidate pool.
	Watched []string
}

// Replay feeds events (sorted by time) through a Service on store at
// accelerated time: the clock follows the events, and a snapshot is
// computed every Interval of simulated time. The exact model sees the
// same events. watch names keys whose presence in the pool is recorded.
func Replay(ctx context.Context, cfg Config, store trending.Store, events []Event, watch map[string]bool) ([]Snap, error) {
	cfg = cfg.withDefaults()
	if len(events) == 0 {
		return nil, nil
	}
	clock := trendingtest.NewManualClock(events[0].T)
	reg := prometheus.NewRegistry()
	svc, err := trending.New(trending.Config{
		Clock: clock, Interval: cfg.Interval, Rules: cfg.Rules,
		Counter: trending.CounterConfig{Salt: trendingtest.Salt, QueueSize: 1 << 17},
	}, store, reg, nil)
	if err != nil {
		return nil, err
	}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { _ = svc.Counter.Run(rctx); close(done) }()
	defer func() { cancel(); <-done }()

	exact := NewExact(cfg.Store)
	var snaps []Snap
	next := events[0].T.Truncate(cfg.Interval).Add(cfg.Interval)
	snapshot := func(at time.Time) error {
		if err := svc.Flush(ctx); err != nil {
			return err
		}
		clock.Set(at)
		s, err := svc.Step(ctx)
		if err != nil {
			return err
		}
		sn := Snap{At: at, Exact: shown(exact.Evaluate(cfg.Rules, at), cfg.Top)}
		for _, it := range s.Top(cfg.Top).Items {
			sn.Pipeline = append(sn.Pipeline, it.Key)
		}
		pool, err := store.Pool(ctx, at)
		if err != nil {
			return err
		}
		sn.RawPipeline = rawTop(cfg, pool)
		sn.RawExact = rawTop(cfg, exact.Pool(at))
		for _, e := range pool.Entries {
			if watch[e.Key] {
				sn.Watched = append(sn.Watched, e.Key)
			}
		}
		snaps = append(snaps, sn)
		return nil
	}
	for _, ev := range events {
		for !ev.T.Before(next) {
			if err := snapshot(next); err != nil {
				return nil, err
			}
			next = next.Add(cfg.Interval)
		}
		clock.Set(ev.T)
		exact.Add(ev)
		svc.Publish(ctx, engine.SearchEvent{Time: ev.T, Query: ev.Query, Canonical: ev.Canonical, Total: 5, UserID: ev.User})
	}
	if err := snapshot(next); err != nil {
		return nil, err
	}
	mfs, err := reg.Gather()
	if err != nil {
		return nil, err
	}
	for _, mf := range mfs {
		if mf.GetName() != "searchd_trending_dropped_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			if v := m.GetCounter().GetValue(); v > 0 {
				return nil, fmt.Errorf("harness: the pipeline dropped %v events (%s): results would be wrong", v, m.GetLabel()[0].GetValue())
			}
		}
	}
	return snaps, nil
}

func shown(cands []trending.Candidate, n int) []string {
	var out []string
	for _, c := range cands {
		if c.Shown && len(out) < n {
			out = append(out, c.Key)
		}
	}
	return out
}

// rawTop is the top list by score alone (no gates), for comparing the
// store's counts with the exact ones.
func rawTop(cfg Config, p trending.Pool) []string {
	type ks struct {
		k string
		s float64
	}
	all := make([]ks, 0, len(p.Entries))
	for _, e := range p.Entries {
		_, s := cfg.Rules.Score(e.Recent, cfg.Rules.Expected(p, e, cfg.Store))
		all = append(all, ks{e.Key, s})
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].s != all[j].s {
			return all[i].s > all[j].s
		}
		return all[i].k < all[j].k
	})
	out := make([]string, 0, cfg.Top)
	for i := 0; i < len(all) && i < cfg.Top; i++ {
		out = append(out, all[i].k)
	}
	return out
}

// Agreement is the mean over snapshots of |A∩B| / max(|A|,|B|), skipping
// snapshots where both lists are empty; it returns the mean and how many
// snapshots counted.
func Agreement(snaps []Snap, raw bool) (float64, int) {
	sum, n := 0.0, 0
	for _, s := range snaps {
		a, b := s.Pipeline, s.Exact
		if raw {
			a, b = s.RawPipeline, s.RawExact
		}
		if len(a) == 0 && len(b) == 0 {
			continue
		}
		in := map[string]bool{}
		for _, k := range a {
			in[k] = true
		}
		common := 0
		for _, k := range b {
			if in[k] {
				common++
			}
		}
		sum += float64(common) / float64(max(len(a), len(b)))
		n++
	}
	if n == 0 {
		return 1, 0
	}
	return sum / float64(n), n
}

// Detection is one burst's outcome.
type Detection struct {
	Key      string
	Onset    time.Time
	Latency  time.Duration // from onset to the first snapshot listing it
	Detected bool          // within the burst
}

// Detect finds, for each (key, onset, duration), the first snapshot in
// [onset, onset+within) whose pipeline list contains the key.
func Detect(snaps []Snap, key string, onset time.Time, within time.Duration) Detection {
	d := Detection{Key: key, Onset: onset}
	for _, s := range snaps {
		if s.At.Before(onset) || !s.At.Before(onset.Add(within)) {
			continue
		}
		for _, k := range s.Pipeline {
			if k == key {
				d.Latency, d.Detected = s.At.Sub(onset), true
				return d
			}
		}
	}
	return d
}

// Entries counts how often a key enters the pipeline list (absent in the
// previous snapshot, present now), for keys allowed(key, at) rejects.
func Entries(snaps []Snap, allowed func(key string, at time.Time) bool) (int, []string) {
	prev := map[string]bool{}
	n := 0
	var which []string
	for _, s := range snaps {
		cur := map[string]bool{}
		for _, k := range s.Pipeline {
			cur[k] = true
			if !prev[k] && !allowed(k, s.At) {
				n++
				which = append(which, fmt.Sprintf("%s@%s", k, s.At.Format("15:04:05")))
			}
		}
		prev = cur
	}
	return n, which
}

// Ever reports whether key was ever in the pipeline list.
func Ever(snaps []Snap, key string) bool {
	for _, s := range snaps {
		for _, k := range s.Pipeline {
			if k == key {
				return true
			}
		}
	}
	return false
}
