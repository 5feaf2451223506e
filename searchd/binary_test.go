package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// searchdBinary builds the searchd binary once per test run (tests that
// kill -9 a real process or measure its memory need one) and returns its
// path; the build lives in a directory removed when the run ends.
func searchdBinary(tb testing.TB) string {
	tb.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "searchd-bin-")
		if err != nil {
			binErr = err
			return
		}
		binDir = dir
		bin := filepath.Join(dir, "searchd")
		if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
			binErr = &buildError{err: err, out: out}
			return
		}
		binPath = bin
	})
	if binErr != nil {
		tb.Fatalf("go build: %v", binErr)
	}
	return binPath
}

var (
	binOnce sync.Once
	binPath string
	binDir  string
	binErr  error
)

type buildError struct {
	err error
	out []byte
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + string(e.out) }

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
	os.Exit(code)
}
