package dictionary

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/searchd/searchd/searchd/engine"
	"github.com/searchd/searchd/searchd/search"
)

// catchUpMargin reaches back before the copy started in the final
// catch-up, for writes stamped by instances that learned of the follower
// late (their clocks may also be a little behind).
const catchUpMargin = time.Minute

// Verification: the rebuilt version's document count must equal live's;
// concurrent writes reach both (the new version follows), so counts that
// differ at one instant settle within a few tries.
const (
	verifyTries = 20
	verifyPause = 250 * time.Millisecond
)

// runJob runs a rebuild to its end and records how it ended. Why no
// acknowledged write is lost or reverted: the new version follows live
// (engine.Engine's Follow) from before the copy starts until the swap,
// so every write reaches it either through the copy (it was in live
// before the copy read it) or as a follower write (which the copy never
// overwrites); the swap then makes the previous version a follower, so a
// rollback swap loses nothing either. A crash or cancel before the swap
// leaves live untouched; the half-built version is dropped (here, or by
// recovery on the next start or apply).
func (s *Service) runJob(ctx context.Context, r *runningJob) {
	j := r.snapshot()
	stopRenew := s.renewLock(ctx, r)
	err := s.rebuild(ctx, r)
	stopRenew()
	if cause := context.Cause(ctx); err != nil && cause != nil && !errors.Is(cause, context.Canceled) {
		err = cause
	}
	end := s.now().UTC()
	finish := func(j *Job) {
		j.FinishedAt = &end
		switch {
		case err == nil:
			j.State, j.Phase = StateSucceeded, PhaseDone
		case errors.As(err, new(errCanceled)):
			j.State, j.Error = StateCanceled, err.Error()
		default:
			j.State, j.Error = StateFailed, errMessage(err)
		}
	}
	// The end is recorded and the lock released before anyone can see the
	// job as finished: whoever waits for the end (the event stream, a
	// poller) may start the next apply at once and must not get 409.
	done := r.snapshot()
	finish(&done)
	bg := context.WithoutCancel(ctx)
	if err != nil && done.Target != 0 && s.eng.Live().Number != done.Target {
		s.dropQuietly(bg, done.Target, "the half-built version")
	}
	if serr := s.store.SaveJob(bg, done); serr != nil {
		s.log.Error("the job's end could not be recorded", zap.String("job", j.ID), zap.Error(serr))
	}
	outcome := engine.OutcomeOK
	if err != nil {
		outcome = engine.OutcomeFailed
	}
	s.record(bg, engine.AuditEntry{Action: "dictionary.rebuild", Target: j.ID, Outcome: outcome,
		Message: done.State + errSuffix(done.Error), Detail: map[string]any{"kind": j.Kind, "target_version": done.Target,
			"from_version": j.From, "documents": done.Done, "seconds": end.Sub(j.StartedAt).Seconds()}})
	s.log.Info("rebuild finished", zap.String("job", j.ID), zap.String("state", done.State), zap.String("error", done.Error),
		zap.Int("target", done.Target), zap.Int64("documents", done.Done), zap.Duration("took", end.Sub(j.StartedAt)))
	_ = s.lock.Unlock(bg, j.ID)
	r.update(finish)
	s.mu.Lock()
	delete(s.running, j.ID)
	s.mu.Unlock()
}

func errSuffix(msg string) string {
	if msg == "" {
		return ""
	}
	return ": " + msg
}

// errMessage is what a job record shows of an error.
func errMessage(err error) string {
	var ee *engine.Error
	if errors.As(err, &ee) {
		return ee.Message
	}
	return err.Error()
}

// renewLock renews the job's lock until stopped; losing it cancels the
// job (another instance could start one).
func (s *Service) renewLock(ctx context.Context, r *runningJob) func() {
	stop := make(chan struct{})
	done := make(chan struct{})
	id := r.snapshot().ID
	go func() {
		defer close(done)
		t := time.NewTicker(renewEvery(s.ttl))
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-ctx.Done():
				return
			case <-t.C:
				ok, err := s.lock.Renew(ctx, id)
				if err == nil && !ok {
					r.cancel(errors.New("the job lost the rebuild lock (redis unreachable for longer than its expiry?)"))
					return
				}
				if err != nil {
					s.log.Warn("renewing the rebuild lock failed", zap.String("job", id), zap.Error(err))
				}
			}
		}
	}()
	return func() { close(stop); <-done }
}

func (s *Service) dropQuietly(ctx context.Context, v int, what string) {
	if err := s.eng.DropVersion(ctx, v); err != nil && engine.ErrorCode(err) != engine.NotFound {
		s.log.Warn("could not drop "+what, zap.Int("version", v), zap.Error(err))
	}
}

// phase moves the job to a phase and saves it.
func (s *Service) phase(ctx context.Context, r *runningJob, p string) error {
	if err := context.Cause(ctx); err != nil && ctx.Err() != nil {
		return err
	}
	j := r.update(func(j *Job) { j.Phase = p })
	s.log.Info("rebuild phase", zap.String("job", j.ID), zap.String("phase", p))
	return s.store.SaveJob(ctx, j)
}

// rebuild is the job's work, phase by phase.
func (s *Service) rebuild(ctx context.Context, r *runningJob) error {
	j := r.snapshot()
	a := j.Set.Analysis()
	if err := s.phase(ctx, r, PhaseCreating); err != nil {
		return err
	}
	n, err := s.eng.CreateVersion(ctx, a)
	if err != nil {
		return err
	}
	j = r.update(func(j *Job) { j.Target, j.Set.Version = n, n })
	if err := s.store.SaveJob(ctx, j); err != nil {
		return err
	}
	if err := s.phase(ctx, r, PhaseFollowing); err != nil {
		return err
	}
	if err := s.eng.Follow(ctx, n); err != nil {
		return err
	}
	if err := s.phase(ctx, r, PhaseCopying); err != nil {
		return err
	}
	from := s.eng.Live().Number
	if from == n {
		return engine.Errorf(engine.Conflict, "the version being built went live meanwhile")
	}
	st, err := s.eng.Stats(ctx)
	if err != nil {
		return err
	}
	r.update(func(j *Job) { j.From, j.Total = from, int64(st.Docs) })
	copyStart := s.now()
	if err := s.copyWithProgress(ctx, r, func(ctx context.Context) error {
		_, err := s.eng.CopyVersion(ctx, from, n, time.Time{})
		return err
	}); err != nil {
		return err
	}
	if err := s.phase(ctx, r, PhaseCatchUp); err != nil {
		return err
	}
	if _, err := s.eng.CopyVersion(ctx, from, n, copyStart.Add(-catchUpMargin)); err != nil {
		return err
	}
	if err := s.phase(ctx, r, PhaseMerging); err != nil {
		return err
	}
	if err := s.eng.MergeSegments(ctx, n); err != nil {
		return err
	}
	if err := s.phase(ctx, r, PhaseVerifying); err != nil {
		return err
	}
	if err := s.verify(ctx, n, a, j.Queries); err != nil {
		return err
	}
	if err := s.phase(ctx, r, PhaseSwapping); err != nil {
		return err
	}
	// From here on the job completes even when canceled: the swap and
	// what follows are quick, and live must end up in a known state.
	bg := context.WithoutCancel(ctx)
	if err := s.eng.SwapAlias(bg, n); err != nil {
		return err
	}
	set := r.update(func(j *Job) { j.Set.Time = s.now().UTC() }).Set
	if err := s.store.SaveSet(bg, set); err != nil {
		s.log.Error("the applied set could not be stored in the history", zap.Int("version", n), zap.Error(err))
	}
	if err := s.phase(bg, r, PhaseCleaning); err != nil {
		return err
	}
	s.dropOld(bg, n)
	return nil
}

// copyWithProgress runs a copy while it counts documents and saves the
// job's progress every SaveEvery; a cancel requested on another instance
// (in the stored record) cancels it.
func (s *Service) copyWithProgress(ctx context.Context, r *runningJob, copy func(context.Context) error) error {
	var done atomic.Int64
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	pctx := engine.WithProgress(ctx, func(n int) { done.Add(int64(n)) })
	start := s.now()
	stop := make(chan struct{})
	ticker := make(chan struct{})
	go func() {
		defer close(ticker)
		t := time.NewTicker(s.every)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
			}
			j := s.progress(r, done.Load(), start)
			if stored, err := s.store.GetJob(ctx, j.ID); err == nil && stored.CancelRequested != "" {
				cancel(errCanceled{by: stored.CancelRequested})
			}
			if err := s.store.SaveJob(ctx, j); err != nil && ctx.Err() == nil {
				s.log.Warn("saving the job's progress failed", zap.String("job", j.ID), zap.Error(err))
			}
		}
	}()
	err := copy(pctx)
	close(stop)
	<-ticker
	s.progress(r, done.Load(), start)
	if cause := context.Cause(ctx); err != nil && cause != nil {
		return cause
	}
	return err
}

// progress updates done, rate and ETA.
func (s *Service) progress(r *runningJob, done int64, start time.Time) Job {
	el := s.now().Sub(start).Seconds()
	return r.update(func(j *Job) {
		j.Done = done
		if el > 0 {
			j.Rate = float64(done) / el
		}
		if j.Rate > 0 && j.Total > done {
			j.ETASeconds = float64(j.Total-done) / j.Rate
		} else {
			j.ETASeconds = 0
		}
	})
}

// verify checks the rebuilt version: its document count equals live's,
// and every check query runs on it.
func (s *Service) verify(ctx context.Context, n int, a engine.AnalysisSettings, queries []string) error {
	var liveDocs, newDocs uint64
	for try := 0; ; try++ {
		vs, err := s.eng.Versions(ctx)
		if err != nil {
			return err
		}
		for _, v := range vs {
			switch {
			case v.Live:
				liveDocs = v.Docs
			case v.Number == n:
				newDocs = v.Docs
			}
		}
		if liveDocs == newDocs {
			break
		}
		if try == verifyTries {
			return engine.Errorf(engine.Internal, "verification failed: the new version has %d documents, live %d", newDocs, liveDocs)
		}
		select {
		case <-ctx.Done():
			return context.Cause(ctx)
		case <-time.After(verifyPause):
		}
	}
	an, err := s.analyses.Get(a)
	if err != nil {
		return err
	}
	svc := search.NewService(versionView{Engine: s.eng, v: n, settings: a, analyzer: an}, engine.NopSink{}, s.log)
	for _, q := range queries {
		if _, err := svc.Search(ctx, engine.Query{Text: q, Size: 10}, search.RequestMeta{}); err != nil {
			return engine.Errorf(engine.Internal, "verification failed: the query %q does not answer on the new version: %s", q, errMessage(err))
		}
	}
	return nil
}

// dropOld keeps the newest KeepVersions versions that follow live (the
// rollback targets) besides live, and drops every other version that is
// in the history (half-built leftovers are recovery's).
func (s *Service) dropOld(ctx context.Context, live int) {
	vs, err := s.eng.Versions(ctx)
	if err != nil {
		s.log.Warn("listing versions to drop failed", zap.Error(err))
		return
	}
	slices.SortFunc(vs, func(a, b engine.Version) int { return b.Number - a.Number })
	kept := 0
	for _, v := range vs {
		if v.Number == live || v.Live {
			continue
		}
		if s.isTemp(v.Number) {
			continue
		}
		if v.Follows && kept < s.keep {
			kept++
			continue
		}
		s.dropQuietly(ctx, v.Number, "an old version")
		s.log.Info("dropped an old version", zap.Int("version", v.Number), zap.String("keep", strconv.Itoa(s.keep)))
	}
}
