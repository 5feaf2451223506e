// Package testenv starts the real components tests need (redis-server, an
// OpenSearch node) on free loopback ports and stops them when the test ends.
//
// The test command from the README installs them; when a component is
// missing a test fails loudly (it never skips silently in CI). Outside CI
// (CI unset) a missing component skips, so `go test` on a developer machine
// without Redis still runs everything else.
package testenv

import (
	"net"
	"os"
	"testing"
)

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("testenv: no free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// missing fails the test under CI and skips it otherwise.
func missing(tb testing.TB, what string, err error) {
	tb.Helper()
	if os.Getenv("CI") != "" || os.Getenv("SEARCHD_REQUIRE_ALL") != "" {
		tb.Fatalf("testenv: %s is required but unavailable: %v (the README's test command installs it)", what, err)
	}
	tb.Skipf("testenv: %s unavailable: %v (run the README's test command to install it)", what, err)
}
