package harness

import (
	"math"
	"time"

	"github.com/searchd/searchd/ingest/trending"
)

func keyOf(canonical string) string { return trending.Key(canonical) }

// Exact is the offline computation of the same score: exact sliding dedup,
// exact forward-decayed counts in float64 without any pool trimming or
// rescaling, exact distinct-user sets. It sees the raw stream, in order.
type Exact struct {
	cfg      trending.StoreConfig
	ls, ll   float64
	counts   map[string]*decayed
	total    decayed
	dedup    map[[2]string]float64
	users    map[int64]map[string]map[string]struct{}
	maxRunes int
}

// decayed holds exact decayed counts as of time t.
type decayed struct{ s, l, t float64 }

func (d *decayed) at(t, ls, ll float64) (float64, float64) {
	return d.s * math.Exp(-ls*(t-d.t)), d.l * math.Exp(-ll*(t-d.t))
}

func (d *decayed) add(t, ls, ll float64) {
	d.s, d.l = d.at(t, ls, ll)
	d.s, d.l, d.t = d.s+1, d.l+1, t
}

// NewExact returns an empty exact model of cfg.
func NewExact(cfg trending.StoreConfig) *Exact {
	cfg = cfg.WithDefaults()
	return &Exact{cfg: cfg, ls: cfg.LambdaShort(), ll: cfg.LambdaLong(), counts: map[string]*decayed{},
		dedup: map[[2]string]float64{}, users: map[int64]map[string]map[string]struct{}{}, maxRunes: 30}
}

// Add counts one event with the pipeline's rules (the harness streams
// carry no zero-result searches).
func (x *Exact) Add(ev Event) {
	k := keyOf(ev.Canonical)
	if trending.Noise(k, x.maxRunes) != "" {
		return
	}
	t := trending.Seconds(ev.T)
	dk := [2]string{ev.User, k}
	if last, ok := x.dedup[dk]; ok && t-last < x.cfg.DedupWindow.Seconds() {
		return
	}
	x.dedup[dk] = t
	c := x.counts[k]
	if c == nil {
		c = &decayed{t: t}
		x.counts[k] = c
	}
	c.add(t, x.ls, x.ll)
	x.total.add(t, x.ls, x.ll)
	b := x.cfg.UsersBucket(ev.T)
	if x.users[b] == nil {
		x.users[b] = map[string]map[string]struct{}{}
		delete(x.users, b-3)
	}
	if x.users[b][k] == nil {
		x.users[b][k] = map[string]struct{}{}
	}
	x.users[b][k][ev.User] = struct{}{}
}

// Pool returns every key ever counted with its exact decayed counts at now.
func (x *Exact) Pool(now time.Time) trending.Pool {
	t := trending.Seconds(now)
	var p trending.Pool
	p.RecentTotal, p.BaselineTotal = x.total.at(t, x.ls, x.ll)
	for k, c := range x.counts {
		s, l := c.at(t, x.ls, x.ll)
		p.Entries = append(p.Entries, trending.PoolEntry{Key: k, Recent: s, Baseline: l})
	}
	return p
}

// Users counts distinct users of keys in the current and previous bucket.
func (x *Exact) Users(keys []string, now time.Time) []int64 {
	b := x.cfg.UsersBucket(now)
	out := make([]int64, len(keys))
	for i, k := range keys {
		n := len(x.users[b][k])
		for u := range x.users[b-1][k] {
			if _, ok := x.users[b][k][u]; !ok {
				n++
			}
		}
		out[i] = int64(n)
	}
	return out
}

// Evaluate ranks the exact pool at now with rules.
func (x *Exact) Evaluate(rules trending.Rules, now time.Time) []trending.Candidate {
	cands, _ := rules.Evaluate(x.cfg, x.Pool(now), nil, func(keys []string) ([]int64, error) {
		return x.Users(keys, now), nil
	}, false)
	return cands
}
