package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap/zapcore"

	"github.com/searchd/searchd/internal/testenv"
	"github.com/searchd/searchd/searchd/api"
	"github.com/searchd/searchd/searchd/demo"
	"github.com/searchd/searchd/searchd/engine"
)

// envMap is a getenv over a map.
func envMap(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestParseConfig(t *testing.T) {
	t.Run("defaults", func(t *testing.T) {
		cfg, err := parseConfig([]string{"searchd"}, envMap(nil), io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Addr != ":8080" || cfg.DataDir != "./data" || cfg.Engine != "embedded" || !cfg.Demo ||
			cfg.LogFormat != "json" || cfg.LogLevel != zapcore.InfoLevel || cfg.AdminToken != "" ||
			cfg.Limits.MaxBodyBytes != api.DefaultMaxBodyBytes || cfg.Limits.MaxBulkItems != api.DefaultMaxBulkItems || cfg.ShutdownTimeout != 10*time.Second {
			t.Errorf("defaults = %+v", cfg)
		}
	})
	t.Run("environment, then flags", func(t *testing.T) {
		env := envMap(map[string]string{
			"SEARCHD_ADDR": "127.0.0.1:9000", "SEARCHD_DATA": "/tmp/x", "SEARCHD_DEMO": "false",
			"SEARCHD_LOG_FORMAT": "console", "SEARCHD_LOG_LEVEL": "debug", "SEARCHD_ADMIN_TOKEN": "tok-0123456789abcdef",
			"SEARCHD_MAX_BULK_ITEMS": "7", "SEARCHD_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.1",
		})
		cfg, err := parseConfig([]string{"searchd", "-addr", ":9100", "-max-body-bytes", "2048"}, env, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Addr != ":9100" || cfg.DataDir != "/tmp/x" || cfg.Demo || cfg.LogFormat != "console" ||
			cfg.LogLevel != zapcore.DebugLevel || cfg.AdminToken != "tok-0123456789abcdef" || cfg.Limits.MaxBulkItems != 7 ||
			cfg.Limits.MaxBodyBytes != 2048 || !slices.Equal(cfg.TrustedProxies, []string{"10.0.0.0/8", "192.0.2.1"}) {
			t.Errorf("config = %+v", cfg)
		}
	})
	bad := []struct {
		name string
		args []string
		env  map[string]string
		msg  string
	}{
		{"elastic needs a URL", []string{"-engine", "elastic"}, nil, "-es-url"},
		{"unknown engine", []string{"-engine", "solr"}, nil, "embedded or elastic"},
		{"engine from env", nil, map[string]string{"SEARCHD_ENGINE": "elastic"}, "-redis-addr"},
		{"log format", []string{"-log-format", "xml"}, nil, "json or console"},
		{"log level", []string{"-log-level", "loud"}, nil, "-log-level"},
		{"addr", []string{"-addr", "8080"}, nil, "host:port"},
		{"demo env not a bool", nil, map[string]string{"SEARCHD_DEMO": "maybe"}, "SEARCHD_DEMO"},
		{"body limit", []string{"-max-body-bytes", "0"}, nil, "positive"},
		{"bulk limit env", nil, map[string]string{"SEARCHD_MAX_BULK_ITEMS": "lots"}, "SEARCHD_MAX_BULK_ITEMS"},
		{"shutdown timeout", []string{"-shutdown-timeout", "0s"}, nil, "shutdown-timeout"},
		{"trusted proxy", []string{"-trusted-proxies", "proxy.local"}, nil, "proxy.local"},
		{"empty data dir", []string{"-data", " "}, nil, "data directory"},
		{"unknown flag", []string{"-port", "1"}, nil, "-port"},
		{"elastic URL scheme", []string{"-engine", "elastic", "-es-url", "localhost:9200", "-redis-addr", "r:6379"}, nil, "http://"},
		{"redis addr", []string{"-engine", "elastic", "-es-url", "http://es:9200", "-redis-addr", "redis"}, nil, "host:port"},
		{"trending interval", []string{"-trending-interval", "10ms"}, nil, "trending-interval"},
		{"positional argument", []string{"serve"}, nil, "unexpected"},
		// Access control (issue 10): production cannot start unsafe, and a
		// token that is set must be usable in any environment.
		{"production without tokens", []string{"-env", "production"}, nil, "set -admin-token or SEARCHD_ADMIN_TOKEN"},
		{"production without a write token", []string{"-env", "production", "-admin-token", strings.Repeat("a", 16)}, nil, "set -write-token or SEARCHD_WRITE_TOKEN"},
		{"production from env", nil, map[string]string{"SEARCHD_ENV": "production", "SEARCHD_WRITE_TOKEN": strings.Repeat("w", 16)}, "production needs admin-token"},
		{"unknown env", []string{"-env", "prod"}, nil, "development or production"},
		{"short admin token", []string{"-admin-token", "change-me"}, nil, "at least 16 bytes"},
		{"one-character admin token", nil, map[string]string{"SEARCHD_ADMIN_TOKEN": "x"}, "1 bytes long"},
		{"whitespace-only admin token", nil, map[string]string{"SEARCHD_ADMIN_TOKEN": strings.Repeat(" ", 20)}, "whitespace"},
		{"admin token with a space", []string{"-admin-token", "0123456789 abcdef"}, nil, "whitespace"},
		{"short write token", []string{"-write-token", "short"}, nil, "-write-token (SEARCHD_WRITE_TOKEN) is 5 bytes"},
		{"tokens equal", []string{"-admin-token", strings.Repeat("s", 20), "-write-token", strings.Repeat("s", 20)}, nil, "must differ"},
		{"search timeout", []string{"-search-timeout", "0s"}, nil, "-search-timeout"},
		{"search timeout past the request deadline", []string{"-search-timeout", "2m"}, nil, "below the request deadline"},
		{"bulk concurrency", []string{"-max-bulk-concurrency", "0"}, nil, "positive"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseConfig(append([]string{"searchd"}, tc.args...), envMap(tc.env), io.Discard)
			var ce *configError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want a config error (exit code 2)", err)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("err %q does not mention %q", err, tc.msg)
			}
		})
	}
	t.Run("production with both tokens", func(t *testing.T) {
		cfg, err := parseConfig([]string{"searchd", "-env", "production"}, envMap(map[string]string{
			"SEARCHD_ADMIN_TOKEN": strings.Repeat("a", 16), "SEARCHD_WRITE_TOKEN": strings.Repeat("w", 32), "SEARCHD_SEARCH_TIMEOUT": "1500ms",
		}), io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Env != "production" || cfg.WriteToken != strings.Repeat("w", 32) || cfg.SearchTimeout != 1500*time.Millisecond {
			t.Errorf("config = %+v", cfg)
		}
	})
	t.Run("production refuses to start", func(t *testing.T) {
		// Through main's path: run returns the config error (exit code 2)
		// before it opens anything, naming both settings.
		err := run(context.Background(), []string{"searchd", "-env", "production", "-data", t.TempDir()}, envMap(nil), io.Discard, io.Discard)
		var ce *configError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), "SEARCHD_ADMIN_TOKEN") || !strings.Contains(err.Error(), "SEARCHD_WRITE_TOKEN") {
			t.Fatalf("err = %v, want a config error naming both tokens", err)
		}
	})
	t.Run("help", func(t *testing.T) {
		var usage bytes.Buffer
		_, err := parseConfig([]string{"searchd", "-h"}, envMap(nil), &usage)
		if !errors.Is(err, flag.ErrHelp) || !strings.Contains(usage.String(), "SEARCHD_ADMIN_TOKEN") {
			t.Errorf("err %v, usage %q", err, usage.String())
		}
	})
}

func TestRunRejectsBadConfigBeforeStarting(t *testing.T) {
	dir := t.TempDir()
	err := run(context.Background(), []string{"searchd", "-engine", "elastic", "-data", dir}, envMap(nil), io.Discard, io.Discard)
	var ce *configError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want a config error", err)
	}
}

// lockedBuffer is an io.Writer safe for run's goroutines and the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// waitFor polls cond until it is true or the deadline passes.
func waitFor(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func getJSON(t *testing.T, url string, header map[string]string, v any) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, val := range header {
		req.Header.Set(k, val)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	if v != nil {
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			t.Fatalf("GET %s: %v", url, err)
		}
	}
	return resp.StatusCode
}

// service is one run() of the whole service on a free port.
type service struct {
	base           string
	cancel         func()
	done           chan error
	stdout, stderr *lockedBuffer
}

// startService calls run with args plus a free address and waits until
// the service is ready.
func startService(t *testing.T, args []string, env map[string]string) *service {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	s := &service{cancel: cancel, done: make(chan error, 1), stdout: &lockedBuffer{}, stderr: &lockedBuffer{}}
	args = append([]string{"searchd", "-addr", "127.0.0.1:0", "-log-level", "warn"}, args...)
	go func() { s.done <- run(ctx, args, envMap(env), s.stdout, s.stderr) }()

	listening := regexp.MustCompile(`searchd listening on (\S+)\n`)
	waitFor(t, "the listening line", 120*time.Second, func() bool {
		select {
		case err := <-s.done:
			t.Fatalf("run returned early: %v\n%s", err, s.stderr.String())
		default:
		}
		m := listening.FindStringSubmatch(s.stdout.String())
		if m != nil {
			s.base = "http://" + m[1]
		}
		return m != nil
	})
	if code := getJSON(t, s.base+"/healthz", nil, nil); code != http.StatusOK {
		t.Fatalf("/healthz = %d", code)
	}
	waitFor(t, "/readyz", 180*time.Second, func() bool {
		resp, err := http.Get(s.base + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	return s
}

// stop cancels run and checks the graceful shutdown: /readyz turns 503
// while the server drains, run returns nil, nothing was logged as error.
func (s *service) stop(t *testing.T) {
	t.Helper()
	s.cancel()
	waitFor(t, "/readyz to turn 503", 10*time.Second, func() bool {
		resp, err := http.Get(s.base + "/readyz")
		if err != nil {
			t.Fatalf("the listener closed before /readyz reported 503: %v", err)
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusServiceUnavailable
	})
	select {
	case err := <-s.done:
		if err != nil {
			t.Fatalf("run = %v, want nil after a graceful shutdown\n%s", err, s.stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("run did not return after cancel")
	}
	if _, err := http.Get(s.base + "/healthz"); err == nil {
		t.Error("the server still answers after run returned")
	}
	if strings.Contains(s.stderr.String(), `"level":"error"`) {
		t.Errorf("errors were logged:\n%s", s.stderr.String())
	}
}

// checkService exercises what every mode must do: the demo data is
// searchable, every search reaches the log index (analytics) and the
// trending counter (candidate pool), and the trending route answers.
func checkService(t *testing.T, s *service) {
	t.Helper()
	admin := map[string]string{"Authorization": "Bearer " + e2eAdminToken}
	docs, err := demo.Documents()
	if err != nil {
		t.Fatal(err)
	}
	var stats engine.Stats
	waitFor(t, "the demo documents", 60*time.Second, func() bool {
		code := getJSON(t, s.base+"/api/v1/admin/stats", admin, &stats)
		return code == 200 && stats.Docs == uint64(len(docs))
	})
	// A demo document is found by its own title.
	want := docs[0]
	var res engine.SearchResponse
	code := getJSON(t, s.base+"/api/v1/search?size=50&q="+url.QueryEscape(want.Title), map[string]string{"X-Session-ID": "s1"}, &res)
	if code != http.StatusOK {
		t.Fatalf("search = %d", code)
	}
	found := false
	for _, h := range res.Hits {
		found = found || h.ID == want.ID
	}
	if !found {
		t.Errorf("searching the title %q did not find %s among %d hits", want.Title, want.ID, len(res.Hits))
	}

	// Searches by several users are logged and counted.
	for i := range 3 {
		h := map[string]string{"X-User-ID": fmt.Sprintf("user-%d", i), "User-Agent": "Mozilla/5.0 Chrome/120"}
		if code := getJSON(t, s.base+"/api/v1/search?q="+url.QueryEscape("보드게임")+"&ctx="+url.QueryEscape(`{"screen":"home"}`), h, nil); code != 200 {
			t.Fatalf("search = %d", code)
		}
	}
	waitFor(t, "the searches in the log index (top queries)", 60*time.Second, func() bool {
		var top struct {
			Queries []struct {
				Query string `json:"query"`
				Count int64  `json:"count"`
			} `json:"queries"`
		}
		if getJSON(t, s.base+"/api/v1/admin/analytics/top-queries", admin, &top) != 200 {
			return false
		}
		for _, q := range top.Queries {
			if q.Query == "보드게임" && q.Count == 3 {
				return true
			}
		}
		return false
	})
	waitFor(t, "the searches in the trending candidate pool", 30*time.Second, func() bool {
		var pool struct {
			Candidates []struct {
				Key   string `json:"key"`
				Users int64  `json:"users"`
			} `json:"candidates"`
		}
		if getJSON(t, s.base+"/api/v1/admin/trending/candidates", admin, &pool) != 200 {
			return false
		}
		for _, c := range pool.Candidates {
			if c.Key == "보드게임" {
				return true
			}
		}
		return false
	})
	// Every component reports itself up.
	waitFor(t, "every component up in /healthz?verbose=1", 30*time.Second, func() bool {
		var health struct {
			Status     engine.Health            `json:"status"`
			Components []engine.ComponentStatus `json:"components"`
		}
		getJSON(t, s.base+"/healthz?verbose=1", nil, &health)
		names := map[string]bool{}
		for _, c := range health.Components {
			names[c.Component] = c.Health == engine.HealthUp
		}
		return health.Status == engine.HealthUp && names["engine"] && names["trending_leader"] && names["log_queue"]
	})
	var snap struct {
		Items  []any          `json:"items"`
		Window map[string]any `json:"window"`
	}
	if code := getJSON(t, s.base+"/api/v1/trending?size=5", nil, &snap); code != 200 || snap.Window == nil {
		t.Fatalf("trending = %d %+v", code, snap)
	}
}

// Tokens of the end-to-end services (at least 16 bytes, as config requires).
const (
	e2eAdminToken = "e2e-admin-token-0123456789"
	e2eWriteToken = "e2e-write-token-0123456789"
)

// TestRunEndToEnd starts the whole embedded service on a free port with
// the demo data in production mode, uses it, then shuts it down through the
// context.
func TestRunEndToEnd(t *testing.T) {
	s := startService(t, append([]string{"-env", "production"}, embeddedArgs(t, time.Second)...), map[string]string{"SEARCHD_WRITE_TOKEN": e2eWriteToken})
	checkService(t, s)
	// Production: document writes need the write (or admin) token.
	put := func(token string) int {
		req, _ := http.NewRequest(http.MethodPut, s.base+"/api/v1/documents/e2e-1",
			strings.NewReader(`{"title":"토큰으로 쓴 문서","created_at":"2026-01-02T03:04:05Z"}`))
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for token, want := range map[string]int{"": 401, "wrong-token-0123456789": 401, e2eWriteToken: 200, e2eAdminToken: 200} {
		if got := put(token); got != want {
			t.Errorf("PUT with token %q = %d, want %d", token, got, want)
		}
	}
	if strings.Contains(s.stderr.String(), "UNAUTHENTICATED") {
		t.Error("production mode warned that writes are unauthenticated")
	}
	for _, tok := range []string{e2eAdminToken, e2eWriteToken, "wrong-token-0123456789"} {
		if strings.Contains(s.stderr.String(), tok) {
			t.Errorf("the log contains the token %q", tok)
		}
	}
	s.stop(t)
}

// TestRunElasticEndToEnd runs the whole service in elastic mode against
// the real OpenSearch node and a real redis-server.
func TestRunElasticEndToEnd(t *testing.T) {
	node := testenv.OpenSearch(t)
	redis := testenv.StartRedis(t)
	s := startService(t, []string{"-engine", "elastic", "-es-url", node.URL, "-es-prefix", node.Prefix(t),
		"-redis-addr", redis.Addr, "-demo", "-admin-token", e2eAdminToken, "-drain-delay", "300ms", "-trending-interval", "1s"}, nil)
	checkService(t, s)
	// Redis goes away: search still answers, and the status says which
	// components suffer (verbose health and the gauges).
	redis.Stop()
	waitFor(t, "redis down and the log queue degraded", 30*time.Second, func() bool {
		if code := getJSON(t, s.base+"/api/v1/search?q="+url.QueryEscape("등산"), nil, nil); code != http.StatusOK {
			t.Fatalf("search with Redis down = %d", code)
		}
		var health struct {
			Components []engine.ComponentStatus `json:"components"`
		}
		getJSON(t, s.base+"/healthz?verbose=1", nil, &health)
		got := map[string]engine.Health{}
		for _, c := range health.Components {
			got[c.Component] = c.Health
		}
		return got["redis"] == engine.HealthDown && got["log_queue"] == engine.HealthDegraded && got["engine"] == engine.HealthUp
	})
	resp, err := http.Get(s.base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(metrics), `searchd_component_status{component="redis",status="down"} 1`) {
		t.Error("the gauges do not say Redis is down")
	}
	s.cancel()
	<-s.done // Redis is gone: the graceful stop's own checks do not apply
}

// TestShutdownKeepsSearchLogs: in embedded mode the log queue lives in
// memory; a graceful shutdown right after a burst of searches drains it into
// the log index, so a restart finds every search.
func TestShutdownKeepsSearchLogs(t *testing.T) {
	dir := t.TempDir()
	args := []string{"-data", dir, "-demo", "-admin-token", e2eAdminToken}
	s := startService(t, args, nil)
	const n = 200
	for i := range n {
		h := map[string]string{"X-Session-ID": fmt.Sprintf("s%d", i)}
		if code := getJSON(t, s.base+"/api/v1/search?q="+url.QueryEscape("등산"), h, nil); code != 200 {
			t.Fatalf("search = %d", code)
		}
	}
	// Shut down at once (no drain delay), while the last events may still
	// be queued in memory.
	s.cancel()
	if err := <-s.done; err != nil {
		t.Fatalf("run = %v", err)
	}

	s = startService(t, append(args, "-drain-delay", "300ms"), nil)
	defer s.stop(t)
	// Development mode without a write token says so at start.
	if !strings.Contains(s.stderr.String(), "document writes are UNAUTHENTICATED") {
		t.Errorf("development mode did not warn that writes are unauthenticated:\n%s", s.stderr.String())
	}
	var top struct {
		Queries []struct {
			Query string `json:"query"`
			Count int64  `json:"count"`
		} `json:"queries"`
	}
	if code := getJSON(t, s.base+"/api/v1/admin/analytics/top-queries", map[string]string{"Authorization": "Bearer " + e2eAdminToken}, &top); code != 200 {
		t.Fatalf("top-queries = %d", code)
	}
	if len(top.Queries) == 0 || top.Queries[0].Query != "등산" || top.Queries[0].Count != n {
		t.Fatalf("after a restart the log index has %+v, want all %d searches for 등산", top.Queries, n)
	}
}
