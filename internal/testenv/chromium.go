package testenv

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Chromium returns the path of Debian's chromium (SEARCHD_CHROMIUM
// overrides it); missing fails under CI / SEARCHD_REQUIRE_ALL and skips
// otherwise. scripts/test.sh installs it.
func Chromium(tb testing.TB) string {
	tb.Helper()
	if p := os.Getenv("SEARCHD_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	missing(tb, "chromium", errors.New("not on PATH (apt-get install chromium)"))
	return ""
}

// Axe returns axe-core's browser script, installed by scripts/test.sh with
// npm into .cache/npm under the repository root (SEARCHD_AXE overrides the
// file); missing fails under CI / SEARCHD_REQUIRE_ALL and skips otherwise.
func Axe(tb testing.TB) string {
	tb.Helper()
	p := os.Getenv("SEARCHD_AXE")
	if p == "" {
		root, err := RepoRoot()
		if err != nil {
			missing(tb, "axe-core", err)
			return ""
		}
		p = filepath.Join(root, ".cache", "npm", "node_modules", "axe-core", "axe.min.js")
	}
	b, err := os.ReadFile(p)
	if err != nil {
		missing(tb, "axe-core", err)
		return ""
	}
	return string(b)
}

// RepoRoot is the directory of go.mod above the working directory.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}
