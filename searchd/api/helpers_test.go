package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/searchd/searchd/searchd/api"
	"github.com/searchd/searchd/searchd/engine"
	bleveengine "github.com/searchd/searchd/searchd/engine/bleve"
	"github.com/searchd/searchd/searchd/engine/conformance"
	"github.com/searchd/searchd/searchd/search"
)

// fixture is a server over a real embedded engine in a temp directory,
// loaded with the conformance documents.
type fixture struct {
	srv      *api.Server
	eng      *bleveengine.Engine
	registry *prometheus.Registry
	events   *recordingSink
	// extra are the test's own routes (Deps.Extra): not part of the
	// contract, so their responses are not checked against it.
	extra []api.Route
}

// recordingSink keeps the search events it receives.
type recordingSink struct {
	mu     sync.Mutex
	events []engine.SearchEvent
}

func (r *recordingSink) Publish(_ context.Context, ev engine.SearchEvent) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, ev)
}

func (r *recordingSink) last(t testing.TB) engine.SearchEvent {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.events) == 0 {
		t.Fatal("no search event was published")
	}
	return r.events[len(r.events)-1]
}

// newFixture opens an engine, indexes the conformance documents and
// builds a server; change adjusts the dependencies before NewServer.
func newFixture(t testing.TB, change func(*api.Deps)) *fixture {
	t.Helper()
	eng, err := bleveengine.Open(t.TempDir(), bleveengine.Options{Analysis: conformance.Settings()})
	if err != nil {
		t.Fatalf("open engine: %v", err)
	}
	t.Cleanup(func() { _ = eng.Close() })
	res, err := eng.IndexBatch(context.Background(), conformance.Documents(), true)
	if err != nil {
		t.Fatalf("index fixtures: %v", err)
	}
	for _, r := range res {
		if r.Error != nil {
			t.Fatalf("index fixture %s: %v", r.ID, r.Error)
		}
	}
	f := &fixture{eng: eng, registry: prometheus.NewRegistry(), events: &recordingSink{}}
	d := api.Deps{
		Service:  search.NewService(eng, f.events, zap.NewNop()),
		Logger:   zap.NewNop(),
		Registry: f.registry,
	}
	if change != nil {
		change(&d)
	}
	f.extra = d.Extra
	f.srv, err = api.NewServer(d)
	if err != nil {
		t.Fatalf("NewServer: %v", err)
	}
	return f
}

// response is a recorded answer.
type response struct {
	Status int
	Header http.Header
	Body   []byte
}

// do sends one request through the server; header is "Name: value" pairs.
func (f *fixture) do(t testing.TB, method, target, body string, header ...string) response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, target, rd)
	for _, h := range header {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	if !f.isExtra(req) {
		checkContract(t, req, rec) // every response the API tests see obeys docs/openapi.yaml
	}
	return response{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
}

// decode unmarshals the body into v, failing the test on bad JSON.
func (r response) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("response is not JSON (%v): %s", err, r.Body)
	}
}

// wantError checks the status and that the body is the JSON error shape
// with the given code.
func (r response) wantError(t testing.TB, status int, code engine.Code) engine.Error {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status = %d, want %d; body %s", r.Status, status, r.Body)
	}
	var body api.ErrorBody
	dec := json.NewDecoder(bytes.NewReader(r.Body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		t.Fatalf("error body is not {\"error\":{code,message}} (%v): %s", err, r.Body)
	}
	if body.Error.Code != code || body.Error.Message == "" {
		t.Fatalf("error = %+v, want code %q and a message", body.Error, code)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q, want JSON", ct)
	}
	return body.Error
}

func (r response) wantStatus(t testing.TB, status int) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status = %d, want %d; body %s", r.Status, status, r.Body)
	}
}
