package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/searchd/searchd/ingest"
	"github.com/searchd/searchd/ingest/blevelog"
)

// TestSearchVolumeRoute: the console's chart counts searches per interval
// from the real log store.
func TestSearchVolumeRoute(t *testing.T) {
	store, err := blevelog.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	base := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	var evs []ingest.LogEvent
	// 3 searches in the first hour, none in the second, 1 in the third.
	for i, off := range []time.Duration{time.Minute, 20 * time.Minute, 59 * time.Minute, 2*time.Hour + time.Second} {
		evs = append(evs, ingest.LogEvent{ID: fmt.Sprintf("v%d", i), Timestamp: base.Add(off), Query: "q", QueryKey: "q", Page: 1, Size: 10})
	}
	if _, err := store.BulkWrite(context.Background(), evs); err != nil {
		t.Fatal(err)
	}
	f := trendingFixture(t, nil, ingest.NewAnalytics(store, ingest.NewMemQueue(10, 10)))
	var got struct {
		Interval float64              `json:"interval_seconds"`
		Points   []ingest.VolumePoint `json:"points"`
	}
	r := f.do(t, http.MethodGet, "/api/v1/admin/analytics/volume?from="+base.Format(time.RFC3339)+"&to="+base.Add(3*time.Hour).Format(time.RFC3339)+"&interval=1h", "", adminToken)
	if err := json.Unmarshal(r.Body, &got); err != nil || r.Status != 200 {
		t.Fatalf("volume = %d %s", r.Status, r.Body)
	}
	var counts []int64
	for _, p := range got.Points {
		counts = append(counts, p.Count)
	}
	if got.Interval != 3600 || fmt.Sprint(counts) != "[3 0 1]" || !got.Points[1].Time.Equal(base.Add(time.Hour)) {
		t.Fatalf("volume = %+v", got)
	}
	// Without an interval, one is chosen that keeps the series short.
	r = f.do(t, http.MethodGet, "/api/v1/admin/analytics/volume?from=2026-11-01&to=2026-11-08", "", adminToken)
	if err := json.Unmarshal(r.Body, &got); err != nil || r.Status != 200 || len(got.Points) > 48 || got.Interval != 6*3600 {
		t.Fatalf("volume over a week = %d, %d points every %vs", r.Status, len(got.Points), got.Interval)
	}
	for _, bad := range []string{"interval=10s", "interval=soon", "from=2026-01-01&to=2026-03-01&interval=1m"} {
		if r := f.do(t, http.MethodGet, "/api/v1/admin/analytics/volume?"+bad, "", adminToken); r.Status != 400 {
			t.Errorf("volume?%s = %d %s, want 400", bad, r.Status, r.Body)
		}
	}
}
