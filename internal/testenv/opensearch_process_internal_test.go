package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

// TestOthersCanReach: the check that decides whether the node user
// (nobody) can run the installation in place or needs a copy.
func TestOthersCanReach(t *testing.T) {
	root := t.TempDir()
	if err := os.Chmod(root, 0o755); err != nil {
		t.Fatal(err)
	}
	open := filepath.Join(root, "open", "bin")
	if err := os.MkdirAll(open, 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(open, "opensearch")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	// t.TempDir's parents may be private themselves; judge below root only
	// by making the answer depend on one directory we control.
	want := othersCanReach(root)
	if got := othersCanReach(bin); got != want {
		t.Errorf("open tree: %v, want %v (as reachable as its temp root)", got, want)
	}
	if err := os.Chmod(filepath.Join(root, "open"), 0o700); err != nil {
		t.Fatal(err)
	}
	if othersCanReach(bin) {
		t.Error("a private directory above the binary: reachable, want not")
	}
	if err := os.Chmod(filepath.Join(root, "open"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(bin, 0o700); err != nil {
		t.Fatal(err)
	}
	if othersCanReach(bin) {
		t.Error("a binary only its owner may run: reachable, want not")
	}
}
