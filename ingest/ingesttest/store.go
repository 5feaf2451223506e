package ingesttest

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/searchd/searchd/ingest"
	"github.com/searchd/searchd/ingest/blevelog"
	"github.com/searchd/searchd/searchd/engine"
)

// NewStore returns an empty log store, closed when the test ends.
type NewStore func(tb testing.TB) ingest.Store

// BleveStore is a NewStore for the embedded log store, in a temporary
// directory.
func BleveStore(tb testing.TB) ingest.Store {
	s, err := blevelog.Open(filepath.Join(tb.TempDir(), "search-logs"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// FieldLister is implemented by stores that can list the fields their
// index holds (the mapping-growth tests use it).
type FieldLister interface {
	MappedFields(ctx context.Context) ([]string, error)
}

// Poison returns an event no store accepts: a page far beyond the schema's
// integer range, as an event queued without capping could carry.
func Poison(id string, at time.Time) ingest.LogEvent {
	ev := Events(id, 1, at)[0]
	ev.ID = id
	ev.Page = 1 << 40
	return ev
}

// StoreSuite runs the log store contract against newStore.
func StoreSuite(t *testing.T, newStore NewStore) {
	ctx := context.Background()
	now := time.Now().UTC()
	all := func() (time.Time, time.Time) { return now.AddDate(0, 0, -400), now.Add(time.Hour) }

	t.Run("writes are idempotent by event id", func(t *testing.T) {
		s := newStore(t)
		evs := Events("idem", 100, now)
		res := mustWrite(t, s, evs)
		for i, r := range res {
			if r.Outcome != ingest.ItemOK || r.ID != evs[i].ID {
				t.Fatalf("item %d: %+v", i, r)
			}
		}
		mustWrite(t, s, evs[:50]) // redelivery
		from, to := all()
		if n, err := s.Count(ctx, from, to); err != nil || n != 100 {
			t.Fatalf("Count = %d, %v; want 100", n, err)
		}
	})

	t.Run("a rejected event does not stop the others", func(t *testing.T) {
		s := newStore(t)
		evs := Events("mixed", 5, now)
		evs[2] = Poison("poison-1", now)
		res := mustWrite(t, s, evs)
		for i, r := range res {
			want := ingest.ItemOK
			if i == 2 {
				want = ingest.ItemRejected
			}
			if r.Outcome != want || r.ID != evs[i].ID {
				t.Fatalf("item %d: %+v, want outcome %d", i, r, want)
			}
		}
		if res[2].Reason == "" {
			t.Fatal("a rejection needs a reason")
		}
		from, to := all()
		if n, _ := s.Count(ctx, from, to); n != 4 {
			t.Fatalf("Count = %d, want 4", n)
		}
	})

	t.Run("analytics count query keys in a time range", func(t *testing.T) {
		s := newStore(t)
		day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC).Add(-24 * time.Hour)
		var evs []ingest.LogEvent
		add := func(q string, n int, at time.Time, total int64) {
			for _, ev := range Events(engine.RandomHex(6), n, at) {
				ev.Query, ev.QueryKey, ev.Total, ev.ZeroResult = q, ingest.QueryKey(q), total, total == 0
				evs = append(evs, ev)
			}
		}
		add("삼성전자", 5, day.Add(time.Hour), 10)
		add("맛집", 3, day.Add(2*time.Hour), 4)
		add("없는검색어", 2, day.Add(3*time.Hour), 0)
		add("Zero Hits", 1, day.Add(3*time.Hour), 0)
		add("삼성전자", 7, day.Add(-48*time.Hour), 10) // outside the range
		add("", 9, day.Add(time.Hour), 3)          // browsing without text
		mustWrite(t, s, evs)
		from, to := day, day.Add(24*time.Hour)
		// Count makes the writes visible (analytics are near-real-time).
		if n, _ := s.Count(ctx, from, to); n != 20 {
			t.Fatalf("Count in range = %d, want 20", n)
		}
		top, err := s.TopQueries(ctx, from, to, 3)
		if err != nil {
			t.Fatal(err)
		}
		want := []ingest.QueryCount{{Query: "삼성전자", Count: 5}, {Query: "맛집", Count: 3}, {Query: "없는검색어", Count: 2}}
		if !reflect.DeepEqual(top, want) {
			t.Fatalf("TopQueries = %v, want %v", top, want)
		}
		zero, err := s.ZeroResultQueries(ctx, from, to, 10)
		if err != nil {
			t.Fatal(err)
		}
		wantZero := []ingest.QueryCount{{Query: "없는검색어", Count: 2}, {Query: "zero hits", Count: 1}}
		if !reflect.DeepEqual(zero, wantZero) {
			t.Fatalf("ZeroResultQueries = %v, want %v", zero, wantZero)
		}
		empty, err := s.TopQueries(ctx, day.AddDate(0, 0, -30), day.AddDate(0, 0, -29), 10)
		if err != nil || len(empty) != 0 {
			t.Fatalf("TopQueries of an empty range = %v, %v", empty, err)
		}
	})

	t.Run("retention deletes old days", func(t *testing.T) {
		s := newStore(t)
		old := Events("old", 4, now.AddDate(0, 0, -40))
		recent := Events("recent", 3, now.AddDate(0, 0, -2))
		mustWrite(t, s, append(old, recent...))
		from, to := all()
		if n, _ := s.Count(ctx, from, to); n != 7 {
			t.Fatalf("Count = %d, want 7", n)
		}
		if _, err := s.DeleteOlderThan(ctx, now, 30); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.Count(ctx, from, to); n != 3 {
			t.Fatalf("after retention Count = %d, want the 3 recent events", n)
		}
	})
}

func mustWrite(tb testing.TB, s ingest.Store, evs []ingest.LogEvent) []ingest.ItemResult {
	tb.Helper()
	res, err := s.BulkWrite(context.Background(), evs)
	if err != nil {
		tb.Fatal(err)
	}
	if len(res) != len(evs) {
		tb.Fatalf("%d results for %d events", len(res), len(evs))
	}
	return res
}
