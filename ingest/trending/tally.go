package trending

import (
	"cmp"
	"context"
	"math"
	"slices"
)

// maxTallySpan bounds λ_short·|t − Ref| inside one tally, so its weights
// stay far from overflow (exp(20) ≈ 5e8) whatever the event times.
const maxTallySpan = 20.0

// Tally aggregates counted hits per keyword before they are written, so a
// store does one update per keyword and tally instead of one per hit (see
// Counter). Weights are forward-decayed against the tally's own reference
// time Ref: a hit at t adds exp(λ·(t − Ref)); the store multiplies by
// exp(λ·(Ref − L)) for its landmark L, which gives exactly the per-hit
// weight exp(λ·(t − L)).
type Tally struct {
	ls, ll float64
	cfg    StoreConfig

	// Ref is the reference time (Unix seconds) of the weights; it is the
	// time of the first hit.
	Ref float64
	// RecentTotal and BaselineTotal are the sums of every hit's short and
	// long weights.
	RecentTotal, BaselineTotal float64
	// Keys in the order they were first tallied.
	Keys []*KeyTally
	// Hits is the number of hits tallied.
	Hits int

	index map[string]*KeyTally
}

// KeyTally is one keyword's share of a Tally.
type KeyTally struct {
	Key              string
	Recent, Baseline float64 // sums of the short and long weights
	// Users per distinct-users bucket (StoreConfig.UsersBucket).
	Users    map[int64]map[string]struct{}
	Surfaces map[string]int64 // display form → hits
}

// NewTally returns an empty tally for the counting model cfg.
func NewTally(cfg StoreConfig) *Tally {
	cfg = cfg.WithDefaults()
	return &Tally{cfg: cfg, ls: cfg.LambdaShort(), ll: cfg.LambdaLong(), index: map[string]*KeyTally{}}
}

// Fits reports whether a hit at t can join the tally without its weight
// growing too far from Ref; when it cannot, write the tally first.
func (t *Tally) Fits(at float64) bool {
	return t.Hits == 0 || t.ls*math.Abs(at-t.Ref) <= maxTallySpan
}

// Add tallies a counted hit. The caller checks Fits first.
func (t *Tally) Add(h Hit) {
	at := Seconds(h.Time)
	if t.Hits == 0 {
		t.Ref = at
	}
	t.Hits++
	ws, wl := math.Exp(t.ls*(at-t.Ref)), math.Exp(t.ll*(at-t.Ref))
	t.RecentTotal += ws
	t.BaselineTotal += wl
	k := t.index[h.Key]
	if k == nil {
		k = &KeyTally{Key: h.Key, Users: map[int64]map[string]struct{}{}, Surfaces: map[string]int64{}}
		t.index[h.Key] = k
		t.Keys = append(t.Keys, k)
	}
	k.Recent += ws
	k.Baseline += wl
	b := t.cfg.UsersBucket(h.Time)
	users := k.Users[b]
	if users == nil {
		users = map[string]struct{}{}
		k.Users[b] = users
	}
	users[h.User] = struct{}{}
	k.Surfaces[h.Surface]++
}

// SurfaceCount is a display form and how many hits used it.
type SurfaceCount struct {
	Surface string
	N       int64
}

// SortedSurfaces returns k's display forms, most used first (ties by
// form), the order in which stores admit new forms under MaxSurfaces.
func (k *KeyTally) SortedSurfaces() []SurfaceCount {
	out := make([]SurfaceCount, 0, len(k.Surfaces))
	for s, n := range k.Surfaces {
		out = append(out, SurfaceCount{s, n})
	}
	slices.SortFunc(out, func(a, b SurfaceCount) int {
		return cmp.Or(cmp.Compare(b.N, a.N), cmp.Compare(a.Surface, b.Surface))
	})
	return out
}

// tallier fills tallies with counted hits, starting a new one when a hit
// does not fit the current one or it is full (maxKeys keywords or maxHits
// hits; 0 is no bound).
type tallier struct {
	cfg              StoreConfig
	maxKeys, maxHits int
	cur              *Tally
}

func newTallier(cfg StoreConfig, maxKeys, maxHits int) *tallier {
	return &tallier{cfg: cfg, maxKeys: maxKeys, maxHits: maxHits, cur: NewTally(cfg)}
}

// add tallies the hits ok marks as counted. It returns how many those
// were and the tallies it filled, to be written.
func (tl *tallier) add(hits []Hit, ok []bool) (int, []*Tally) {
	var full []*Tally
	n := 0
	for i, h := range hits {
		if !ok[i] {
			continue
		}
		n++
		if !tl.cur.Fits(Seconds(h.Time)) {
			full = append(full, tl.take())
		}
		tl.cur.Add(h)
		if (tl.maxKeys > 0 && len(tl.cur.Keys) >= tl.maxKeys) || (tl.maxHits > 0 && tl.cur.Hits >= tl.maxHits) {
			full = append(full, tl.take())
		}
	}
	return n, full
}

// take returns the current tally and starts an empty one.
func (tl *tallier) take() *Tally {
	t := tl.cur
	tl.cur = NewTally(tl.cfg)
	return t
}

// CountHits deduplicates hits and counts the accepted ones at once,
// returning how many were accepted: the Counter's path without its
// batching over time, for tools and tests.
func CountHits(ctx context.Context, s Store, hits []Hit) (int, error) {
	ok, err := s.Dedup(ctx, hits)
	if err != nil {
		return 0, err
	}
	tl := newTallier(s.Config(), 0, 0)
	n, full := tl.add(hits, ok)
	for _, t := range append(full, tl.take()) {
		if err := s.Count(ctx, t); err != nil {
			return n, err
		}
	}
	return n, nil
}
