package trendingtest

import (
	"math"
	"testing"
	"time"

	"github.com/searchd/searchd/ingest/trending"
)

// testColdStart is the fresh-instance case: nothing counted before, 40
// sessions search one keyword within seconds and one user repeats another
// query 300 times. The keyword is listed at the first snapshot (its own
// baseline would be its own burst; the prior expects what a typical
// keyword gets) and the spammer never is: one count per user per window,
// ten distinct users, as on established traffic.
func testColdStart(t *testing.T, b Backend) {
	e := newEnv(t, b, trending.StoreConfig{})
	for i := range 300 {
		if i < 40 {
			e.search(users("session", 40)[i], "한강 불꽃축제", 10)
		}
		e.search("spammer", "도박 사이트 추천", 10)
		if i%30 == 29 {
			e.clock.Advance(time.Second)
		}
	}
	e.flush()
	e.clock.Advance(20 * time.Second)
	s := e.step()
	it, ok := find(s, "한강불꽃축제")
	if !ok || it.Rank != 1 || len(s.Items) != 1 {
		c, _ := e.candidate("한강불꽃축제")
		t.Fatalf("fresh start, 40 sessions: snapshot %v, want exactly the burst (candidate %+v)", keys(s), c)
	}
	if c, _ := e.candidate("도박사이트추천"); c.Shown || c.Users != 1 || c.Recent > 1 {
		t.Fatalf("spammer after a fresh start: %+v, want 1 user, 1 count, not shown", c)
	}
	// Nine sessions are below MinUsers, however new the instance is.
	for i := range 9 {
		e.search(users("few", 9)[i], "소수 검색어", 10)
		e.search(users("few", 9)[i], "소수 검색어", 10)
	}
	e.flush()
	e.clock.Advance(10 * time.Second)
	if _, ok := find(e.step(), "소수검색어"); ok {
		t.Fatal("nine users made a keyword trend on a fresh instance")
	}
}

// testColdStartTen: exactly ten sessions within a minute of a fresh start
// (MinUsers) are enough, with a spammer beside them.
func testColdStartTen(t *testing.T, b Backend) {
	e := newEnv(t, b, trending.StoreConfig{})
	for i := range 10 {
		e.search(users("ten", 10)[i], "번개 모임", 10)
		for range 30 {
			e.search("spammer", "도박 사이트 추천", 10)
		}
		e.clock.Advance(6 * time.Second)
	}
	e.flush()
	if s := e.step(); len(s.Items) != 1 || s.Items[0].Key != "번개모임" {
		c, _ := e.candidate("번개모임")
		t.Fatalf("ten sessions within a minute on a fresh instance: %v (candidate %+v)", keys(s), c)
	}
}

// testLowTraffic is a small site: a few searches a minute for half an
// hour, then 12 users search a new keyword within a minute. It is
// listed; the small site's usual keywords are not.
func testLowTraffic(t *testing.T, b Backend) {
	e := newEnv(t, b, trending.StoreConfig{})
	quiet := []string{"공지", "모임 일정", "회비"}
	for m := range 30 {
		for i, q := range quiet {
			e.search(users("member", 40)[(m*3+i)%40], q, 3)
		}
		e.clock.Advance(time.Minute)
		e.flush()
		if s := e.step(); len(s.Items) != 0 {
			t.Fatalf("a small site's usual traffic trends at minute %d: %v", m, keys(s))
		}
	}
	for i := range 12 {
		e.search(users("new", 12)[i], "번개 모임", 3)
		e.clock.Advance(4 * time.Second)
	}
	e.flush()
	s := e.step()
	if _, ok := find(s, "번개모임"); !ok || len(s.Items) != 1 {
		c, _ := e.candidate("번개모임")
		t.Fatalf("12 users on a small site: %v, want the new keyword alone (candidate %+v)", keys(s), c)
	}
}

// testWhy: every listed item carries the numbers behind it, and
// ListedSince stays at the snapshot that first listed it while it stays
// listed; the debug view shows the same.
func testWhy(t *testing.T, b Backend) {
	e, fest, first := festival(t, b)
	it, ok := find(first, "벚꽃축제")
	if !ok || it.Why == nil {
		t.Fatalf("burst item without why: %+v", first.Items)
	}
	w := *it.Why
	if w.Users < 55 || w.Users > 65 || w.Recent < 40 || w.Expected < 0 || w.Expected > w.Recent/4 ||
		math.Abs(w.Ratio-w.Recent/(w.Expected+1)) > 1e-9 || !w.ListedSince.Equal(e.clock.Now()) {
		t.Fatalf("why = %+v at %v: want ~60 users, recent ≥ 40, ratio = recent/(expected+1), listed now", w, e.clock.Now())
	}
	e.run(30*time.Second, &burst{query: fest.query, users: users("b", 600), rate: 1})
	again, ok := find(e.step(), "벚꽃축제")
	if !ok || !again.Why.ListedSince.Equal(w.ListedSince) || again.Why.Users <= w.Users {
		t.Fatalf("still listed 30 s later: %+v, want listed since %v and more users", again.Why, w.ListedSince)
	}
	c, _ := e.candidate("벚꽃축제")
	if c.ListedSince == nil || !c.ListedSince.Equal(w.ListedSince) {
		t.Fatalf("debug view listed_since = %v, want %v", c.ListedSince, w.ListedSince)
	}
	if c, _ := e.candidate("날씨"); c.ListedSince != nil {
		t.Fatalf("a background keyword is listed since %v", c.ListedSince)
	}
}
