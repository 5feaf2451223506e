package main

import (
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/searchd/searchd/ingest/trending"
	"github.com/searchd/searchd/internal/testenv"
)

// trendingInterval is the snapshot interval of the cold-start tests.
const trendingInterval = 2 * time.Second

// checkColdStartTrending is the fresh-instance case from the outside: 40
// sessions search 한강 불꽃축제 within seconds and one session repeats
// another query 300 times. The burst is listed by one of the first two
// snapshots computed after its searches were counted, with the numbers
// behind it under ?explain=1; the spammer is never listed; a query with a
// phone number never is either.
func checkColdStartTrending(t *testing.T, s *service) {
	t.Helper()
	search := func(session, q string) {
		if code := getJSON(t, s.base+"/api/v1/search?q="+url.QueryEscape(q), map[string]string{"X-Session-ID": session}, nil); code != 200 {
			t.Fatalf("search %q = %d", q, code)
		}
	}
	for i := range 300 {
		if i < 40 {
			search(fmt.Sprintf("fan-%02d", i), "한강 불꽃축제")
			search(fmt.Sprintf("fan-%02d", i), "불꽃축제 010-1234-5678")
		}
		search("spammer", "도박 사이트 추천")
	}
	// Counted hits reach the store within the counter's 1 s tally interval.
	counted := time.Now().Add(1500 * time.Millisecond)
	var snaps []time.Time
	var listed *trending.Item // in the last snapshot polled
	waitFor(t, "two snapshots after the searches were counted", 30*trendingInterval, func() bool {
		listed = nil
		var snap trending.Snapshot
		if getJSON(t, s.base+"/api/v1/trending?explain=1&size=50", nil, &snap) != 200 {
			t.Fatal("GET /api/v1/trending failed")
		}
		for _, it := range snap.Items {
			switch it.Key {
			case "도박사이트추천":
				t.Fatalf("the spammer is listed: %+v", snap.Items)
			case "불꽃축제01012345678":
				t.Fatalf("a query with a phone number is listed: %+v", snap.Items)
			case "한강불꽃축제":
				listed = &it
			}
		}
		if snap.UpdatedAt.After(counted) && (len(snaps) == 0 || !snaps[len(snaps)-1].Equal(snap.UpdatedAt)) {
			snaps = append(snaps, snap.UpdatedAt)
		}
		return len(snaps) >= 2
	})
	if listed == nil {
		var dbg map[string]any
		getJSON(t, s.base+"/api/v1/admin/trending/candidates", map[string]string{"Authorization": "Bearer e2e"}, &dbg)
		t.Fatalf("the burst of 40 sessions is not listed in the two snapshots after it (%v); candidates %v", snaps, dbg)
	}
	if w := listed.Why; w == nil || w.Users < 38 || w.Users > 42 || w.Ratio < 2 || w.Recent < 5 || w.Recent > 40 || w.ListedSince.IsZero() {
		t.Fatalf("listed item %+v why %+v: want about 40 users, ratio ≥ 2, 5 ≤ recent ≤ 40", listed, w)
	}
	// Later snapshots still keep the spammer out.
	deadline := time.Now().Add(2 * trendingInterval)
	for time.Now().Before(deadline) {
		var snap trending.Snapshot
		getJSON(t, s.base+"/api/v1/trending?size=50", nil, &snap)
		for _, it := range snap.Items {
			if it.Key == "도박사이트추천" || it.Why != nil {
				t.Fatalf("later snapshot: %+v (spammer listed, or why shown without explain)", snap.Items)
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// embeddedArgs are the end-to-end tests' embedded-mode arguments (demo
// data, admin token e2e, snapshots every interval).
func embeddedArgs(t *testing.T, interval time.Duration) []string {
	return []string{"-data", t.TempDir(), "-demo", "-admin-token", "e2e",
		"-drain-delay", "300ms", "-trending-interval", interval.String()}
}

// elasticArgs are the elastic-mode arguments on the real OpenSearch node
// and a new redis-server.
func elasticArgs(t *testing.T, interval time.Duration) []string {
	node := testenv.OpenSearch(t)
	redis := testenv.StartRedis(t)
	return []string{"-engine", "elastic", "-es-url", node.URL, "-es-prefix", node.Prefix(t),
		"-redis-addr", redis.Addr, "-demo", "-admin-token", "e2e", "-drain-delay", "300ms",
		"-trending-interval", interval.String()}
}

// TestRunTrendingColdStart: embedded mode (in-process trending store).
func TestRunTrendingColdStart(t *testing.T) {
	s := startService(t, embeddedArgs(t, trendingInterval), nil)
	checkColdStartTrending(t, s)
	s.stop(t)
}

// TestRunElasticTrendingColdStart: elastic mode (real redis-server and the
// real OpenSearch node).
func TestRunElasticTrendingColdStart(t *testing.T) {
	s := startService(t, elasticArgs(t, trendingInterval), nil)
	checkColdStartTrending(t, s)
	s.stop(t)
}
