package main

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/searchd/searchd/ingest/trending"
	"github.com/searchd/searchd/internal/testenv"
	"github.com/searchd/searchd/searchd/engine"
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
	search := func(session, q string) { searchAs(t, s, session, q) }
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
		getJSON(t, s.base+"/api/v1/admin/trending/candidates", map[string]string{"Authorization": "Bearer " + e2eAdminToken}, &dbg)
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

// searchAs sends one search as session.
func searchAs(t *testing.T, s *service, session, q string) {
	t.Helper()
	if code := getJSON(t, s.base+"/api/v1/search?q="+url.QueryEscape(q), map[string]string{"X-Session-ID": session}, nil); code != 200 {
		t.Fatalf("search %q = %d", q, code)
	}
}

// TestRunTrendingReview: with -trending-review a burst waits in the queue,
// out of the public list, until an admin approves it; the approval lands
// in the durable audit trail under the admin's name.
func TestRunTrendingReview(t *testing.T) {
	s := startService(t, append(embeddedArgs(t, trendingInterval), "-trending-review"), nil)
	for i := range 30 {
		searchAs(t, s, fmt.Sprintf("fan-%02d", i), "한강 불꽃축제")
	}
	admin := map[string]string{"Authorization": "Bearer " + e2eAdminToken, "X-Admin-User": "park"}
	waitFor(t, "the burst in the review queue", 30*trendingInterval, func() bool {
		var q struct {
			Review []trending.ReviewEntry `json:"review"`
		}
		getJSON(t, s.base+"/api/v1/admin/trending/review", admin, &q)
		return len(q.Review) == 1 && q.Review[0].Key == "한강불꽃축제"
	})
	var snap trending.Snapshot
	if getJSON(t, s.base+"/api/v1/trending", nil, &snap); len(snap.Items) != 0 {
		t.Fatalf("a keyword waiting for review is public: %+v", snap.Items)
	}
	req, _ := http.NewRequest(http.MethodPost, s.base+"/api/v1/admin/trending/review/"+url.PathEscape("한강 불꽃축제")+"/approve", nil)
	for k, v := range admin {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("approve: %v %v", resp, err)
	}
	resp.Body.Close()
	waitFor(t, "the approved keyword in the public list", 30*trendingInterval, func() bool {
		var snap trending.Snapshot
		getJSON(t, s.base+"/api/v1/trending", nil, &snap)
		return len(snap.Items) == 1 && snap.Items[0].Key == "한강불꽃축제"
	})
	var audit struct {
		Entries []engine.AuditEntry `json:"entries"`
	}
	getJSON(t, s.base+"/api/v1/admin/audit", admin, &audit)
	found := false
	for _, e := range audit.Entries {
		found = found || e.Action == "trending.review.approve" && e.Actor == "park" && e.Target == "한강불꽃축제" && e.Outcome == engine.OutcomeOK
	}
	if !found {
		t.Fatalf("the approval is not in the audit trail: %+v", audit.Entries)
	}
	s.stop(t)
}

// embeddedArgs are the end-to-end tests' embedded-mode arguments (demo
// data, admin token e2eAdminToken, snapshots every interval).
func embeddedArgs(t *testing.T, interval time.Duration) []string {
	return []string{"-data", t.TempDir(), "-demo", "-admin-token", e2eAdminToken,
		"-drain-delay", "300ms", "-trending-interval", interval.String()}
}

// elasticArgs are the elastic-mode arguments on the real OpenSearch node
// and a new redis-server.
func elasticArgs(t *testing.T, interval time.Duration) []string {
	node := testenv.OpenSearch(t)
	redis := testenv.StartRedis(t)
	return []string{"-engine", "elastic", "-es-url", node.URL, "-es-prefix", node.Prefix(t),
		"-redis-addr", redis.Addr, "-demo", "-admin-token", e2eAdminToken, "-drain-delay", "300ms",
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
