package trendingtest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/searchd/searchd/ingest/trending"
	"github.com/searchd/searchd/searchd/engine"
)

// Recorder is an engine.Auditor that keeps entries in memory, for tests.
type Recorder struct {
	mu      sync.Mutex
	Entries []engine.AuditEntry
}

// Record implements engine.Auditor.
func (r *Recorder) Record(_ context.Context, e engine.AuditEntry) error {
	r.mu.Lock()
	r.Entries = append(r.Entries, e)
	r.mu.Unlock()
	return nil
}

// Find returns the last entry with action and target.
func (r *Recorder) Find(action, target string) (engine.AuditEntry, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.Entries) - 1; i >= 0; i-- {
		if e := r.Entries[i]; e.Action == action && e.Target == target {
			return e, true
		}
	}
	return engine.AuditEntry{}, false
}

// testReview: with review on, a keyword entering the list for the first
// time waits in the queue (shared by every instance) until an admin
// approves it (it is listed from the next snapshot) or blocks it (never
// listed); every decision and blocklist change is audited with the actor.
func testReview(t *testing.T, b Backend) {
	e := newEnv(t, b, trending.StoreConfig{})
	rec := &Recorder{}
	e.svc, e.reg = e.service(trending.Config{Clock: e.clock, Review: trending.ReviewConfig{Enabled: true}, Auditor: rec})
	other, _ := e.service(trending.Config{Clock: e.clock, Review: trending.ReviewConfig{Enabled: true}, Auditor: rec})
	e.warm()
	e.run(time.Minute,
		&burst{query: []string{"콘서트 예매"}, users: users("a", 40), rate: 40.0 / 60},
		&burst{query: []string{"연예인 루머"}, users: users("b", 40), rate: 30.0 / 60})
	if s := e.step(); len(s.Items) != 0 {
		t.Fatalf("unreviewed keywords listed: %v", keys(s))
	}
	q, err := other.ReviewQueue(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(q) != 2 || q[0].Status != trending.ReviewPending || q[0].Why == nil || q[0].Why.Users < 30 || q[0].Keyword == "" {
		t.Fatalf("review queue seen from another instance: %+v", q)
	}
	if c, _ := e.candidate("콘서트예매"); c.Reason != trending.WhyPendingReview || c.Shown {
		t.Fatalf("debug view of a queued keyword: %+v", c)
	}
	kim := engine.WithActor(e.ctx, "kim")
	if _, err := other.Approve(kim, "콘서트 예매"); err != nil {
		t.Fatal(err)
	}
	if _, err := other.Block(kim, "연예인루머"); err != nil {
		t.Fatal(err)
	}
	e.run(30*time.Second, &burst{query: []string{"연예인 루머"}, users: users("c", 40), rate: 1})
	s := e.step()
	if len(s.Items) != 1 || s.Items[0].Key != "콘서트예매" || s.Items[0].Rank != 1 {
		t.Fatalf("after approving one and blocking the other: %v", keys(s))
	}
	if q, _ := e.svc.ReviewQueue(e.ctx); len(q) != 0 {
		t.Fatalf("queue after both decisions: %+v", q)
	}
	for _, a := range []struct{ action, target string }{{"trending.review.approve", "콘서트예매"}, {"trending.review.block", "연예인루머"}} {
		if en, ok := rec.Find(a.action, a.target); !ok || en.Actor != "kim" || en.Outcome != engine.OutcomeOK {
			t.Fatalf("audit of %s %s: %+v (found %v)", a.action, a.target, en, ok)
		}
	}
	if _, err := e.svc.Approve(kim, "없는 검색어"); engine.ErrorCode(err) != engine.NotFound {
		t.Fatalf("approving a keyword not in the queue: %v, want not_found", err)
	}
	if en, ok := rec.Find("trending.review.approve", "없는검색어"); !ok || en.Outcome != engine.OutcomeRejected {
		t.Fatalf("a rejected approval is not audited: %+v", en)
	}
	if _, err := e.svc.SetBlocklist(kim, trending.Blocklist{Exact: []string{"광고"}}); err != nil {
		t.Fatal(err)
	}
	if en, ok := rec.Find("trending.blocklist.update", "blocklist"); !ok || en.Actor != "kim" || en.Outcome != engine.OutcomeOK {
		t.Fatalf("blocklist change audit: %+v", en)
	}
}

// testReviewAutoApprove: an undecided keyword is approved by itself after
// the configured delay, and that is audited too.
func testReviewAutoApprove(t *testing.T, b Backend) {
	e := newEnv(t, b, trending.StoreConfig{})
	rec := &Recorder{}
	e.svc, e.reg = e.service(trending.Config{Clock: e.clock, Auditor: rec,
		Review: trending.ReviewConfig{Enabled: true, AutoApprove: time.Minute}})
	e.warm()
	fest := &burst{query: []string{"벚꽃 축제"}, users: users("a", 600), rate: 1}
	e.run(time.Minute, fest)
	if s := e.step(); len(s.Items) != 0 {
		t.Fatalf("listed before review: %v", keys(s))
	}
	e.run(30*time.Second, &burst{query: fest.query, users: users("b", 600), rate: 1})
	if s := e.step(); len(s.Items) != 0 {
		t.Fatalf("auto-approved after 30 s of a 1 min delay: %v", keys(s))
	}
	e.run(30*time.Second, &burst{query: fest.query, users: users("c", 600), rate: 1})
	if s := e.step(); len(s.Items) != 1 || s.Items[0].Key != "벚꽃축제" {
		t.Fatalf("not auto-approved after the delay: %v", keys(s))
	}
	if en, ok := rec.Find("trending.review.auto_approve", "벚꽃축제"); !ok || en.Outcome != engine.OutcomeOK {
		t.Fatalf("auto-approval audit: %+v", en)
	}
}
