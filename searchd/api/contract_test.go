package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/searchd/searchd/docs"
	"github.com/searchd/searchd/searchd/api"
	"github.com/searchd/searchd/searchd/web"
)

// The API contract (docs/openapi.yaml), loaded and validated once.
var contract struct {
	once   sync.Once
	doc    *openapi3.T
	router routers.Router
	err    error
}

func loadContract(tb testing.TB) (*openapi3.T, routers.Router) {
	tb.Helper()
	contract.once.Do(func() {
		ctx := context.Background()
		l := openapi3.NewLoader()
		doc, err := l.LoadFromData(docs.OpenAPIYAML())
		if err != nil {
			contract.err = err
			return
		}
		if err = doc.Validate(ctx); err != nil {
			contract.err = err
			return
		}
		// Match requests to any host (tests use httptest's example.com).
		doc.Servers = nil
		contract.doc = doc
		contract.router, contract.err = legacy.NewRouter(doc)
	})
	if contract.err != nil {
		tb.Fatalf("docs/openapi.yaml: %v", contract.err)
	}
	return contract.doc, contract.router
}

// checkContract validates a response the server gave to req against the
// contract: its status must be listed for the operation and its headers
// and body must match the schema. Responses for paths or methods the spec
// has no operation for (the router's 404 and 405) must still be the error
// body. Every request sent through fixture.do passes here.
func checkContract(tb testing.TB, req *http.Request, rec *httptest.ResponseRecorder) {
	tb.Helper()
	doc, router := loadContract(tb)
	route, params, err := router.FindRoute(req)
	if err != nil {
		if rec.Code != http.StatusNotFound && rec.Code != http.StatusMethodNotAllowed {
			tb.Errorf("contract: %s %s answered %d but the spec has no such operation (%v)", req.Method, req.URL.Path, rec.Code, err)
			return
		}
		var body any
		if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
			tb.Errorf("contract: %d for %s %s is not JSON: %s", rec.Code, req.Method, req.URL.Path, rec.Body.Bytes())
			return
		}
		schema := doc.Components.Schemas["Error"].Value
		if err := schema.VisitJSON(body, openapi3.EnableJSONSchema2020()); err != nil {
			tb.Errorf("contract: %d for %s %s is not the error body: %v", rec.Code, req.Method, req.URL.Path, err)
		}
		return
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 rec.Code,
		Header:                 rec.Header(),
		Body:                   io.NopCloser(bytes.NewReader(rec.Body.Bytes())),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	if err := openapi3filter.ValidateResponse(req.Context(), in); err != nil {
		body := rec.Body.String()
		if len(body) > 600 {
			body = body[:600] + "…"
		}
		tb.Errorf("contract: %s %s → %d does not match docs/openapi.yaml:\n%v\nbody: %s", req.Method, req.URL.RequestURI(), rec.Code, err, body)
	}
}

// isExtra reports whether req is for one of the fixture's own routes.
func (f *fixture) isExtra(req *http.Request) bool {
	for _, e := range f.extra {
		if e.Method == req.Method && pathMatches(e.Path, req.URL.Path) {
			return true
		}
	}
	return false
}

// pathMatches matches a gin path template (/x/:id) against a path.
func pathMatches(template, path string) bool {
	ts, ps := strings.Split(template, "/"), strings.Split(path, "/")
	if len(ts) != len(ps) {
		return false
	}
	for i, seg := range ts {
		if !strings.HasPrefix(seg, ":") && seg != ps[i] {
			return false
		}
	}
	return true
}

var specParam = regexp.MustCompile(`\{([^}]+)\}`)

// TestOpenAPIMatchesRoutes: the spec has an operation for every route the
// router serves — the API's and the pages' (searchd/web, mounted as extra
// routes as run does) — and the router serves every operation of the spec.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	doc, _ := loadContract(t)
	var inSpec []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			inSpec = append(inSpec, strings.ToUpper(method)+" "+specParam.ReplaceAllString(path, ":$1"))
		}
	}
	pages, err := web.New()
	if err != nil {
		t.Fatal(err)
	}
	var routes []string
	for _, r := range newFixture(t, func(d *api.Deps) { d.Extra = pages.Routes() }).srv.Routes() {
		// A catch-all (/assets/*file) is a path parameter in the spec.
		routes = append(routes, strings.Replace(r, "/*", "/:", 1))
	}
	for _, r := range routes {
		if !slices.Contains(inSpec, r) {
			t.Errorf("route %s is not in docs/openapi.yaml", r)
		}
	}
	for _, op := range inSpec {
		if !slices.Contains(routes, op) {
			t.Errorf("docs/openapi.yaml has %s, which the router does not serve", op)
		}
	}
}

// TestOpenAPIServed: the document is served as JSON, equal to the file.
func TestOpenAPIServed(t *testing.T) {
	f := newFixture(t, nil)
	r := f.do(t, http.MethodGet, api.OpenAPIPath, "")
	r.wantStatus(t, http.StatusOK)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type = %q", ct)
	}
	served, err := openapi3.NewLoader().LoadFromData(r.Body)
	if err != nil {
		t.Fatalf("the served document does not load: %v", err)
	}
	if served.OpenAPI != "3.1.0" || served.Paths.Len() != loadContractLen(t) {
		t.Fatalf("served openapi %q with %d paths", served.OpenAPI, served.Paths.Len())
	}
}

func loadContractLen(t *testing.T) int {
	doc, _ := loadContract(t)
	return doc.Paths.Len()
}

// The validation itself must catch a response that breaks the contract.
func TestContractCatchesViolations(t *testing.T) {
	loadContract(t)
	cases := []struct {
		name   string
		method string
		target string
		status int
		body   string
	}{
		{"status not in the spec", http.MethodGet, "/healthz", http.StatusTeapot, `{"error":{"code":"x","message":"y"}}`},
		{"body missing a required field", http.MethodGet, "/api/v1/autocomplete?q=a", http.StatusOK, `{"query":"a"}`},
		{"error body of the wrong shape", http.MethodGet, "/api/v1/search?q=a", http.StatusBadRequest, `{"message":"bad"}`},
		{"unknown route with a non-error body", http.MethodGet, "/nope", http.StatusNotFound, `{"ok":true}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			rec.Header().Set("Content-Type", "application/json")
			rec.Header().Set("X-Request-ID", "r1")
			rec.WriteHeader(tc.status)
			rec.WriteString(tc.body)
			ft := &failRecorder{TB: t}
			checkContract(ft, httptest.NewRequest(tc.method, tc.target, nil), rec)
			if !ft.failed {
				t.Fatalf("checkContract accepted %d %s for %s %s", tc.status, tc.body, tc.method, tc.target)
			}
		})
	}
}

// failRecorder records Errorf instead of failing the test.
type failRecorder struct {
	testing.TB
	failed bool
}

func (f *failRecorder) Errorf(string, ...any) { f.failed = true }
func (f *failRecorder) Helper()               {}
