package api_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/searchd/searchd/internal/testenv"
	"github.com/searchd/searchd/searchd/api"
	"github.com/searchd/searchd/searchd/engine"
	"github.com/searchd/searchd/searchd/engine/conformance"
	"github.com/searchd/searchd/searchd/engine/elastic"
	"github.com/searchd/searchd/searchd/search"
)

// TestHungAndDeadEngine runs the API over the elastic engine on a dedicated
// OpenSearch node (never the shared one), freezes the node (SIGSTOP: it
// accepts connections and never answers) and then kills it. A hung node
// answers 504 engine_timeout at the search deadline — before, searches
// hung 10 s and answered 499 canceled, a client error that 5xx alerting
// misses; a dead one 503 engine_unavailable. No message names an internal
// URL.
func TestHungAndDeadEngine(t *testing.T) {
	node := testenv.StartOpenSearch(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	eng, err := elastic.Open(ctx, elastic.Options{URLs: []string{node.URL}, Prefix: "fault-", Analysis: conformance.Settings(), Logger: zap.NewNop()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = eng.Close() })
	for eng.Ready(ctx) != nil {
		if ctx.Err() != nil {
			t.Fatalf("the engine never became ready: %v", eng.Ready(context.Background()))
		}
		time.Sleep(200 * time.Millisecond)
	}
	if _, err := eng.IndexBatch(ctx, conformance.Documents(), true); err != nil {
		t.Fatal(err)
	}
	const searchTimeout = api.DefaultSearchTimeout
	srv, err := api.NewServer(api.Deps{Service: search.NewService(eng, nil, zap.NewNop()), Registry: prometheus.NewRegistry(), SearchTimeout: searchTimeout})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{srv: srv}
	ts := tcpServer(t, f, 30*time.Second)
	get := func(path string) (int, engine.Error, time.Duration) {
		start := time.Now()
		resp, err := http.Get(ts.URL + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		took := time.Since(start)
		if resp.StatusCode == http.StatusOK {
			resp.Body.Close()
			return resp.StatusCode, engine.Error{}, took
		}
		return resp.StatusCode, readError(t, resp), took
	}
	search := "/api/v1/search?q=" + url.QueryEscape("삼성전자")
	// A cold JVM on a busy machine may miss the first deadlines: warm up.
	for warm := time.Now().Add(2 * time.Minute); ; {
		code, e, _ := get(search)
		if code == http.StatusOK {
			break
		}
		if time.Now().After(warm) {
			t.Fatalf("healthy node: %d %+v", code, e)
		}
		time.Sleep(500 * time.Millisecond)
	}
	noInternals := func(e engine.Error) {
		t.Helper()
		for _, leak := range []string{"http://", "127.0.0.1", strings.TrimPrefix(node.URL, "http://")} {
			if strings.Contains(e.Message, leak) {
				t.Errorf("message %q names an internal address", e.Message)
			}
		}
	}

	t.Run("hung", func(t *testing.T) {
		if err := node.Freeze(); err != nil {
			t.Fatal(err)
		}
		defer func() { _ = node.Thaw() }()
		var took []time.Duration
		for i := range 5 {
			path := search
			if i%2 == 1 {
				path = "/api/v1/autocomplete?q=" + url.QueryEscape("삼성")
			}
			code, e, d := get(path)
			took = append(took, d)
			switch {
			case i == 0 && (code != http.StatusGatewayTimeout || e.Code != engine.EngineTimeout):
				t.Errorf("first search on a hung node: %d %+v, want 504 engine_timeout", code, e)
			case code != http.StatusGatewayTimeout && code != http.StatusServiceUnavailable:
				// Once the client has marked the node dead it fails fast with
				// 503 engine_unavailable: also a server error, also in time.
				t.Errorf("search %d on a hung node: %d %+v, want 504 or 503", i, code, e)
			}
			noInternals(e)
			// Not a latency claim: a hang (the 10 s of before) fails this.
			if d > searchTimeout+3*time.Second {
				t.Errorf("search %d answered after %s; the search deadline is %s", i, d, searchTimeout)
			}
		}
		slices.Sort(took)
		t.Logf("hung node, search deadline %s: answers after %s (min) … %s (max)", searchTimeout, took[0].Round(time.Millisecond), took[len(took)-1].Round(time.Millisecond))
	})
	t.Run("recovers", func(t *testing.T) {
		deadline := time.Now().Add(time.Minute)
		for {
			code, _, _ := get(search)
			if code == http.StatusOK {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("searches still fail (%d) a minute after the node resumed", code)
			}
			time.Sleep(200 * time.Millisecond)
		}
	})
	t.Run("dead", func(t *testing.T) {
		node.Kill()
		var took []time.Duration
		for i := range 3 {
			code, e, d := get(search)
			took = append(took, d)
			if code != http.StatusServiceUnavailable || e.Code != engine.EngineUnavailable {
				t.Errorf("search %d on a dead node: %d %+v, want 503 engine_unavailable", i, code, e)
			}
			noInternals(e)
		}
		r := f.do(t, http.MethodPut, "/api/v1/documents/after-death", `{"title":"죽은 노드에 쓰기"}`)
		e := r.wantError(t, http.StatusServiceUnavailable, engine.EngineUnavailable)
		noInternals(e)
		slices.Sort(took)
		t.Logf("dead node: answers after %s … %s", took[0].Round(time.Millisecond), took[len(took)-1].Round(time.Millisecond))
	})
}
