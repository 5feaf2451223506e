package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/searchd/searchd/ingest/trending"
	"github.com/searchd/searchd/ingest/trending/trendingtest"
	"github.com/searchd/searchd/searchd/engine"
)

// TestTrendingReviewRoutes: with review on, the rising keywords wait in
// the queue; an admin approves one (listed from the next snapshot) and
// blocks the other, each audited under the X-Admin-User name; bad calls
// get JSON errors.
func TestTrendingReviewRoutes(t *testing.T) {
	clock := &manualClock{t: time.Now()}
	store, err := trending.NewMemoryStore(trending.StoreConfig{}, clock)
	if err != nil {
		t.Fatal(err)
	}
	rec := &trendingtest.Recorder{}
	svc := newTrendingWith(t, store, clock, trending.Config{Review: trending.ReviewConfig{Enabled: true}, Auditor: rec})
	f := trendingFixture(t, svc, nil)

	if r := f.do(t, http.MethodGet, "/api/v1/trending", ""); strings.Contains(string(r.Body), "보드게임") {
		t.Fatalf("an unreviewed keyword is public: %s", r.Body)
	}
	r := f.do(t, http.MethodGet, "/api/v1/admin/trending/review", "", adminToken)
	var q struct {
		Review []trending.ReviewEntry `json:"review"`
	}
	if err := json.Unmarshal(r.Body, &q); err != nil || r.Status != 200 || len(q.Review) != 2 {
		t.Fatalf("review queue: %d %s", r.Status, r.Body)
	}
	if r := f.do(t, http.MethodPost, "/api/v1/admin/trending/review/"+url.PathEscape("보드게임")+"/approve", ""); r.Status != 401 {
		t.Fatalf("approve without the token = %d", r.Status)
	}
	lee := "X-Admin-User: lee"
	if r := f.do(t, http.MethodPost, "/api/v1/admin/trending/review/"+url.PathEscape("보드게임")+"/approve", "", adminToken, lee); r.Status != 200 || !strings.Contains(string(r.Body), `"status":"approved"`) {
		t.Fatalf("approve = %d %s", r.Status, r.Body)
	}
	if r := f.do(t, http.MethodPost, "/api/v1/admin/trending/review/"+url.PathEscape("등산")+"/block", "", adminToken, lee); r.Status != 200 || !strings.Contains(string(r.Body), `"status":"blocked"`) {
		t.Fatalf("block = %d %s", r.Status, r.Body)
	}
	r = f.do(t, http.MethodPost, "/api/v1/admin/trending/review/"+url.PathEscape("등산")+"/approve", "", adminToken, lee)
	if r.Status != 404 || !strings.Contains(string(r.Body), `"code":"not_found"`) {
		t.Fatalf("approving a decided keyword = %d %s", r.Status, r.Body)
	}
	if _, err := svc.Step(context.Background()); err != nil {
		t.Fatal(err)
	}
	r = f.do(t, http.MethodGet, "/api/v1/trending", "")
	if !strings.Contains(string(r.Body), "보드게임") || strings.Contains(string(r.Body), "등산") {
		t.Fatalf("after approving 보드게임 and blocking 등산: %s", r.Body)
	}
	for _, a := range []struct{ action, target string }{{"trending.review.approve", "보드게임"}, {"trending.review.block", "등산"}} {
		if e, ok := rec.Find(a.action, a.target); !ok || e.Actor != "lee" || e.Outcome != engine.OutcomeOK {
			t.Errorf("audit %s %s = %+v (found %v)", a.action, a.target, e, ok)
		}
	}
	if e, ok := rec.Find("trending.review.approve", "등산"); !ok || e.Outcome != engine.OutcomeRejected {
		t.Errorf("the refused approval is not audited as rejected: %+v", e)
	}
	if r := f.do(t, http.MethodPut, "/api/v1/admin/trending/blocklist", `{"exact":["광고"]}`, adminToken, lee); r.Status != 200 {
		t.Fatalf("blocklist = %d", r.Status)
	}
	if e, ok := rec.Find("trending.blocklist.update", "blocklist"); !ok || e.Actor != "lee" {
		t.Errorf("blocklist change audit = %+v", e)
	}
}

// Without -trending-review the queue is empty and deciding is refused.
func TestTrendingReviewOff(t *testing.T) {
	clock := &manualClock{t: time.Now()}
	store, err := trending.NewMemoryStore(trending.StoreConfig{}, clock)
	if err != nil {
		t.Fatal(err)
	}
	f := trendingFixture(t, newTrending(t, store, clock), nil)
	if r := f.do(t, http.MethodGet, "/api/v1/admin/trending/review", "", adminToken); r.Status != 200 || string(r.Body) != `{"review":[]}` {
		t.Fatalf("queue with review off = %d %s", r.Status, r.Body)
	}
	r := f.do(t, http.MethodPost, "/api/v1/admin/trending/review/"+url.PathEscape("보드게임")+"/approve", "", adminToken)
	if r.Status != 400 || !strings.Contains(string(r.Body), "not enabled") {
		t.Fatalf("approve with review off = %d %s", r.Status, r.Body)
	}
}
