package testenv

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis is a real redis-server started for one test.
type Redis struct {
	Addr string
	port int
	dir  string
	cmd  *exec.Cmd
}

// StartRedis starts redis-server on a free port with persistence off and
// returns it; it is stopped when the test ends.
func StartRedis(tb testing.TB) *Redis {
	tb.Helper()
	r := &Redis{port: FreePort(tb), dir: tb.TempDir()}
	r.Addr = fmt.Sprintf("127.0.0.1:%d", r.port)
	tb.Cleanup(r.Stop)
	r.start(tb)
	return r
}

// start runs the server on r's port and waits until it answers.
func (r *Redis) start(tb testing.TB) {
	tb.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		missing(tb, "redis-server", err)
	}
	cmd := exec.Command(bin,
		"--port", strconv.Itoa(r.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", r.dir,
		"--protected-mode", "no")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		missing(tb, "redis-server", err)
	}
	r.cmd = cmd
	c := redis.NewClient(&redis.Options{Addr: r.Addr})
	defer c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := c.Ping(ctx).Err()
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("testenv: redis-server on %s did not answer: %v", r.Addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Restart starts a stopped server again on the same address, empty
// (persistence is off): a Redis that crashed and came back.
func (r *Redis) Restart(tb testing.TB) {
	tb.Helper()
	r.Stop()
	r.start(tb)
}

// Pause freezes the server (SIGSTOP): connections stay open and every
// command hangs, as with a stuck or swapping Redis. Resume continues it.
func (r *Redis) Pause(tb testing.TB) { r.signal(tb, syscall.SIGSTOP) }

// Resume continues a paused server (SIGCONT).
func (r *Redis) Resume(tb testing.TB) { r.signal(tb, syscall.SIGCONT) }

func (r *Redis) signal(tb testing.TB, sig syscall.Signal) {
	tb.Helper()
	if r.cmd == nil || r.cmd.Process == nil {
		tb.Fatalf("testenv: redis-server on %s is not running", r.Addr)
	}
	if err := r.cmd.Process.Signal(sig); err != nil {
		tb.Fatalf("testenv: signal redis-server: %v", err)
	}
}

// Client returns a new client for this server, closed when the test ends.
func (r *Redis) Client(tb testing.TB) *redis.Client {
	c := redis.NewClient(&redis.Options{Addr: r.Addr})
	tb.Cleanup(func() { c.Close() })
	return c
}

// Stop kills the server (a crash, as far as clients can tell).
func (r *Redis) Stop() {
	if r.cmd != nil && r.cmd.Process != nil {
		_ = r.cmd.Process.Kill()
		_ = r.cmd.Wait()
		r.cmd = nil
	}
}
