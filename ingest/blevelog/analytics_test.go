package blevelog_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/searchd/searchd/ingest"
	"github.com/searchd/searchd/ingest/ingesttest"
	"github.com/searchd/searchd/searchd/engine"
)

func TestAnalytics(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	q := ingest.NewMemQueue(100, 10)
	a := ingest.NewAnalytics(s, q)
	now := time.Now().UTC()
	evs := ingesttest.Events("a", 30, now.Add(-time.Hour))
	if _, err := s.BulkWrite(ctx, evs); err != nil {
		t.Fatal(err)
	}
	top, err := a.TopQueries(ctx, now.Add(-2*time.Hour), now, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Events cycles through 7 queries: 30 events = 5 of each, and 2 more of
	// "query 0" and "query 1".
	if len(top) != 7 || top[0] != (ingest.QueryCount{Query: "query 0", Count: 5}) || top[6].Count != 4 {
		t.Fatalf("TopQueries = %v", top)
	}
	for _, tc := range []struct {
		name     string
		from, to time.Time
		size     int
	}{
		{"size too big", now.Add(-time.Hour), now, ingest.MaxAnalyticsSize + 1},
		{"negative size", now.Add(-time.Hour), now, -1},
		{"from after to", now, now.Add(-time.Hour), 10},
		{"missing from", time.Time{}, now, 10},
		{"range too long", now.AddDate(-2, 0, 0), now, 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := a.ZeroResultQueries(ctx, tc.from, tc.to, tc.size)
			if engine.ErrorCode(err) != engine.Invalid {
				t.Fatalf("err = %v, want invalid_argument", err)
			}
		})
	}
	if _, err := a.DeadLetters(ctx, ingest.MaxDeadLetters+1); engine.ErrorCode(err) != engine.Invalid {
		t.Fatalf("DeadLetters over the limit: %v", err)
	}
}

// flakyStore answers ItemRetry for chosen events: "flaky-*" twice, then it
// writes them; "stuck-*" always.
type flakyStore struct {
	ingest.Store
	mu    sync.Mutex
	tries map[string]int
}

func (f *flakyStore) BulkWrite(ctx context.Context, evs []ingest.LogEvent) ([]ingest.ItemResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	res := make([]ingest.ItemResult, len(evs))
	var pass []ingest.LogEvent
	var at []int
	for i, ev := range evs {
		f.tries[ev.ID]++
		res[i].ID = ev.ID
		if ev.ID[:5] == "stuck" || ev.ID[:5] == "flaky" && f.tries[ev.ID] <= 2 {
			res[i].Outcome, res[i].Reason = ingest.ItemRetry, "HTTP 429: es_rejected_execution_exception"
			continue
		}
		pass, at = append(pass, ev), append(at, i)
	}
	out, err := f.Store.BulkWrite(ctx, pass)
	if err != nil {
		return nil, err
	}
	for j, r := range out {
		res[at[j]] = r
	}
	return res, nil
}

func TestRetryableItemsAreRetriedThenDeadLettered(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	fs := &flakyStore{Store: s, tries: map[string]int{}}
	q := ingest.NewMemQueue(100, 10)
	evs := append(ingesttest.Events("ok", 5, time.Now()), ingesttest.Events("flaky", 2, time.Now())...)
	evs = append(evs, ingesttest.Events("stuck", 1, time.Now())...)
	q.Enqueue(ctx, evs)
	m, reg := ingesttest.NewMetrics(t)
	cfg := ingest.WorkerConfig{Consumer: "w", Block: 20 * time.Millisecond, BackoffMin: time.Millisecond,
		BackoffMax: 5 * time.Millisecond, MaxItemAttempts: 4}
	ingesttest.StartWorker(t, q, fs, cfg, m)
	ingesttest.WaitCount(t, s, 7)
	deadline := time.Now().Add(30 * time.Second)
	var dl []ingest.DeadLetter
	for len(dl) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
		dl, _ = q.DeadLetters(ctx, 10)
	}
	if len(dl) != 1 || dl[0].EventID != "stuck-000000" || dl[0].Class != ingest.DeadRetriesSpent {
		t.Fatalf("dead letters %+v", dl)
	}
	fs.mu.Lock()
	stuckTries, flakyTries := fs.tries["stuck-000000"], fs.tries["flaky-000000"]
	fs.mu.Unlock()
	if stuckTries != 4 || flakyTries != 3 {
		t.Fatalf("tries: stuck %d (want MaxItemAttempts 4), flaky %d (want 3)", stuckTries, flakyTries)
	}
	if d := ingesttest.Counter(t, reg, "searchd_ingest_delivered_total", nil); d != 7 {
		t.Fatalf("delivered %v, want 7", d)
	}
	if n, _ := q.Len(ctx); n != 0 {
		t.Fatalf("%d events left in the queue", n)
	}
}

func TestRetentionJob(t *testing.T) {
	s := newStore(t)
	now := time.Now().UTC()
	s.BulkWrite(context.Background(), append(ingesttest.Events("old", 3, now.AddDate(0, 0, -10)), ingesttest.Events("new", 2, now)...))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- (&ingest.Retention{Store: s, Days: 7}).Run(ctx) }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		n, _ := s.Count(context.Background(), now.AddDate(0, 0, -30), now.Add(time.Hour))
		if n == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("retention left %d events, want 2", n)
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
