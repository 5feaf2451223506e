package trending

import (
	"cmp"
	"context"
	"math"
	"time"

	"github.com/searchd/searchd/searchd/engine"
)

// RescaleExponent is how far λ_short·(T−L) may grow before the leader
// rescales the forward-decayed scores (exp(20) ≈ 5e8, far from overflow;
// stores also rescale inline past HardRescaleExponent if no leader ran).
const (
	RescaleExponent     = 20.0
	HardRescaleExponent = 300.0
)

// StoreConfig is the counting model a store implements. Every instance
// sharing a store must use the same values.
type StoreConfig struct {
	// ShortHalfLife is the recent counts' half-life (default 2 min).
	ShortHalfLife time.Duration
	// LongHalfLife is the baseline counts' half-life (default 2 h).
	LongHalfLife time.Duration
	// DedupWindow: a user counts at most once per keyword per window
	// (sliding; default 10 min).
	DedupWindow time.Duration
	// UsersWindow is the distinct-users bucket length (default 10 min); a
	// keyword's users are those of the current and the previous bucket.
	UsersWindow time.Duration
	// PoolSize bounds the recent set; the baseline set keeps 4×PoolSize
	// (default 1000).
	PoolSize int
	// MaxSurfaces bounds the display forms kept per keyword (default 8).
	MaxSurfaces int
}

// WithDefaults fills zero fields with the defaults.
func (c StoreConfig) WithDefaults() StoreConfig {
	c.ShortHalfLife = cmp.Or(c.ShortHalfLife, 2*time.Minute)
	c.LongHalfLife = cmp.Or(c.LongHalfLife, 2*time.Hour)
	c.DedupWindow = cmp.Or(c.DedupWindow, 10*time.Minute)
	c.UsersWindow = cmp.Or(c.UsersWindow, 10*time.Minute)
	c.PoolSize = cmp.Or(c.PoolSize, 1000)
	c.MaxSurfaces = cmp.Or(c.MaxSurfaces, 8)
	return c
}

// Validate checks c (after WithDefaults).
func (c StoreConfig) Validate() error {
	switch {
	case c.ShortHalfLife < time.Second:
		return engine.Errorf(engine.Invalid, "trending: short half-life must be at least 1s")
	case c.LongHalfLife < 2*c.ShortHalfLife:
		return engine.Errorf(engine.Invalid, "trending: long half-life must be at least twice the short one")
	case c.DedupWindow < time.Second || c.UsersWindow < time.Second:
		return engine.Errorf(engine.Invalid, "trending: dedup and users windows must be at least 1s")
	case c.PoolSize < 10 || c.PoolSize > 1_000_000:
		return engine.Errorf(engine.Invalid, "trending: pool size must be between 10 and 1000000")
	case c.MaxSurfaces < 1:
		return engine.Errorf(engine.Invalid, "trending: at least one display form must be kept")
	}
	return nil
}

// LambdaShort is ln 2 / ShortHalfLife, per second.
func (c StoreConfig) LambdaShort() float64 { return math.Ln2 / c.ShortHalfLife.Seconds() }

// LambdaLong is ln 2 / LongHalfLife, per second.
func (c StoreConfig) LambdaLong() float64 { return math.Ln2 / c.LongHalfLife.Seconds() }

// BaselinePool is the bound of the baseline set.
func (c StoreConfig) BaselinePool() int { return 4 * c.PoolSize }

// UsersBucket is the distinct-users bucket of t.
func (c StoreConfig) UsersBucket(t time.Time) int64 { return bucket(t, c.UsersWindow) }

// DedupBucket is the dedup-window bucket of t (stores that keep dedup
// state per window).
func (c StoreConfig) DedupBucket(t time.Time) int64 { return bucket(t, c.DedupWindow) }

// bucket numbers the d-long intervals of Unix time.
func bucket(t time.Time, d time.Duration) int64 { return int64(math.Floor(Seconds(t) / d.Seconds())) }

// Seconds is t as Unix seconds with millisecond precision, the time unit
// every store computes weights in.
func Seconds(t time.Time) float64 { return float64(t.UnixMilli()) / 1000 }

// Hit is one search to count, after normalization, noise filtering and
// identity hashing.
type Hit struct {
	Key     string    // normalized key (see Key)
	Surface string    // display form candidate (see Surface)
	User    string    // hashed identity
	Time    time.Time // when the search happened
	// Category is the category the search filtered on (CategoryKey; ""
	// for none): the hit is also counted in that category's store.
	Category string
}

// PoolEntry is one candidate's decayed counts at the pool's time.
type PoolEntry struct {
	Key      string
	Recent   float64 // C_s: short half-life decayed count
	Baseline float64 // C_l: long half-life decayed count (0 if trimmed)
}

// Pool is the recent candidate pool and the decayed totals at one time.
type Pool struct {
	Entries       []PoolEntry
	RecentTotal   float64 // T_s
	BaselineTotal float64 // T_l
}

// Store keeps the counts, snapshots, blocklist and leader lock. Both
// stores (NewMemoryStore, redistrend.New) pass trendingtest.StoreSuite.
type Store interface {
	// Config is the counting model the store was built with.
	Config() StoreConfig
	// Dedup decides which hits of a batch count, in order: a hit counts
	// unless its user has a counted hit for the key within DedupWindow
	// before it. The decision is recorded at once (later batches, from any
	// instance, see it); the counts themselves arrive through Count.
	Dedup(ctx context.Context, hits []Hit) ([]bool, error)
	// Count adds a tally of counted hits to the decayed sets, the totals,
	// the distinct users and the display forms.
	Count(ctx context.Context, t *Tally) error
	// Pool returns every member of the recent set with its decayed counts
	// and the decayed totals, all at now.
	Pool(ctx context.Context, now time.Time) (Pool, error)
	// Users returns the distinct users of each key (current and previous
	// UsersWindow bucket at now); HyperLogLog estimates in Redis.
	Users(ctx context.Context, keys []string, now time.Time) ([]int64, error)
	// Displays returns the most frequent surface form of each key ("" if
	// none is known); ties go to the lexically smallest.
	Displays(ctx context.Context, keys []string) ([]string, error)
	// Maintain rescales the decayed scores when due and trims both sets
	// to their pools, forgetting what falls out.
	Maintain(ctx context.Context, now time.Time) error

	// SaveSnapshot stores the encoded current snapshot.
	SaveSnapshot(ctx context.Context, snap []byte) error
	// LoadState returns the encoded snapshot and blocklist (nil when
	// absent) in one read.
	LoadState(ctx context.Context) (snap, blocklist []byte, err error)
	// SaveBlocklist stores the encoded blocklist.
	SaveBlocklist(ctx context.Context, blocklist []byte) error

	// AcquireLeader takes the leader lock for owner, or extends it when
	// owner holds it, for ttl. It reports whether owner holds the lock.
	AcquireLeader(ctx context.Context, owner string, ttl time.Duration) (bool, error)
	// ReleaseLeader gives the lock up if owner holds it.
	ReleaseLeader(ctx context.Context, owner string) error

	Close() error
}
