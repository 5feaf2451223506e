package trendingtest

import (
	"testing"
	"time"

	"github.com/searchd/searchd/ingest/trending"
	"github.com/searchd/searchd/searchd/engine"
)

// testCategory: searches filtered on a category count in that category's
// list too, with the same algorithm; a burst in one category is listed
// there and overall, not in another category; the blocklist applies to
// category lists; another instance reads the same category lists.
func testCategory(t *testing.T, b Backend) {
	e := newEnv(t, b, trending.StoreConfig{})
	other, _ := e.service(trending.Config{Clock: e.clock})
	// Background in two categories and without one.
	for range 8 {
		e.run(5*time.Minute,
			&burst{query: []string{"독서 모임"}, users: users("r", 3000), rate: 0.5, category: "모임"},
			&burst{query: []string{"토익 스터디"}, users: users("s", 3000), rate: 0.5, category: "스터디"})
	}
	e.step()
	e.run(time.Minute,
		&burst{query: []string{"보드게임 번개"}, users: users("a", 40), rate: 40.0 / 60, category: "모임"},
		&burst{query: []string{"코딩 테스트"}, users: users("c", 40), rate: 40.0 / 60, category: " 스터디 "})
	all := e.step()
	meet, err := other.CategorySnapshot(e.ctx, "모임")
	if err != nil {
		t.Fatal(err)
	}
	study, err := other.CategorySnapshot(e.ctx, "스터디")
	if err != nil {
		t.Fatal(err)
	}
	if len(meet.Items) != 1 || meet.Items[0].Key != "보드게임번개" || meet.Items[0].Why == nil || meet.Items[0].Why.Users != 40 {
		t.Fatalf("category 모임: %+v, want 보드게임번개 alone with 40 users", meet.Items)
	}
	if len(study.Items) != 1 || study.Items[0].Key != "코딩테스트" || !meet.UpdatedAt.Equal(e.clock.Now()) {
		t.Fatalf("category 스터디: %v at %v", keys(study), study.UpdatedAt)
	}
	if _, ok := find(all, "보드게임번개"); !ok || len(all.Items) != 2 {
		t.Fatalf("overall list %v, want both bursts", keys(all))
	}
	if _, err := e.svc.SetBlocklist(e.ctx, trending.Blocklist{Exact: []string{"보드게임 번개"}}); err != nil {
		t.Fatal(err)
	}
	if s, _ := e.svc.CategorySnapshot(e.ctx, "모임"); len(s.Items) != 0 {
		t.Fatalf("a blocked keyword stays in its category list: %v", keys(s))
	}
	if _, err := e.svc.CategorySnapshot(e.ctx, "전시"); engine.ErrorCode(err) != engine.NotFound {
		t.Fatalf("a category never searched: %v, want not_found", err)
	}
	if _, err := e.svc.CategorySnapshot(e.ctx, ""); engine.ErrorCode(err) != engine.Invalid {
		t.Fatalf("an empty category: %v, want invalid_argument", err)
	}
}

// testCategoryBound: at most MaxCategories categories are tracked, the
// first ones searched; searches in a further category still count in the
// overall list, and its category list is not found.
func testCategoryBound(t *testing.T, b Backend) {
	e := newEnv(t, b, trending.StoreConfig{})
	e.svc, e.reg = e.service(trending.Config{Clock: e.clock, MaxCategories: 2})
	e.warm()
	e.run(time.Minute,
		&burst{query: []string{"가"}, users: users("a", 40), rate: 1, category: "c1"},
		&burst{query: []string{"나"}, users: users("b", 40), rate: 1, category: "c2"})
	e.run(time.Minute, &burst{query: []string{"다 검색어"}, users: users("c", 40), rate: 40.0 / 60, category: "c3"})
	all := e.step()
	if _, ok := find(all, "다검색어"); !ok {
		t.Fatalf("a burst in an untracked category is not in the overall list: %v", keys(all))
	}
	for _, c := range []string{"c1", "c2"} {
		if _, err := e.svc.CategorySnapshot(e.ctx, c); err != nil {
			t.Fatalf("tracked category %s: %v", c, err)
		}
	}
	if _, err := e.svc.CategorySnapshot(e.ctx, "c3"); engine.ErrorCode(err) != engine.NotFound {
		t.Fatalf("a third category with MaxCategories 2: %v, want not_found", err)
	}
}
