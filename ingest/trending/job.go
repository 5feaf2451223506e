package trending

import (
	"context"
	"encoding/json"
	"time"

	"go.uber.org/zap"
)

// Job computes snapshots while it holds the leader lock. Every instance
// runs one; exactly one computes at a time.
type Job struct {
	svc      *Service
	id       string
	interval time.Duration
	ttl      time.Duration
}

// poll is how often a job renews (leader) or tries to take (follower) the
// lock: a tenth of its TTL, so a dead leader's lock expires at most LockTTL
// after its last renewal and a follower takes it within LockTTL/10 more.
func (j *Job) poll() time.Duration { return max(j.ttl/10, time.Millisecond) }

// Run loops until ctx ends: renew or try to take the lock, and compute a
// snapshot every Interval while leader. On return it releases the lock, so
// a clean shutdown hands over at once; a crash hands over when it expires.
func (j *Job) Run(ctx context.Context) error {
	s := j.svc
	t := time.NewTicker(j.poll())
	defer t.Stop()
	var last time.Time
	leading := false
	for {
		ok, err := s.store.AcquireLeader(ctx, j.id, j.ttl)
		if err != nil && ctx.Err() == nil {
			s.log.Warn("trending: leader lock", zap.Error(err))
		}
		if ok != leading {
			s.log.Info("trending: leadership changed", zap.String("instance", j.id), zap.Bool("leader", ok))
			leading = ok
			last = time.Time{}
		}
		if leading {
			s.m.leader.Set(1)
		} else {
			s.m.leader.Set(0)
		}
		if leading && (last.IsZero() || time.Since(last) >= j.interval) && ctx.Err() == nil {
			last = time.Now()
			if _, err := s.Step(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("trending: snapshot failed", zap.Error(err))
			}
		}
		select {
		case <-ctx.Done():
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
			if leading {
				if err := s.store.ReleaseLeader(rctx, j.id); err != nil {
					s.log.Warn("trending: releasing the leader lock", zap.Error(err))
				}
			}
			cancel()
			s.m.leader.Set(0)
			return nil
		case <-t.C:
		}
	}
}

// Step maintains the store, computes a snapshot at the clock's time and
// stores it, whether or not this instance leads (Run calls it only as
// leader; tests and the harness call it directly); then the same for
// every tracked category. It returns the overall snapshot.
func (s *Service) Step(ctx context.Context) (Snapshot, error) {
	start := time.Now()
	now := s.clock.Now()
	if err := s.store.Maintain(ctx, now); err != nil {
		return Snapshot{}, err
	}
	prevRaw, blRaw, err := s.store.LoadState(ctx)
	if err != nil {
		return Snapshot{}, err
	}
	m := s.matcher(blRaw)
	snap, err := s.stepIn(ctx, s.store, prevRaw, now, m)
	if err != nil {
		return Snapshot{}, err
	}
	s.m.shown.Set(float64(len(snap.Items)))
	if err := s.stepCategories(ctx, now, m); err != nil {
		return Snapshot{}, err
	}
	s.m.snapshot.Observe(time.Since(start).Seconds())
	return snap, nil
}

// stepIn computes and stores the snapshot of one store (the overall one or
// a category's) against its previous snapshot prevRaw.
func (s *Service) stepIn(ctx context.Context, st Store, prevRaw []byte, now time.Time, m *matcher) (Snapshot, error) {
	prev := s.decodeSnapshot(prevRaw)
	cands, err := s.evaluate(ctx, st, now, m, false)
	if err != nil {
		return Snapshot{}, err
	}
	if cands, err = s.moderate(ctx, cands, now); err != nil {
		return Snapshot{}, err
	}
	prevRank := make(map[string]int, len(prev.Items))
	prevItem := make(map[string]Item, len(prev.Items))
	for _, it := range prev.Items {
		prevRank[it.Key], prevItem[it.Key] = it.Rank, it
	}
	snap := Snapshot{Items: []Item{}, Window: s.window(), UpdatedAt: now}
	for _, c := range cands {
		if !c.Shown {
			continue
		}
		snap.Items = append(snap.Items, Item{
			Rank: c.Rank, Keyword: c.Keyword, Key: c.Key, Score: c.Score,
			Movement: movement(prevRank, c.Key, c.Rank),
			Why: &Why{Recent: c.Recent, Expected: c.Expected, Ratio: c.Ratio, Users: c.Users,
				ListedSince: listedSince(prevItem, c.Key, now.UTC())},
		})
	}
	raw, err := json.Marshal(snap)
	if err != nil {
		return Snapshot{}, err
	}
	if err := st.SaveSnapshot(ctx, raw); err != nil {
		return Snapshot{}, err
	}
	return snap, nil
}

// evaluate ranks the pool at now and fills display forms of shown
// candidates (of all, with all).
func (s *Service) evaluate(ctx context.Context, st Store, now time.Time, m *matcher, all bool) ([]Candidate, error) {
	pool, err := st.Pool(ctx, now)
	if err != nil {
		return nil, err
	}
	users := func(keys []string) ([]int64, error) { return st.Users(ctx, keys, now) }
	cands, err := s.rules.Evaluate(s.scfg, pool, m.Blocked, users, all)
	if err != nil {
		return nil, err
	}
	var keys []string
	for _, c := range cands {
		if c.Shown || all {
			keys = append(keys, c.Key)
		}
	}
	if len(keys) == 0 {
		return cands, nil
	}
	disp, err := st.Displays(ctx, keys)
	if err != nil {
		return nil, err
	}
	for i := range keys {
		cands[i].Keyword = disp[i]
		if cands[i].Keyword == "" {
			cands[i].Keyword = cands[i].Key
		}
	}
	return cands, nil
}
