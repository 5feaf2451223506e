package trending

import (
	"context"
	"slices"
	"sync"
	"time"
	"unicode/utf8"

	"go.uber.org/zap"

	"github.com/searchd/searchd/searchd/engine"
)

// Trending by category: the searches that filtered on a category (the
// search event's Filters["category"]) are also counted in that category's
// own key space of the store, with the same algorithm (forward decay,
// dedup per user and keyword, distinct users, prior, gates), and the job
// publishes one snapshot per tracked category next to the overall one.
// The blocklist and the review state are shared: a keyword blocked or
// approved is so in every category.
//
// At most MaxCategories categories are tracked (DefaultMaxCategories,
// 32): the first ones searched, across every instance, stay tracked (the
// set lives in the store and only grows, so the bound also bounds what a
// client can make the store keep). Searches in a category beyond the
// bound are counted in the overall list only, and the category's list is
// not found.

// DefaultMaxCategories is how many categories are tracked by default.
const DefaultMaxCategories = 32

// maxCategoryRunes: longer category values are not tracked.
const maxCategoryRunes = 32

// maxUntracked bounds the counter's cache of categories refused because
// the set was full (cleared when full).
const maxUntracked = 10_000

// CategoryStore is the per-category part of a Store (both stores
// implement it).
type CategoryStore interface {
	// Category returns the store of one category's searches: same backend
	// and counting model, its own keys.
	Category(name string) (Store, error)
	// TrackCategory adds name to the tracked categories unless max are
	// tracked already; it reports whether name is tracked.
	TrackCategory(ctx context.Context, name string, max int) (bool, error)
	// Categories lists the tracked categories.
	Categories(ctx context.Context) ([]string, error)
}

// CategoryKey is how a category filter value is tracked: as a keyword key
// (NFC, lower case, no spaces); "" when empty or too long to track.
func CategoryKey(c string) string {
	k := Key(c)
	if utf8.RuneCountInString(k) > maxCategoryRunes {
		return ""
	}
	return k
}

// scope is one key space being counted: the overall store or a
// category's, with its tallies (guarded by Counter.tmu).
type scope struct {
	store   Store
	tallies *tallier
}

// categories is the counter's view of the tracked categories.
type categories struct {
	cs        CategoryStore
	max       int
	newScope  func(Store) *scope
	log       *zap.Logger
	mu        sync.Mutex
	tracked   map[string]*scope
	untracked map[string]bool
}

// scope returns the scope of category name, admitting it when there is
// room; nil when it is not tracked (or the store could not say).
func (c *categories) scope(ctx context.Context, name string) *scope {
	c.mu.Lock()
	sc, ok := c.tracked[name]
	refused := c.untracked[name]
	c.mu.Unlock()
	if ok || refused {
		return sc
	}
	in, err := c.cs.TrackCategory(ctx, name, c.max)
	if err != nil {
		c.log.Warn("trending: tracking a category failed", zap.String("category", name), zap.Error(err))
		return nil
	}
	var st Store
	if in {
		if st, err = c.cs.Category(name); err != nil {
			c.log.Warn("trending: opening a category store failed", zap.String("category", name), zap.Error(err))
			return nil
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if sc, ok := c.tracked[name]; ok {
		return sc
	}
	if !in {
		if len(c.untracked) >= maxUntracked {
			clear(c.untracked)
		}
		c.untracked[name] = true
		return nil
	}
	sc = c.newScope(st)
	c.tracked[name] = sc
	return sc
}

// storeOf returns the store of a tracked category (tracked by the store,
// perhaps by another instance): the counter's when it counts there.
func (c *categories) storeOf(name string) (Store, error) {
	c.mu.Lock()
	sc, ok := c.tracked[name]
	c.mu.Unlock()
	if ok {
		return sc.store, nil
	}
	return c.cs.Category(name)
}

// scopes returns the tracked scopes of this counter.
func (c *categories) scopes() []*scope {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]*scope, 0, len(c.tracked))
	for _, sc := range c.tracked {
		out = append(out, sc)
	}
	return out
}

// CategorySnapshot returns the last published snapshot of one category
// (minus blocklisted keywords). A category that is not tracked is
// engine.NotFound; "" or a value too long to track is engine.Invalid.
func (s *Service) CategorySnapshot(ctx context.Context, category string) (Snapshot, error) {
	key := CategoryKey(category)
	if key == "" {
		return Snapshot{}, engine.Errorf(engine.Invalid, "category must be 1 to %d characters", maxCategoryRunes)
	}
	if s.cats == nil {
		return Snapshot{}, engine.Errorf(engine.NotFound, "trending by category is off on this instance")
	}
	names, err := s.cats.cs.Categories(ctx)
	if err != nil {
		return Snapshot{}, err
	}
	if !slices.Contains(names, key) {
		return Snapshot{}, engine.Errorf(engine.NotFound,
			"category %q has no trending list: at most %d categories are tracked, the first ones searched", key, s.cats.max)
	}
	st, err := s.cats.storeOf(key)
	if err != nil {
		return Snapshot{}, err
	}
	raw, _, err := st.LoadState(ctx)
	if err != nil {
		return Snapshot{}, err
	}
	_, bl, err := s.store.LoadState(ctx)
	if err != nil {
		return Snapshot{}, err
	}
	return s.decodeSnapshot(raw).without(s.matcher(bl)), nil
}

// stepCategories computes every tracked category's snapshot (Step).
func (s *Service) stepCategories(ctx context.Context, now time.Time, m *matcher) error {
	if s.cats == nil {
		return nil
	}
	names, err := s.cats.cs.Categories(ctx)
	if err != nil {
		return err
	}
	for _, name := range names {
		st, err := s.cats.storeOf(name)
		if err != nil {
			return err
		}
		if err := st.Maintain(ctx, now); err != nil {
			return err
		}
		prev, _, err := st.LoadState(ctx)
		if err != nil {
			return err
		}
		if _, err := s.stepIn(ctx, st, prev, now, m); err != nil {
			return err
		}
	}
	return nil
}
