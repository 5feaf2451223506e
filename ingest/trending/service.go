package trending

import (
	"cmp"
	"context"
	"encoding/json"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
	"golang.org/x/sync/errgroup"

	"github.com/searchd/searchd/searchd/engine"
)

// Config configures a Service. The counting model (half-lives, windows,
// pool) belongs to the store: see StoreConfig.
type Config struct {
	Counter CounterConfig
	Rules   Rules
	// Interval between snapshots (default 30 s; -trending-interval).
	Interval time.Duration
	// LockTTL is the leader lock's expiry (default 15 s): a dead leader is
	// replaced within LockTTL (+ LockTTL/10 for the next try).
	LockTTL time.Duration
	// InstanceID names this instance as lock owner (default random).
	InstanceID string
	// Clock is the time source (default SystemClock).
	Clock Clock
	// Review is moderation (-trending-review); the store must implement
	// ReviewStore (both stores do).
	Review ReviewConfig
	// Auditor records admin actions (blocklist changes, review decisions);
	// nil records nothing (they are logged either way).
	Auditor engine.Auditor
	// MaxCategories bounds the categories tracked (default
	// DefaultMaxCategories; negative: no trending by category). See
	// category.go.
	MaxCategories int
}

// Service is the trending API: an engine.EventSink for counting, the
// snapshot reader, the admin blocklist and debug view, and the leader job.
type Service struct {
	*Counter
	store Store
	scfg  StoreConfig
	rules Rules
	clock Clock
	m     *metrics
	log   *zap.Logger
	job   *Job
	block atomic.Pointer[cachedBlocklist]

	review    ReviewStore // nil when the store keeps no review state
	reviewCfg ReviewConfig
	auditor   engine.Auditor
}

type cachedBlocklist struct {
	raw string
	m   *matcher
}

// New builds a Service on store. Metrics are registered on reg (nil: not
// registered); log may be nil.
func New(cfg Config, store Store, reg prometheus.Registerer, log *zap.Logger) (*Service, error) {
	if log == nil {
		log = zap.NewNop()
	}
	log = log.With(zap.String("component", "trending"))
	if cfg.Clock == nil {
		cfg.Clock = SystemClock{}
	}
	if cfg.Counter.Clock == nil {
		cfg.Counter.Clock = cfg.Clock
	}
	cfg.Interval = cmp.Or(cfg.Interval, 30*time.Second)
	cfg.LockTTL = cmp.Or(cfg.LockTTL, 15*time.Second)
	if cfg.InstanceID == "" {
		cfg.InstanceID = engine.RandomHex(8)
	}
	cfg.Rules = cfg.Rules.WithDefaults()
	if err := cfg.Rules.Validate(); err != nil {
		return nil, err
	}
	if cfg.Interval < 10*time.Millisecond || cfg.LockTTL < 10*time.Millisecond {
		return nil, engine.Errorf(engine.Invalid, "trending: interval and lock TTL must be at least 10ms")
	}
	m, err := newMetrics(reg)
	if err != nil {
		return nil, err
	}
	c, err := newCounter(cfg.Counter, store, cmp.Or(cfg.MaxCategories, DefaultMaxCategories), m, log)
	if err != nil {
		return nil, err
	}
	if cfg.Review.AutoApprove < 0 {
		return nil, engine.Errorf(engine.Invalid, "trending: the review auto-approval delay must not be negative")
	}
	rs, _ := store.(ReviewStore)
	if cfg.Review.Enabled && rs == nil {
		return nil, engine.Errorf(engine.Invalid, "trending: review needs a store that keeps review state (%T does not)", store)
	}
	s := &Service{Counter: c, store: store, scfg: store.Config(), rules: cfg.Rules, clock: cfg.Clock, m: m, log: log,
		review: rs, reviewCfg: cfg.Review, auditor: cfg.Auditor}
	s.job = &Job{svc: s, id: cfg.InstanceID, interval: cfg.Interval, ttl: cfg.LockTTL}
	s.block.Store(&cachedBlocklist{m: compileBlocklist(Blocklist{})})
	return s, nil
}

// Run runs the counter's worker and the leader job until ctx ends.
func (s *Service) Run(ctx context.Context) error {
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error { return s.Counter.Run(ctx) })
	g.Go(func() error { return s.job.Run(ctx) })
	return g.Wait()
}

// RunJob runs only the leader job (instances that count elsewhere).
func (s *Service) RunJob(ctx context.Context) error { return s.job.Run(ctx) }

// Close closes the store. Stop Run first.
func (s *Service) Close() error { return s.store.Close() }

// Snapshot returns the last published snapshot minus keywords blocklisted
// since (one store read; no computation). Before the first snapshot it is
// empty with a zero UpdatedAt.
func (s *Service) Snapshot(ctx context.Context) (Snapshot, error) {
	raw, bl, err := s.store.LoadState(ctx)
	if err != nil {
		return Snapshot{}, err
	}
	return s.decodeSnapshot(raw).without(s.matcher(bl)), nil
}

// Blocklist returns the current blocklist.
func (s *Service) Blocklist(ctx context.Context) (Blocklist, error) {
	_, raw, err := s.store.LoadState(ctx)
	if err != nil {
		return Blocklist{}, err
	}
	return decodeBlocklist(raw), nil
}

// SetBlocklist validates and stores a blocklist (replacing the old one) and
// returns it as stored: normalized, stamped with the update time. Bad input
// is an engine.Invalid error. It takes effect on the next read.
func (s *Service) SetBlocklist(ctx context.Context, b Blocklist) (Blocklist, error) {
	n, err := s.setBlocklist(ctx, b)
	s.audit(ctx, "trending.blocklist.update", "blocklist", err, map[string]any{"exact": len(n.Exact), "patterns": len(n.Patterns)})
	return n, err
}

func (s *Service) setBlocklist(ctx context.Context, b Blocklist) (Blocklist, error) {
	n, err := b.Normalize()
	if err != nil {
		return Blocklist{}, err
	}
	n.UpdatedAt = s.clock.Now().UTC()
	raw, err := json.Marshal(n)
	if err != nil {
		return Blocklist{}, err
	}
	if err := s.store.SaveBlocklist(ctx, raw); err != nil {
		return Blocklist{}, err
	}
	return n, nil
}

// Debug evaluates the whole candidate pool now, as a snapshot would, and
// returns every candidate with its rates, distinct users and the reason it
// is or is not shown (admin only: this is a computation).
func (s *Service) Debug(ctx context.Context) ([]Candidate, error) {
	raw, bl, err := s.store.LoadState(ctx)
	if err != nil {
		return nil, err
	}
	cands, err := s.evaluate(ctx, s.store, s.clock.Now(), s.matcher(bl), true)
	if err != nil {
		return nil, err
	}
	since := map[string]time.Time{}
	for _, it := range s.decodeSnapshot(raw).Items {
		if it.Why != nil {
			since[it.Key] = it.Why.ListedSince
		}
	}
	reviews, err := s.reviews(ctx)
	if err != nil {
		return nil, err
	}
	for i := range cands {
		c := &cands[i]
		if t, ok := since[c.Key]; ok {
			c.ListedSince = &t
		}
		if !c.Shown || !s.reviewCfg.Enabled {
			continue
		}
		switch e, ok := reviews[c.Key]; {
		case !ok || e.Status == ReviewPending:
			c.Reason, c.Shown, c.Rank = WhyPendingReview, false, 0
		case e.Status == ReviewBlocked:
			c.Reason, c.Shown, c.Rank = WhyReviewBlocked, false, 0
		}
	}
	return cands, nil
}

func (s *Service) window() Window {
	return Window{
		RecentHalfLifeSeconds:   s.scfg.ShortHalfLife.Seconds(),
		BaselineHalfLifeSeconds: s.scfg.LongHalfLife.Seconds(),
		IntervalSeconds:         s.job.interval.Seconds(),
	}
}

func (s *Service) decodeSnapshot(raw []byte) Snapshot {
	var snap Snapshot
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &snap); err != nil {
			s.log.Warn("trending: stored snapshot is unreadable", zap.Error(err))
			snap = Snapshot{}
		}
	}
	if snap.Items == nil {
		snap.Items = []Item{}
		snap.Window = s.window()
	}
	return snap
}

func decodeBlocklist(raw []byte) Blocklist {
	var b Blocklist
	if len(raw) > 0 {
		_ = json.Unmarshal(raw, &b)
	}
	if b.Exact == nil {
		b.Exact = []string{}
	}
	if b.Patterns == nil {
		b.Patterns = []string{}
	}
	return b
}

// matcher compiles the stored blocklist, reusing the last compilation when
// it has not changed.
func (s *Service) matcher(raw []byte) *matcher {
	c := s.block.Load()
	if c.raw == string(raw) {
		return c.m
	}
	c = &cachedBlocklist{raw: string(raw), m: compileBlocklist(decodeBlocklist(raw))}
	s.block.Store(c)
	return c.m
}
