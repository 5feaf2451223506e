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
