package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/searchd/searchd/searchd/api"
	"github.com/searchd/searchd/searchd/engine"
)

const (
	testAdminToken = "admin-token-0123456789abcdef"
	testWriteToken = "write-token-0123456789abcdef"
	wrongToken     = "wrong-token-0123456789abcdef"
)

// wantScope is the access policy, written down independently of the
// router: admin routes need the admin token, changing documents needs the
// write token, everything else (search, autocomplete, trending, analyze,
// pages, health, metrics, reading a document) is public.
func wantScope(method, path string) api.Scope {
	switch {
	case strings.HasPrefix(path, api.AdminPrefix+"/"):
		return api.ScopeAdmin
	case strings.HasPrefix(path, "/api/v1/documents") && method != http.MethodGet && method != http.MethodHead:
		return api.ScopeWrite
	}
	return api.ScopePublic
}

// concretePath fills a route template's parameters.
func concretePath(tmpl string) string {
	parts := strings.Split(tmpl, "/")
	for i, p := range parts {
		switch {
		case p == ":version":
			parts[i] = "1"
		case strings.HasPrefix(p, ":"), strings.HasPrefix(p, "*"):
			parts[i] = "scope-test"
		}
	}
	return strings.Join(parts, "/")
}

// call sends one request from a given client address with a token.
func call(t testing.TB, h http.Handler, method, target, token, remote string) *httptest.ResponseRecorder {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req := httptest.NewRequestWithContext(ctx, method, target, strings.NewReader("{}"))
	req.RemoteAddr = remote
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// TestEveryRouteScope calls every registered route (the router's own list,
// so routes added later are covered) with no token, a wrong token, the
// write token and the admin token, and checks the answer against the
// policy.
func TestEveryRouteScope(t *testing.T) {
	f := newFixture(t, func(d *api.Deps) { d.AdminToken, d.WriteToken = testAdminToken, testWriteToken })
	tokens := []struct {
		name, token string
		grants      api.Scope
	}{
		{"no token", "", api.ScopePublic},
		{"wrong token", wrongToken, api.ScopePublic},
		{"write token", testWriteToken, api.ScopeWrite},
		{"admin token", testAdminToken, api.ScopeAdmin},
	}
	routes := f.srv.Routes()
	if len(routes) < 15 {
		t.Fatalf("only %d routes: %v", len(routes), routes)
	}
	for i, route := range routes {
		method, tmpl, _ := strings.Cut(route, " ")
		need := wantScope(method, tmpl)
		for j, tk := range tokens {
			t.Run(route+"/"+tk.name, func(t *testing.T) {
				// Each call from its own address: wrong tokens must not add
				// up to the failed-authentication limit here.
				remote := fmt.Sprintf("10.%d.%d.1:4000", i, j)
				rec := call(t, f.srv, method, concretePath(tmpl), tk.token, remote)
				refused := rec.Code == http.StatusUnauthorized || rec.Code == http.StatusTooManyRequests
				switch {
				case tk.grants >= need && refused:
					t.Errorf("%s needs %s; %s was refused: %d %s", route, need, tk.name, rec.Code, rec.Body)
				case tk.grants < need && rec.Code != http.StatusUnauthorized:
					t.Errorf("%s needs %s; %s got %d, want 401: %s", route, need, tk.name, rec.Code, rec.Body)
				case tk.grants < need && rec.Header().Get("WWW-Authenticate") == "":
					t.Errorf("%s: 401 without WWW-Authenticate", route)
				}
			})
		}
	}
}

// TestWritesOpenWithoutWriteToken is development mode: no write token
// configured means document writes need none (main logs a warning), while
// the admin API still needs its token.
func TestWritesOpenWithoutWriteToken(t *testing.T) {
	f := newFixture(t, func(d *api.Deps) { d.AdminToken = testAdminToken })
	f.do(t, http.MethodPut, "/api/v1/documents/dev-1", `{"title":"개발 모드 문서"}`).wantStatus(t, http.StatusOK)
	f.do(t, http.MethodDelete, "/api/v1/documents/dev-1", "").wantStatus(t, http.StatusOK)
	f.do(t, http.MethodGet, "/api/v1/admin/stats", "").wantError(t, http.StatusUnauthorized, engine.Unauthorized)
	// The anonymous mass delete of the issue: with a write token set, an
	// anonymous client deletes nothing.
	g := newFixture(t, func(d *api.Deps) { d.AdminToken, d.WriteToken = testAdminToken, testWriteToken })
	g.do(t, http.MethodDelete, "/api/v1/documents/samsung-study", "").wantError(t, http.StatusUnauthorized, engine.Unauthorized)
	g.do(t, http.MethodGet, "/api/v1/documents/samsung-study", "").wantStatus(t, http.StatusOK)
}

// TestAuthRateLimit: after 10 wrong tokens from one address within a
// minute, that address gets 429 with Retry-After — also with the right
// token — until the window has passed; other addresses are unaffected;
// failures are counted in metrics and logged without the token.
func TestAuthRateLimit(t *testing.T) {
	core, logs := observer.New(zapcore.DebugLevel)
	f := newFixture(t, func(d *api.Deps) {
		d.AdminToken, d.WriteToken = testAdminToken, testWriteToken
		d.Logger = zap.New(core)
	})
	var mu sync.Mutex
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	f.srv.SetClock(func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	const attacker, other = "198.51.100.7:5000", "198.51.100.8:5000"

	for i := range 10 {
		rec := call(t, f.srv, http.MethodGet, "/api/v1/admin/stats", fmt.Sprintf("guess-%02d-0123456789", i), attacker)
		if rec.Code != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d, want 401", i, rec.Code)
		}
		advance(time.Second)
	}
	for _, tok := range []string{"guess-10-0123456789", testAdminToken, testWriteToken} {
		rec := call(t, f.srv, http.MethodGet, "/api/v1/admin/stats", tok, attacker)
		if rec.Code != http.StatusTooManyRequests {
			t.Fatalf("after 10 failures: %d, want 429: %s", rec.Code, rec.Body)
		}
		if ra := rec.Header().Get("Retry-After"); ra != "50" {
			t.Errorf("Retry-After = %q, want 50 (a one-minute window that began 10 s ago)", ra)
		}
	}
	// Writes from that address are held too; public routes are not.
	if rec := call(t, f.srv, http.MethodDelete, "/api/v1/documents/samsung-study", testWriteToken, attacker); rec.Code != http.StatusTooManyRequests {
		t.Errorf("write from the blocked address: %d, want 429", rec.Code)
	}
	if rec := call(t, f.srv, http.MethodGet, "/api/v1/search?q=a", "", attacker); rec.Code != http.StatusOK {
		t.Errorf("search from the blocked address: %d, want 200", rec.Code)
	}
	if rec := call(t, f.srv, http.MethodGet, "/api/v1/admin/stats", testAdminToken, other); rec.Code != http.StatusOK {
		t.Errorf("another address: %d, want 200", rec.Code)
	}
	advance(50 * time.Second) // the window (one minute from the first failure) has passed
	if rec := call(t, f.srv, http.MethodGet, "/api/v1/admin/stats", testAdminToken, attacker); rec.Code != http.StatusOK {
		t.Errorf("after the window: %d, want 200: %s", rec.Code, rec.Body)
	}

	metrics := string(f.do(t, http.MethodGet, "/metrics", "").Body)
	for _, want := range []string{
		`searchd_auth_failures_total{reason="wrong_token",scope="admin"} 10`,
		`searchd_auth_failures_total{reason="rate_limited",scope="admin"} 3`,
		`searchd_auth_failures_total{reason="rate_limited",scope="write"} 1`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	failed := logs.FilterMessage("authentication failed").All()
	if len(failed) != 10 {
		t.Errorf("%d 'authentication failed' log entries, want 10", len(failed))
	}
	for _, e := range logs.All() {
		line := fmt.Sprint(e.Message, e.ContextMap())
		if strings.Contains(line, "guess-") || strings.Contains(line, testAdminToken) || strings.Contains(line, testWriteToken) {
			t.Errorf("a log entry contains a presented token: %s", line)
		}
	}
	if len(failed) > 0 && failed[0].ContextMap()["client"] != "198.51.100.7" {
		t.Errorf("failure logged without the client address: %v", failed[0].ContextMap())
	}
}

// TestIPv6ClientsShareTheirPrefix: one host usually holds a whole /64, so
// rotating addresses within it does not escape the limit.
func TestIPv6ClientsShareTheirPrefix(t *testing.T) {
	f := newFixture(t, func(d *api.Deps) { d.AdminToken = testAdminToken })
	for i := range 10 {
		call(t, f.srv, http.MethodGet, "/api/v1/admin/stats", wrongToken, fmt.Sprintf("[2001:db8:1:2::%x]:443", i+1))
	}
	if rec := call(t, f.srv, http.MethodGet, "/api/v1/admin/stats", testAdminToken, "[2001:db8:1:2::ffff]:443"); rec.Code != http.StatusTooManyRequests {
		t.Errorf("another address of the same /64: %d, want 429", rec.Code)
	}
	if rec := call(t, f.srv, http.MethodGet, "/api/v1/admin/stats", testAdminToken, "[2001:db8:1:3::1]:443"); rec.Code != http.StatusOK {
		t.Errorf("another /64: %d, want 200", rec.Code)
	}
}
