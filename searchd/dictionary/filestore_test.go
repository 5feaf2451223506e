package dictionary_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/searchd/searchd/searchd/dictionary"
	"github.com/searchd/searchd/searchd/dictionary/storetest"
)

func openFiles(tb testing.TB) (storetest.Both, func() storetest.Both) {
	dir := tb.TempDir()
	s, err := dictionary.OpenFileStore(dir)
	if err != nil {
		tb.Fatal(err)
	}
	return s, func() storetest.Both {
		s, err := dictionary.OpenFileStore(dir)
		if err != nil {
			tb.Fatal(err)
		}
		return s
	}
}

func TestFileStore(t *testing.T) { storetest.Run(t, openFiles) }

// A line torn by a crash in the middle of an append is skipped, and the
// next entry still lands on a line of its own.
func TestFileStoreTornAuditLine(t *testing.T) {
	dir := t.TempDir()
	s, err := dictionary.OpenFileStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if err := s.Record(ctx, entry("first")); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(filepath.Join(dir, "audit.jsonl"), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(`{"id":"torn","actor":"ki`); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := s.Record(ctx, entry("second")); err != nil {
		t.Fatal(err)
	}
	got, total, err := s.List(ctx, 0, 10)
	if err != nil || total != 2 || got[0].Target != "second" || got[1].Target != "first" {
		t.Fatalf("after a torn line: %+v total %d %v", got, total, err)
	}
}
