package conformance

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/searchd/searchd/searchd/engine"
	"github.com/searchd/searchd/searchd/search"
)

// runFollowers: a rebuild copies into a follower while writes and deletes
// keep arriving; afterwards the follower, swapped in, holds exactly the
// acknowledged state (nothing lost, reverted or resurrected), and the
// version it replaced stays in sync, so swapping back loses nothing.
func runFollowers(t *testing.T, open Opener) {
	s, first, v := withNewVersion(t, open)
	ctx := context.Background()
	eng := s.Engine()
	if err := eng.Follow(ctx, first); engine.ErrorCode(err) != engine.Conflict {
		t.Fatalf("following the live version: %v, want conflict", err)
	}
	if err := eng.Follow(ctx, v); err != nil {
		t.Fatal(err)
	}

	// Writers own disjoint ids, so each id's acknowledged state is known.
	const writers, ops, idsPerWriter = 2, 30, 6
	var mu sync.Mutex
	want := map[string]string{} // id → title; "" means deleted
	var wg sync.WaitGroup
	errs := make(chan error, writers+1)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range ops {
				id := fmt.Sprintf("w%d-%d", w, i%idsPerWriter)
				if i%5 == 4 {
					err := eng.Delete(ctx, id, false)
					if err != nil && engine.ErrorCode(err) != engine.NotFound {
						errs <- fmt.Errorf("delete %s: %w", id, err)
						return
					}
					mu.Lock()
					want[id] = ""
					mu.Unlock()
					continue
				}
				title := fmt.Sprintf("하이킹 기록 %d %d", w, i)
				if err := eng.Index(ctx, engine.Document{ID: id, Title: title, CreatedAt: day(20)}, false); err != nil {
					errs <- fmt.Errorf("index %s: %w", id, err)
					return
				}
				mu.Lock()
				want[id] = title
				mu.Unlock()
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		if _, err := eng.CopyVersion(ctx, first, v, time.Time{}); err != nil {
			errs <- fmt.Errorf("copy: %w", err)
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	// A delete of a fixture during the copy must not come back either.
	if err := eng.Delete(ctx, "night-walk", true); err != nil {
		t.Fatal(err)
	}
	want["night-walk"] = ""

	check := func(stage string) {
		t.Helper()
		for id, title := range want {
			d, err := eng.Get(ctx, id)
			switch {
			case title == "" && engine.ErrorCode(err) != engine.NotFound:
				t.Errorf("%s: deleted %s is back: %+v, %v", stage, id, d, err)
			case title != "" && (err != nil || d.Title != title):
				t.Errorf("%s: %s = %q (%v), want the last acknowledged write %q", stage, id, d.Title, err, title)
			}
		}
	}
	if err := eng.SwapAlias(ctx, v); err != nil {
		t.Fatal(err)
	}
	check("after the swap")
	vs, err := eng.Versions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range vs {
		if x.Number == first && !x.Follows {
			t.Errorf("the replaced version %d must follow the new live one: %+v", first, x)
		}
		if x.Number == v && x.Follows {
			t.Errorf("the live version %d cannot follow: %+v", v, x)
		}
	}
	// Writes after the swap reach the replaced version: rolling back loses
	// nothing.
	if err := eng.Index(ctx, engine.Document{ID: "after-swap", Title: "스왑 후 글", CreatedAt: day(21)}, true); err != nil {
		t.Fatal(err)
	}
	want["after-swap"] = "스왑 후 글"
	if err := eng.Delete(ctx, "hiking", true); err != nil {
		t.Fatal(err)
	}
	want["hiking"] = ""
	if err := eng.SwapAlias(ctx, first); err != nil {
		t.Fatal(err)
	}
	check("after swapping back")
	if err := eng.DropVersion(ctx, v); err != nil {
		t.Fatal(err)
	}
	if err := eng.Index(ctx, engine.Document{ID: "after-drop", Title: "드롭 후 글", CreatedAt: day(22)}, true); err != nil {
		t.Fatalf("a write after the follower was dropped: %v", err)
	}
}

// withNewVersion opens the suite's fixture and creates a version with a new
// dictionary (등산 and 하이킹 become synonyms); it returns the service, the
// live version and the new one.
func withNewVersion(t *testing.T, open Opener) (*search.Service, int, int) {
	t.Helper()
	s := fixture(t, open)
	next := Settings()
	next.Synonyms += "등산, 하이킹\n"
	v, err := s.Engine().CreateVersion(context.Background(), next)
	if err != nil {
		t.Fatal(err)
	}
	return s, s.Engine().Live().Number, v
}
