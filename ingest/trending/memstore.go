package trending

import (
	"context"
	"maps"
	"math"
	"slices"
	"sort"
	"sync"
	"time"
)

// MemoryStore is the in-process Store of embedded mode: the same forward
// decay, dedup, windows and trimming as the Redis store, with exact
// distinct-user sets instead of HyperLogLog. Safe for concurrent use.
type MemoryStore struct {
	cfg   StoreConfig
	clock Clock
	ls    float64
	ll    float64

	mu       sync.Mutex
	landmark float64 // L, Unix seconds; NaN before the first hit
	short    map[string]float64
	long     map[string]float64
	totS     float64
	totL     float64
	dedup    map[dedupKey]float64                     // → last accepted time
	users    map[int64]map[string]map[string]struct{} // bucket → key → users
	surfaces map[string]map[string]int64
	snap     []byte
	block    []byte
	owner    string
	expires  time.Time
	reviews  map[string][]byte
	cats     map[string]struct{}     // tracked categories
	children map[string]*MemoryStore // category stores
}

type dedupKey struct{ user, key string }

// NewMemoryStore returns an empty in-process store. The clock times the
// leader lock's expiry (nil: SystemClock).
func NewMemoryStore(cfg StoreConfig, clock Clock) (*MemoryStore, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if clock == nil {
		clock = SystemClock{}
	}
	return &MemoryStore{
		cfg: cfg, clock: clock, ls: cfg.LambdaShort(), ll: cfg.LambdaLong(),
		landmark: math.NaN(),
		short:    map[string]float64{}, long: map[string]float64{},
		dedup:    map[dedupKey]float64{},
		users:    map[int64]map[string]map[string]struct{}{},
		surfaces: map[string]map[string]int64{},
		reviews:  map[string][]byte{},
		cats:     map[string]struct{}{},
		children: map[string]*MemoryStore{},
	}, nil
}

// Config implements Store.
func (s *MemoryStore) Config() StoreConfig { return s.cfg }

// Dedup implements Store.
func (s *MemoryStore) Dedup(ctx context.Context, hits []Hit) ([]bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	win := s.cfg.DedupWindow.Seconds()
	ok := make([]bool, len(hits))
	for i, h := range hits {
		t := Seconds(h.Time)
		dk := dedupKey{h.User, h.Key}
		if last, seen := s.dedup[dk]; seen && t-last < win {
			continue
		}
		s.dedup[dk] = t
		ok[i] = true
	}
	return ok, nil
}

// Count implements Store.
func (s *MemoryStore) Count(ctx context.Context, t *Tally) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if t == nil || t.Hits == 0 {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if math.IsNaN(s.landmark) {
		s.landmark = t.Ref
	}
	if s.ls*(t.Ref-s.landmark) > HardRescaleExponent {
		s.rescale(t.Ref)
	}
	fs, fl := math.Exp(s.ls*(t.Ref-s.landmark)), math.Exp(s.ll*(t.Ref-s.landmark))
	s.totS += t.RecentTotal * fs
	s.totL += t.BaselineTotal * fl
	for _, k := range t.Keys {
		s.short[k.Key] += k.Recent * fs
		s.long[k.Key] += k.Baseline * fl
		for b, us := range k.Users {
			byKey := s.users[b]
			if byKey == nil {
				byKey = map[string]map[string]struct{}{}
				s.users[b] = byKey
			}
			set := byKey[k.Key]
			if set == nil {
				set = map[string]struct{}{}
				byKey[k.Key] = set
			}
			for u := range us {
				set[u] = struct{}{}
			}
		}
		sf := s.surfaces[k.Key]
		if sf == nil {
			sf = map[string]int64{}
			s.surfaces[k.Key] = sf
		}
		for _, c := range k.SortedSurfaces() {
			if _, ok := sf[c.Surface]; ok || len(sf) < s.cfg.MaxSurfaces {
				sf[c.Surface] += c.N
			}
		}
	}
	return nil
}

// rescale moves the landmark to t. Callers hold mu.
func (s *MemoryStore) rescale(t float64) {
	fs, fl := math.Exp(-s.ls*(t-s.landmark)), math.Exp(-s.ll*(t-s.landmark))
	for k, v := range s.short {
		s.short[k] = v * fs
	}
	for k, v := range s.long {
		s.long[k] = v * fl
	}
	s.totS *= fs
	s.totL *= fl
	s.landmark = t
}

// Pool implements Store.
func (s *MemoryStore) Pool(ctx context.Context, now time.Time) (Pool, error) {
	if err := ctx.Err(); err != nil {
		return Pool{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if math.IsNaN(s.landmark) {
		return Pool{}, nil
	}
	t := Seconds(now)
	ds, dl := math.Exp(-s.ls*(t-s.landmark)), math.Exp(-s.ll*(t-s.landmark))
	p := Pool{Entries: make([]PoolEntry, 0, len(s.short)), RecentTotal: s.totS * ds, BaselineTotal: s.totL * dl}
	for k, v := range s.short {
		p.Entries = append(p.Entries, PoolEntry{Key: k, Recent: v * ds, Baseline: s.long[k] * dl})
	}
	sort.Slice(p.Entries, func(i, j int) bool { return p.Entries[i].Key < p.Entries[j].Key })
	return p, nil
}

// Users implements Store (exact counts).
func (s *MemoryStore) Users(ctx context.Context, keys []string, now time.Time) ([]int64, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.cfg.UsersBucket(now)
	out := make([]int64, len(keys))
	for i, k := range keys {
		cur, prev := s.users[b][k], s.users[b-1][k]
		n := len(cur)
		for u := range prev {
			if _, ok := cur[u]; !ok {
				n++
			}
		}
		out[i] = int64(n)
	}
	return out, nil
}

// Displays implements Store.
func (s *MemoryStore) Displays(ctx context.Context, keys []string) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = MostFrequent(s.surfaces[k])
	}
	return out, nil
}

// MostFrequent returns the form with the highest count, ties to the
// lexically smallest; "" for none.
func MostFrequent(counts map[string]int64) string {
	best, bestN := "", int64(-1)
	for f, n := range counts {
		if n > bestN || (n == bestN && f < best) {
			best, bestN = f, n
		}
	}
	return best
}

// Maintain implements Store: rescale when due, trim both sets, and forget
// expired dedup entries, users buckets and displays of trimmed keys.
func (s *MemoryStore) Maintain(ctx context.Context, now time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t := Seconds(now)
	if !math.IsNaN(s.landmark) && s.ls*(t-s.landmark) > RescaleExponent {
		s.rescale(t)
	}
	trim(s.short, s.cfg.PoolSize)
	trim(s.long, s.cfg.BaselinePool())
	for k := range s.surfaces {
		_, inS := s.short[k]
		_, inL := s.long[k]
		if !inS && !inL {
			delete(s.surfaces, k)
		}
	}
	win := s.cfg.DedupWindow.Seconds()
	for k, last := range s.dedup {
		if t-last >= win {
			delete(s.dedup, k)
		}
	}
	b := s.cfg.UsersBucket(now)
	for k := range s.users {
		if k < b-1 {
			delete(s.users, k)
		}
	}
	return nil
}

// trim keeps the n highest-scored members of m (ties by key, as Redis
// orders them).
func trim(m map[string]float64, n int) {
	if len(m) <= n {
		return
	}
	type kv struct {
		k string
		v float64
	}
	all := make([]kv, 0, len(m))
	for k, v := range m {
		all = append(all, kv{k, v})
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].v != all[j].v {
			return all[i].v > all[j].v
		}
		return all[i].k > all[j].k
	})
	for _, e := range all[n:] {
		delete(m, e.k)
	}
}

// SaveSnapshot implements Store.
func (s *MemoryStore) SaveSnapshot(_ context.Context, snap []byte) error {
	s.mu.Lock()
	s.snap = append([]byte(nil), snap...)
	s.mu.Unlock()
	return nil
}

// SaveBlocklist implements Store.
func (s *MemoryStore) SaveBlocklist(_ context.Context, b []byte) error {
	s.mu.Lock()
	s.block = append([]byte(nil), b...)
	s.mu.Unlock()
	return nil
}

// LoadState implements Store.
func (s *MemoryStore) LoadState(ctx context.Context) ([]byte, []byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.snap, s.block, nil
}

// AcquireLeader implements Store with an in-process lock that expires by
// the store's clock.
func (s *MemoryStore) AcquireLeader(ctx context.Context, owner string, ttl time.Duration) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	if s.owner == owner || s.owner == "" || !now.Before(s.expires) {
		s.owner, s.expires = owner, now.Add(ttl)
		return true, nil
	}
	return false, nil
}

// ReleaseLeader implements Store.
func (s *MemoryStore) ReleaseLeader(_ context.Context, owner string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.owner == owner {
		s.owner = ""
	}
	return nil
}

// Close implements Store.
func (s *MemoryStore) Close() error { return nil }

var _ ReviewStore = (*MemoryStore)(nil)

// ReviewEntries implements ReviewStore.
func (s *MemoryStore) ReviewEntries(ctx context.Context) (map[string][]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.reviews), nil
}

// AddReview implements ReviewStore.
func (s *MemoryStore) AddReview(ctx context.Context, key string, entry []byte) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.reviews[key]; ok {
		return false, nil
	}
	s.reviews[key] = append([]byte(nil), entry...)
	return true, nil
}

// SetReview implements ReviewStore.
func (s *MemoryStore) SetReview(ctx context.Context, key string, entry []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	s.reviews[key] = append([]byte(nil), entry...)
	s.mu.Unlock()
	return nil
}

// DeleteReview implements ReviewStore.
func (s *MemoryStore) DeleteReview(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	delete(s.reviews, key)
	s.mu.Unlock()
	return nil
}

var _ CategoryStore = (*MemoryStore)(nil)

// Category implements CategoryStore: a child store, the same one for a
// name every time.
func (s *MemoryStore) Category(name string) (Store, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.children[name]; ok {
		return c, nil
	}
	c, err := NewMemoryStore(s.cfg, s.clock)
	if err != nil {
		return nil, err
	}
	s.children[name] = c
	return c, nil
}

// TrackCategory implements CategoryStore.
func (s *MemoryStore) TrackCategory(ctx context.Context, name string, max int) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.cats[name]; ok {
		return true, nil
	}
	if len(s.cats) >= max {
		return false, nil
	}
	s.cats[name] = struct{}{}
	return true, nil
}

// Categories implements CategoryStore.
func (s *MemoryStore) Categories(ctx context.Context) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Sorted(maps.Keys(s.cats)), nil
}
