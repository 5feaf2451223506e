package bleve

import (
	"context"
	"slices"
	"sync"

	"github.com/searchd/searchd/searchd/engine"
)

// Followers (engine.Engine's Follow): versions that receive every write to
// the live version. Why no acknowledged write is lost or reverted while a
// rebuild copies into a follower:
//
//   - Every write holds e.wmu shared for its whole duration and reads the
//     followers under it; Follow takes e.wmu exclusively. A write is
//     therefore either over before Follow returns — and the copy, which
//     starts after Follow, reads it from live — or it applies itself to
//     the follower too.
//   - A write holds the per-id locks of its documents while it writes
//     live and then every follower, so two writes of one id reach live and
//     the followers in the same order.
//   - While a follower is being built (followed and never live yet), every
//     write and delete records its ids as touched. CopyVersion takes the
//     per-id locks of a page, drops the touched ids and writes the rest:
//     a touched id already holds its newest state (or its deletion) in the
//     follower, put there by the write itself, and what the copy read is
//     at best as new. The check and the page write happen under the ids'
//     locks, so no write of those ids can come between them.

// idLocks serializes writes per document id. Ids are always taken in
// sorted order, so two writers cannot deadlock.
type idLocks struct {
	mu   sync.Mutex
	held map[string]chan struct{}
}

// lock takes the locks of ids (sorted and deduplicated in place) and
// returns the function that releases them.
func (l *idLocks) lock(ids []string) func() {
	slices.Sort(ids)
	ids = slices.Compact(ids)
	for _, id := range ids {
		for {
			l.mu.Lock()
			ch, busy := l.held[id]
			if !busy {
				l.held[id] = make(chan struct{})
				l.mu.Unlock()
				break
			}
			l.mu.Unlock()
			<-ch
		}
	}
	return func() {
		l.mu.Lock()
		for _, id := range ids {
			close(l.held[id])
			delete(l.held, id)
		}
		l.mu.Unlock()
	}
}

// targets returns the live version and the followers (the versions every
// write goes to). The caller holds e.wmu shared.
func (e *Engine) targets() (*version, []*version, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	if e.closed {
		return nil, nil, engine.Errorf(engine.EngineUnavailable, "the engine is closed")
	}
	var fs []*version
	for _, n := range e.manifest.Followers {
		if v := e.open[n]; v != nil {
			fs = append(fs, v)
		}
	}
	return e.open[e.manifest.Live], fs, nil
}

// touch records ids as written since v started being built.
func (e *Engine) touch(v int, ids []string) {
	e.tmu.Lock()
	defer e.tmu.Unlock()
	t := e.building[v]
	if t == nil {
		return
	}
	for _, id := range ids {
		t[id] = struct{}{}
	}
}

// untouched returns the indexes of ids not written since v started being
// built (all of them when v is not being built).
func (e *Engine) untouched(v int, ids []string) []int {
	e.tmu.Lock()
	defer e.tmu.Unlock()
	t := e.building[v]
	out := make([]int, 0, len(ids))
	for i, id := range ids {
		if _, ok := t[id]; !ok {
			out = append(out, i)
		}
	}
	return out
}

// Follow implements engine.Engine.
func (e *Engine) Follow(_ context.Context, n int) error {
	e.wmu.Lock() // no write in flight: every later write sees the follower
	defer e.wmu.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	switch {
	case e.open[n] == nil:
		return engine.Errorf(engine.NotFound, "index version %d does not exist", n)
	case n == e.manifest.Live:
		return engine.Errorf(engine.Conflict, "index version %d is live; only other versions can follow it", n)
	case slices.Contains(e.manifest.Followers, n):
		return nil
	}
	prev := slices.Clone(e.manifest.Followers)
	e.manifest.Followers = append(e.manifest.Followers, n)
	if err := e.writeManifest(); err != nil {
		e.manifest.Followers = prev
		return err
	}
	e.tmu.Lock()
	e.building[n] = map[string]struct{}{}
	e.tmu.Unlock()
	return nil
}

// Unfollow implements engine.Engine.
func (e *Engine) Unfollow(_ context.Context, n int) error {
	e.wmu.Lock()
	defer e.wmu.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.unfollowLocked(n)
}

// unfollowLocked removes n from the followers; the caller holds e.wmu and
// e.mu exclusively.
func (e *Engine) unfollowLocked(n int) error {
	if !slices.Contains(e.manifest.Followers, n) {
		return nil
	}
	prev := slices.Clone(e.manifest.Followers)
	e.manifest.Followers = slices.DeleteFunc(e.manifest.Followers, func(x int) bool { return x == n })
	if err := e.writeManifest(); err != nil {
		e.manifest.Followers = prev
		return err
	}
	e.tmu.Lock()
	delete(e.building, n)
	e.tmu.Unlock()
	return nil
}
