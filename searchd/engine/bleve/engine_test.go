package bleve_test

import (
	"context"
	"testing"
	"time"

	"github.com/searchd/searchd/searchd/engine"
	bleveengine "github.com/searchd/searchd/searchd/engine/bleve"
	"github.com/searchd/searchd/searchd/engine/conformance"
)

func openTemp(tb testing.TB, settings engine.AnalysisSettings) engine.Engine {
	tb.Helper()
	e, err := bleveengine.Open(tb.TempDir(), bleveengine.Options{Analysis: settings})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { e.Close() })
	return e
}

func TestConformance(t *testing.T) {
	conformance.Run(t, openTemp)
}

func TestReopenKeepsDocumentsAndVersions(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	e, err := bleveengine.Open(dir, bleveengine.Options{Analysis: conformance.Settings()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.IndexBatch(ctx, conformance.Documents(), true); err != nil {
		t.Fatal(err)
	}
	v, err := e.CreateVersion(ctx, conformance.Settings())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.CopyVersion(ctx, 1, v, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if err := e.SwapAlias(ctx, v); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	e, err = bleveengine.Open(dir, bleveengine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if e.Live().Number != v || e.Live().Analysis.Synonyms != conformance.Settings().Synonyms {
		t.Fatalf("live after reopen = %+v, want version %d with the suite's synonyms", e.Live(), v)
	}
	st, err := e.Stats(ctx)
	if err != nil || st.Docs != uint64(len(conformance.Documents())) {
		t.Fatalf("stats after reopen = %+v, %v", st, err)
	}
	if _, err := e.Get(ctx, "book-club"); err != nil {
		t.Fatal(err)
	}
}

// Within one batch the last valid write of an id wins; an invalid later
// write does not undo an earlier valid one.
func TestBatchLastValidWriteWins(t *testing.T) {
	e := openTemp(t, engine.AnalysisSettings{})
	ctx := context.Background()
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	items, err := e.IndexBatch(ctx, []engine.Document{
		{ID: "a", Title: "첫 번째", CreatedAt: at},
		{ID: "a", Title: "두 번째", CreatedAt: at},
		{ID: "a", CreatedAt: at}, // no title or body: invalid
	}, true)
	if err != nil {
		t.Fatal(err)
	}
	if items[0].Error != nil || items[1].Error != nil || items[2].Error == nil {
		t.Fatalf("items = %+v", items)
	}
	got, err := e.Get(ctx, "a")
	if err != nil || got.Title != "두 번째" {
		t.Fatalf("get = %+v, %v; want the second write", got, err)
	}
}
