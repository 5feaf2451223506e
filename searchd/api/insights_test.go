package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/searchd/searchd/ingest"
	"github.com/searchd/searchd/ingest/blevelog"
	"github.com/searchd/searchd/ingest/trending"
	"github.com/searchd/searchd/ingest/trending/redistrend"
	"github.com/searchd/searchd/internal/testenv"
	"github.com/searchd/searchd/searchd/api"
	"github.com/searchd/searchd/searchd/engine"
)

const adminToken = "Authorization: Bearer insights-token"

// manualClock is a clock the test moves.
type manualClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *manualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *manualClock) set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// newTrending builds a trending service over store with a published
// snapshot: an hour of background searches for 영화, then 12 users each
// searching 보드게임 and 등산 now — both rise against their baseline.
func newTrending(t testing.TB, store trending.Store, clock *manualClock) *trending.Service {
	t.Helper()
	return newTrendingWith(t, store, clock, trending.Config{})
}

// newTrendingWith is newTrending with cfg (salt and clock filled in).
func newTrendingWith(t testing.TB, store trending.Store, clock *manualClock, cfg trending.Config) *trending.Service {
	t.Helper()
	cfg.Counter.Salt, cfg.Clock = "0123456789abcdef0123", clock
	svc, err := trending.New(cfg, store, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- svc.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done; svc.Close() })
	now := clock.Now()
	clock.set(now.Add(-time.Hour))
	for u := range 200 {
		svc.Publish(ctx, engine.SearchEvent{Query: "영화", Canonical: "영화", UserID: fmt.Sprintf("w%d", u), Total: 3})
	}
	if err := svc.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	clock.set(now)
	for u := range 12 {
		svc.Publish(ctx, engine.SearchEvent{Query: "보드게임", Canonical: "보드게임", UserID: fmt.Sprintf("u%d", u), Total: 3,
			Filters: map[string][]string{"category": {"모임"}}})
		svc.Publish(ctx, engine.SearchEvent{Query: "등산", Canonical: "등산", UserID: fmt.Sprintf("v%d", u), Total: 3})
	}
	if err := svc.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Step(ctx); err != nil {
		t.Fatal(err)
	}
	return svc
}

func trendingFixture(t testing.TB, svc api.Trending, a api.Analytics) *fixture {
	return newFixture(t, func(d *api.Deps) {
		d.Trending, d.TrendingMaxAge, d.Analytics, d.AdminToken = svc, 30*time.Second, a, "insights-token"
	})
}

func TestTrendingRoutes(t *testing.T) {
	clock := &manualClock{t: time.Now()}
	store, err := trending.NewMemoryStore(trending.StoreConfig{}, clock)
	if err != nil {
		t.Fatal(err)
	}
	f := trendingFixture(t, newTrending(t, store, clock), nil)

	r := f.do(t, http.MethodGet, "/api/v1/trending?size=5", "")
	if r.Status != 200 || r.Header.Get("Cache-Control") != "public, max-age=30" {
		t.Fatalf("trending: %d %q %s", r.Status, r.Header.Get("Cache-Control"), r.Body)
	}
	var snap trending.Snapshot
	if err := json.Unmarshal(r.Body, &snap); err != nil {
		t.Fatal(err)
	}
	keywords := map[string]bool{}
	for _, it := range snap.Items {
		keywords[it.Keyword] = true
	}
	if !keywords["보드게임"] || !keywords["등산"] {
		t.Fatalf("the rising keywords are missing from %+v", snap.Items)
	}
	if strings.Contains(string(r.Body), `"why"`) {
		t.Fatalf("the numbers behind items are shown without ?explain: %s", r.Body)
	}
	r = f.do(t, http.MethodGet, "/api/v1/trending?size=1&explain=1", "")
	if err := json.Unmarshal(r.Body, &snap); err != nil || r.Status != 200 || len(snap.Items) != 1 {
		t.Fatalf("explain: %d %s", r.Status, r.Body)
	}
	if w := snap.Items[0].Why; w == nil || w.Users != 12 || w.Recent < 11 || w.Ratio < 2 || w.ListedSince.IsZero() {
		t.Fatalf("explain=1: why = %+v, want 12 users, recent ≈ 12, ratio ≥ 2, listed since", w)
	}
	r = f.do(t, http.MethodGet, "/api/v1/trending?category="+url.QueryEscape("모임"), "")
	if err := json.Unmarshal(r.Body, &snap); err != nil || r.Status != 200 || len(snap.Items) != 1 || snap.Items[0].Keyword != "보드게임" {
		t.Fatalf("trending?category=모임: %d %s, want 보드게임 alone", r.Status, r.Body)
	}
	if r := f.do(t, http.MethodGet, "/api/v1/trending?category=none", ""); r.Status != 404 || !strings.Contains(string(r.Body), "not_found") {
		t.Fatalf("trending?category=none (never searched) = %d %s", r.Status, r.Body)
	}
	for _, bad := range []string{"size=0", "size=51", "size=x", "explain=maybe", "category=", "category=" + strings.Repeat("x", 33)} {
		if r := f.do(t, http.MethodGet, "/api/v1/trending?"+bad, ""); r.Status != 400 {
			t.Errorf("trending?%s = %d, want 400", bad, r.Status)
		}
	}

	// The blocklist needs the token and removes a keyword at once.
	if r := f.do(t, http.MethodPut, "/api/v1/admin/trending/blocklist", `{"exact":["보드게임"]}`); r.Status != 401 {
		t.Fatalf("blocklist without token = %d", r.Status)
	}
	if r := f.do(t, http.MethodPut, "/api/v1/admin/trending/blocklist", `{"exact":["보드게임"],"extra":1}`, adminToken); r.Status != 400 {
		t.Fatalf("blocklist with an unknown field = %d", r.Status)
	}
	if r := f.do(t, http.MethodPut, "/api/v1/admin/trending/blocklist", `{"exact":["보드 게임"],"patterns":["광고*"]}`, adminToken); r.Status != 200 {
		t.Fatalf("blocklist = %d %s", r.Status, r.Body)
	}
	r = f.do(t, http.MethodGet, "/api/v1/trending", "")
	if strings.Contains(string(r.Body), "보드게임") || !strings.Contains(string(r.Body), "등산") {
		t.Fatalf("after blocking 보드게임: %s", r.Body)
	}
	r = f.do(t, http.MethodGet, "/api/v1/admin/trending/blocklist", "", adminToken)
	if r.Status != 200 || !strings.Contains(string(r.Body), "광고*") {
		t.Fatalf("get blocklist = %d %s", r.Status, r.Body)
	}
	r = f.do(t, http.MethodGet, "/api/v1/admin/trending/candidates", "", adminToken)
	if r.Status != 200 || !strings.Contains(string(r.Body), `"reason":"blocked"`) || !strings.Contains(string(r.Body), `"listed_since"`) {
		t.Fatalf("candidates = %d %s", r.Status, r.Body)
	}
	// Without analytics configured the analytics routes say so.
	if r := f.do(t, http.MethodGet, "/api/v1/admin/analytics/top-queries", "", adminToken); r.Status != 503 {
		t.Fatalf("top-queries without analytics = %d", r.Status)
	}
}

func TestAnalyticsRoutes(t *testing.T) {
	store, err := blevelog.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	now := time.Now().UTC()
	var evs []ingest.LogEvent
	for i, q := range []string{"보드게임", "보드게임", "등산", "양자역학"} {
		evs = append(evs, ingest.LogEvent{ID: fmt.Sprintf("e%d", i), Timestamp: now.Add(-time.Minute), Query: q,
			QueryKey: q, Total: int64(3 * boolInt(q != "양자역학")), ZeroResult: q == "양자역학", Page: 1, Size: 10})
	}
	if _, err := store.BulkWrite(context.Background(), evs); err != nil {
		t.Fatal(err)
	}
	f := trendingFixture(t, nil, ingest.NewAnalytics(store, ingest.NewMemQueue(10, 10)))

	var top struct {
		Queries []ingest.QueryCount `json:"queries"`
	}
	r := f.do(t, http.MethodGet, "/api/v1/admin/analytics/top-queries?size=2", "", adminToken)
	if err := json.Unmarshal(r.Body, &top); err != nil || r.Status != 200 {
		t.Fatalf("top-queries = %d %s", r.Status, r.Body)
	}
	if len(top.Queries) != 2 || top.Queries[0] != (ingest.QueryCount{Query: "보드게임", Count: 2}) {
		t.Fatalf("top-queries = %+v", top.Queries)
	}
	r = f.do(t, http.MethodGet, "/api/v1/admin/analytics/zero-result-queries?from="+now.Add(-time.Hour).Format(time.RFC3339), "", adminToken)
	if err := json.Unmarshal(r.Body, &top); err != nil || len(top.Queries) != 1 || top.Queries[0].Query != "양자역학" {
		t.Fatalf("zero-result-queries = %d %s", r.Status, r.Body)
	}
	// A range that ends before the events finds nothing (an explicit from:
	// the default one, a day back, is after a date-only to in the first hour
	// of the day).
	r = f.do(t, http.MethodGet, "/api/v1/admin/analytics/top-queries?from="+now.Add(-72*time.Hour).Format("2006-01-02")+"&to="+now.Add(-time.Hour).Format("2006-01-02"), "", adminToken)
	if err := json.Unmarshal(r.Body, &top); err != nil || len(top.Queries) != 0 {
		t.Fatalf("top-queries before the events = %s", r.Body)
	}
	for _, bad := range []string{"from=yesterday", "size=0", "size=5000"} {
		if r := f.do(t, http.MethodGet, "/api/v1/admin/analytics/top-queries?"+bad, "", adminToken); r.Status != 400 {
			t.Errorf("top-queries?%s = %d %s, want 400", bad, r.Status, r.Body)
		}
	}
	if r := f.do(t, http.MethodGet, "/api/v1/admin/ingest/dead-letters", "", adminToken); r.Status != 200 || !strings.Contains(string(r.Body), `"dead_letters":[]`) {
		t.Fatalf("dead-letters = %d %s", r.Status, r.Body)
	}
	if r := f.do(t, http.MethodGet, "/api/v1/trending", ""); r.Status != 503 {
		t.Fatalf("trending without a trending service = %d", r.Status)
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// BenchmarkTrendingHTTP reads the published snapshot through the HTTP API
// (a real TCP round trip) from the Redis store and reports p50/p99:
//
//	go test ./searchd/api -run '^$' -bench TrendingHTTP -benchtime 5000x
func BenchmarkTrendingHTTP(b *testing.B) {
	rdb := testenv.StartRedis(b)
	store, err := redistrend.New(rdb.Client(b), trending.StoreConfig{}, redistrend.Options{})
	if err != nil {
		b.Fatal(err)
	}
	f := trendingFixture(b, newTrending(b, store, &manualClock{t: time.Now()}), nil)
	ts := httptest.NewServer(f.srv)
	defer ts.Close()
	client := ts.Client()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		resp, err := client.Get(ts.URL + "/api/v1/trending?size=10")
		if err != nil {
			b.Fatal(err)
		}
		var snap trending.Snapshot
		err = json.NewDecoder(resp.Body).Decode(&snap)
		resp.Body.Close()
		if err != nil || len(snap.Items) == 0 {
			b.Fatalf("snapshot: %v %+v", err, snap)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}

func TestMergeVersionRoute(t *testing.T) {
	f := newFixture(t, func(d *api.Deps) { d.AdminToken = "insights-token" })
	if r := f.do(t, http.MethodPost, "/api/v1/admin/versions/1/merge", ""); r.Status != 401 {
		t.Fatalf("merge without token = %d", r.Status)
	}
	if r := f.do(t, http.MethodPost, "/api/v1/admin/versions/1/merge", "", adminToken); r.Status != 200 || !strings.Contains(string(r.Body), `"merged"`) {
		t.Fatalf("merge = %d %s", r.Status, r.Body)
	}
	if r := f.do(t, http.MethodPost, "/api/v1/admin/versions/9/merge", "", adminToken); r.Status != 404 {
		t.Fatalf("merge of a missing version = %d %s", r.Status, r.Body)
	}
	if r := f.do(t, http.MethodPost, "/api/v1/admin/versions/x/merge", "", adminToken); r.Status != 400 {
		t.Fatalf("merge of a bad version = %d", r.Status)
	}
	if r := f.do(t, http.MethodGet, "/api/v1/search?q=독서", ""); r.Status != 200 || !strings.Contains(string(r.Body), "book-club") {
		t.Fatalf("search after the merge = %d %s", r.Status, r.Body)
	}
}
