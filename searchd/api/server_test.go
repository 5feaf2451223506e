package api_test

import (
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/searchd/searchd/searchd/api"
	"github.com/searchd/searchd/searchd/engine"
)

func TestAdminToken(t *testing.T) {
	t.Run("no token configured refuses everything", func(t *testing.T) {
		f := newFixture(t, nil)
		for _, h := range []string{"Authorization: Bearer ", "X-Admin-Token: ", "X-Admin-Token: anything"} {
			f.do(t, http.MethodGet, "/api/v1/admin/stats", "", h).wantError(t, http.StatusServiceUnavailable, engine.Unavailable)
		}
	})
	t.Run("token configured", func(t *testing.T) {
		f := newFixture(t, func(d *api.Deps) { d.AdminToken = "s3cret-token" })
		r := f.do(t, http.MethodGet, "/api/v1/admin/stats", "")
		r.wantError(t, http.StatusUnauthorized, engine.Unauthorized)
		if r.Header.Get("WWW-Authenticate") == "" {
			t.Error("401 without WWW-Authenticate")
		}
		for _, h := range []string{"Authorization: Bearer s3cret-token", "Authorization: bearer s3cret-token", "X-Admin-Token: s3cret-token"} {
			r := f.do(t, http.MethodGet, "/api/v1/admin/stats", "", h)
			r.wantStatus(t, http.StatusOK)
			var st engine.Stats
			r.decode(t, &st)
			if st.Engine != "embedded" || st.Docs == 0 {
				t.Errorf("%s: stats = %+v", h, st)
			}
		}
		f.do(t, http.MethodGet, "/api/v1/admin/stats", "", "Authorization: Bearer s3cret-token-and-more").wantError(t, 401, engine.Unauthorized)
		r = f.do(t, http.MethodGet, "/api/v1/admin/versions", "", "X-Admin-Token: s3cret-token")
		r.wantStatus(t, http.StatusOK)
		var vs struct{ Versions []engine.Version }
		r.decode(t, &vs)
		if len(vs.Versions) != 1 || !vs.Versions[0].Live {
			t.Errorf("versions = %+v", vs.Versions)
		}
	})
}

func TestRequestID(t *testing.T) {
	f := newFixture(t, nil)
	if got := f.do(t, http.MethodGet, "/healthz", "", "X-Request-ID: abc-123.x:y_z").Header.Get(api.HeaderRequestID); got != "abc-123.x:y_z" {
		t.Errorf("sane id not honoured: %q", got)
	}
	generated := regexp.MustCompile(`^[0-9a-f]{32}$`)
	for _, bad := range []string{"", "has space", "new\nline", strings.Repeat("a", 129), "<script>"} {
		got := f.do(t, http.MethodGet, "/healthz", "", "X-Request-ID: "+bad).Header.Get(api.HeaderRequestID)
		if !generated.MatchString(got) {
			t.Errorf("id %q: response id %q, want a generated one", bad, got)
		}
	}
}

func TestHealthAndReadiness(t *testing.T) {
	f := newFixture(t, nil)
	f.do(t, http.MethodGet, "/healthz", "").wantStatus(t, http.StatusOK)
	f.do(t, http.MethodGet, "/readyz", "").wantStatus(t, http.StatusOK)

	f.srv.SetReady(false)
	f.do(t, http.MethodGet, "/readyz", "").wantError(t, http.StatusServiceUnavailable, engine.Unavailable)
	f.do(t, http.MethodGet, "/healthz", "").wantStatus(t, http.StatusOK)
	f.srv.SetReady(true)
	f.do(t, http.MethodGet, "/readyz", "").wantStatus(t, http.StatusOK)

	// A closed engine is not ready, and searches fail with a JSON error.
	if err := f.eng.Close(); err != nil {
		t.Fatal(err)
	}
	f.do(t, http.MethodGet, "/readyz", "").wantError(t, http.StatusServiceUnavailable, engine.Unavailable)
	r := f.do(t, http.MethodGet, "/api/v1/search?q=a", "")
	if r.Status < 500 {
		t.Errorf("search on a closed engine: status %d", r.Status)
	}
}

func TestPanicRecovery(t *testing.T) {
	f := newFixture(t, func(d *api.Deps) {
		d.Extra = []api.Route{{Method: http.MethodGet, Path: "/api/v1/boom", Handler: http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
			panic("kaboom")
		})}}
	})
	r := f.do(t, http.MethodGet, "/api/v1/boom", "")
	e := r.wantError(t, http.StatusInternalServerError, engine.Internal)
	if strings.Contains(e.Message, "kaboom") {
		t.Errorf("panic value leaked to the client: %q", e.Message)
	}
	f.do(t, http.MethodGet, "/healthz", "").wantStatus(t, http.StatusOK)
}

func TestExtraAdminRoute(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	f := newFixture(t, func(d *api.Deps) {
		d.AdminToken = "t"
		d.Extra = []api.Route{{Method: http.MethodPost, Path: "/api/v1/admin/synonyms/apply", Admin: true, Handler: ok}}
	})
	f.do(t, http.MethodPost, "/api/v1/admin/synonyms/apply", "").wantError(t, 401, engine.Unauthorized)
	f.do(t, http.MethodPost, "/api/v1/admin/synonyms/apply", "", "X-Admin-Token: t").wantStatus(t, http.StatusNoContent)

	_, err := api.NewServer(api.Deps{Service: nil})
	if err == nil {
		t.Error("NewServer without a service succeeded")
	}
}

func TestMetrics(t *testing.T) {
	f := newFixture(t, nil)
	f.do(t, http.MethodGet, "/api/v1/documents/secret-doc-id", "")
	f.do(t, http.MethodGet, "/some/raw/path/xyz", "")
	f.do(t, http.MethodGet, "/api/v1/search?q=rawquerytext", "")
	r := f.do(t, http.MethodGet, "/metrics", "")
	r.wantStatus(t, http.StatusOK)
	body := string(r.Body)
	for _, want := range []string{
		`searchd_http_request_duration_seconds_bucket{method="GET",route="/api/v1/documents/:id",status="404"`,
		`searchd_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
		`searchd_http_requests_total{method="GET",route="/api/v1/search",status="200"} 1`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	for _, leak := range []string{"secret-doc-id", "/some/raw/path", "rawquerytext"} {
		if strings.Contains(body, leak) {
			t.Errorf("metrics contain the raw %q", leak)
		}
	}
}

// TestRoutesDocumented keeps docs/api.md in step with the router.
func TestRoutesDocumented(t *testing.T) {
	f := newFixture(t, nil)
	doc, err := os.ReadFile("../../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, route := range f.srv.Routes() {
		if !strings.Contains(string(doc), "`"+route+"`") {
			t.Errorf("docs/api.md does not document `%s`", route)
		}
	}
}
