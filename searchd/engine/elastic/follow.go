package elastic

import (
	"context"
	"net/http"
	"time"

	es "github.com/olivere/elastic/v7"
	"go.uber.org/zap"

	"github.com/searchd/searchd/searchd/engine"
)

// Followers (engine.Engine's Follow) in the cluster. Why no acknowledged
// write is lost or reverted, on any number of instances:
//
//   - Which versions follow is shared state: they hold the alias
//     "<prefix>docs-follow", which every instance re-reads with the live
//     version (Options.LiveRefresh). Follow adds the alias and then waits
//     Options.FollowWait (a refresh period plus a request timeout): by then
//     every instance writes to the follower too, and a write an instance
//     sent before it knew has reached live, where the copy that follows
//     reads it.
//   - Every write — to live and to followers, index and delete — carries
//     an external version: its update time in nanoseconds, taken once per
//     write from a clock that never goes back on this instance
//     (version_type external_gte). Each index keeps, per id, the write
//     with the highest version, whatever order the writes arrive in, and a
//     delete leaves a tombstone with its version (index.gc_deletes, set on
//     every version, keeps it for 10 minutes). Live and every follower
//     therefore settle on the same state per document.
//   - A copy writes each document with the update time it read as its
//     version: a write or delete that reached the follower after the copy
//     read the document is newer and wins (the copy's write answers 409
//     and is skipped), so a copy cannot revert or resurrect anything.
//   - The limit: writes of one id through two instances whose clocks
//     differ are ordered by those clocks; a write older than the stored
//     one by that order is refused with 409 conflict, never acknowledged.

// followAlias is the alias that marks followers.
func (e *Engine) followAlias() string { return e.alias + "-follow" }

// stamp returns the update time of a new write: now, or just after the
// previous stamp when the clock has not moved on (or went back).
func (e *Engine) stamp() time.Time {
	now := e.now().UnixNano()
	for {
		last := e.lastStamp.Load()
		if now <= last {
			now = last + 1
		}
		if e.lastStamp.CompareAndSwap(last, now) {
			return time.Unix(0, now).UTC()
		}
	}
}

// targets returns the client, the live version and the followers, as one
// snapshot: a write goes to exactly these, even if the versions are
// re-read while it runs (else a write could miss the version that was a
// follower at its start and is live at its end).
func (e *Engine) targets() (*es.Client, *version, []*version, error) {
	c, _, err := e.conn()
	if err != nil {
		return nil, nil, nil, err
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	return c, e.live, e.followers, nil
}

// Follow implements engine.Engine.
func (e *Engine) Follow(ctx context.Context, n int) error {
	if err := e.setFollow(ctx, n, true); err != nil {
		return err
	}
	return e.waitForInstances(ctx)
}

// Unfollow implements engine.Engine. It waits like Follow, so that no
// instance writes to the version when it returns.
func (e *Engine) Unfollow(ctx context.Context, n int) error {
	if err := e.setFollow(ctx, n, false); err != nil {
		return err
	}
	return e.waitForInstances(ctx)
}

// waitForInstances waits until every instance has re-read the versions.
func (e *Engine) waitForInstances(ctx context.Context) error {
	select {
	case <-time.After(e.opts.FollowWait):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (e *Engine) setFollow(ctx context.Context, n int, follow bool) error {
	c, _, err := e.conn()
	if err != nil {
		return err
	}
	rctx, cancel := e.ctx(ctx)
	defer cancel()
	v, err := e.version(rctx, c, n)
	if err != nil {
		return err
	}
	if v.aliased {
		return engine.Errorf(engine.Conflict, "index version %d is live; only other versions can follow it", n)
	}
	if v.follows == follow {
		return nil
	}
	var a es.AliasAction = es.NewAliasAddAction(e.followAlias()).Index(v.index)
	if !follow {
		a = es.NewAliasRemoveAction(e.followAlias()).Index(v.index)
	}
	if _, err := c.Alias().Action(a).Do(rctx); err != nil {
		return translate(rctx, "follow "+v.index, err)
	}
	e.log.Info("followers changed", zap.String("index", v.index), zap.Bool("follows", follow))
	return e.refreshLive(rctx)
}

// writeFollowers applies the documents live accepted to every follower
// with the same versions; a follower that was dropped meanwhile is
// skipped. An item that a follower refused fails in results.
func (e *Engine) writeFollowers(ctx context.Context, fs []*version, docs []engine.Document, at []time.Time, results []engine.ItemResult) error {
	if len(fs) == 0 {
		return nil
	}
	var okDocs []engine.Document
	var okAt []time.Time
	var okIdx []int
	for i, r := range results {
		if r.Error == nil {
			okDocs, okAt, okIdx = append(okDocs, docs[i]), append(okAt, at[i]), append(okIdx, i)
		}
	}
	for _, f := range fs {
		res, err := e.write(ctx, f, okDocs, okAt)
		if err != nil {
			return err
		}
		for j, r := range res {
			if r.Error != nil && !indexMissing(r) && r.Status != http.StatusConflict {
				// 409: a newer write of the id is there already.
				results[okIdx[j]] = r
			}
		}
	}
	return nil
}

// deleteFollowers deletes id from every follower with the live delete's
// version (a tombstone where the document is absent).
func (e *Engine) deleteFollowers(ctx context.Context, c *es.Client, fs []*version, id string, at time.Time, refresh bool) error {
	for _, f := range fs {
		err := e.deleteIn(ctx, c, f.index, id, at, refresh)
		if err != nil && !es.IsNotFound(err) && !es.IsConflict(err) {
			return translate(ctx, "delete from follower "+f.index, err)
		}
	}
	return nil
}

func (e *Engine) deleteIn(ctx context.Context, c *es.Client, index, id string, at time.Time, refresh bool) error {
	s := c.Delete().Index(index).Id(id).VersionType("external_gte").Version(at.UnixNano())
	if refresh {
		s = s.Refresh("true")
	}
	_, err := s.Do(ctx)
	return err
}

// indexMissing reports an item refused because its index is gone (a
// follower dropped after this instance last read the versions).
func indexMissing(r engine.ItemResult) bool {
	return r.Status == http.StatusNotFound
}
