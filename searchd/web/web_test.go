package web_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/searchd/searchd/searchd/web"
)

func server(t *testing.T) http.Handler {
	t.Helper()
	h, err := web.New()
	if err != nil {
		t.Fatal(err)
	}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	for _, rt := range h.Routes() {
		r.Handle(rt.Method, rt.Path, gin.WrapH(rt.Handler))
	}
	return r
}

func get(t *testing.T, h http.Handler, path string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

func TestPagesHaveSecurityHeaders(t *testing.T) {
	h := server(t)
	for _, path := range []string{"/", "/admin", "/widget/trending"} {
		w := get(t, h, path)
		if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
			t.Fatalf("%s = %d %s", path, w.Code, w.Header().Get("Content-Type"))
		}
		csp := w.Header().Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "style-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP %q must allow only this origin's scripts and styles", path, csp)
		}
		if w.Header().Get("X-Content-Type-Options") != "nosniff" || w.Header().Get("Referrer-Policy") == "" {
			t.Errorf("%s: headers %v", path, w.Header())
		}
		framed := path == "/widget/trending"
		if framed != strings.Contains(csp, "frame-ancestors *") || framed == (w.Header().Get("X-Frame-Options") == "DENY") {
			t.Errorf("%s: only the widget may be framed: CSP %q, X-Frame-Options %q", path, csp, w.Header().Get("X-Frame-Options"))
		}
		// No inline scripts or styles in the page itself.
		body := w.Body.String()
		if regexp.MustCompile(`<script(?:\s+type="module")?>|<style|style="|\son[a-z]+=`).MatchString(body) {
			t.Errorf("%s has inline script or style", path)
		}
		if !strings.Contains(body, `<html lang="ko">`) {
			t.Errorf("%s is not lang=ko", path)
		}
	}
}

func TestAssetsGzipAndRevalidate(t *testing.T) {
	h := server(t)
	plain := get(t, h, "/assets/searchbox.js")
	if plain.Code != 200 || !strings.Contains(plain.Header().Get("Content-Type"), "javascript") || plain.Header().Get("Content-Encoding") != "" {
		t.Fatalf("plain = %d %v", plain.Code, plain.Header())
	}
	gz := get(t, h, "/assets/searchbox.js", "Accept-Encoding", "br, gzip;q=0.8")
	if gz.Header().Get("Content-Encoding") != "gzip" || gz.Body.Len() >= plain.Body.Len() {
		t.Fatalf("gzip = %v, %d bytes of %d", gz.Header(), gz.Body.Len(), plain.Body.Len())
	}
	zr, err := gzip.NewReader(gz.Body)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(zr); !bytes.Equal(b, plain.Body.Bytes()) {
		t.Fatal("the gzip body differs from the file")
	}
	if w := get(t, h, "/assets/searchbox.js", "Accept-Encoding", "gzip;q=0"); w.Header().Get("Content-Encoding") != "" {
		t.Error("gzip;q=0 still got gzip")
	}
	etag := plain.Header().Get("ETag")
	if w := get(t, h, "/assets/searchbox.js", "If-None-Match", etag); w.Code != http.StatusNotModified || w.Body.Len() != 0 {
		t.Errorf("revalidation = %d", w.Code)
	}
	if !strings.Contains(plain.Header().Get("Cache-Control"), "max-age") || get(t, h, "/").Header().Get("Cache-Control") != "no-cache" {
		t.Error("cache headers")
	}
	// The last: control characters and a quote in the name (schemathesis
	// found the name spliced raw into the JSON).
	for _, bad := range []string{"/assets/nope.js", "/assets/../web.go", "/assets/%04%1F%22%7D%7B"} {
		w := get(t, h, bad)
		if w.Code != http.StatusNotFound || !strings.Contains(w.Body.String(), `"not_found"`) || !json.Valid(w.Body.Bytes()) {
			t.Errorf("%q = %d %s", bad, w.Code, w.Body)
		}
	}
}

// TestFirstLoadBudget: the search page and every asset it loads (the
// module graph from index.html), gzip-compressed, stay under 100 KB.
func TestFirstLoadBudget(t *testing.T) {
	h := server(t)
	seen := map[string]bool{}
	total := 0
	var visit func(path string)
	imports := regexp.MustCompile(`(?:from\s+|import\s*\(?\s*)'(\./[^']+)'|(?:href|src)="(/assets/[^"]+)"`)
	visit = func(path string) {
		if seen[path] {
			return
		}
		seen[path] = true
		w := get(t, h, path, "Accept-Encoding", "gzip")
		if w.Code != 200 {
			t.Fatalf("%s = %d", path, w.Code)
		}
		total += w.Body.Len()
		plain := get(t, h, path).Body.String()
		for _, m := range imports.FindAllStringSubmatch(plain, -1) {
			if m[1] != "" {
				visit("/assets/" + strings.TrimPrefix(m[1], "./"))
			} else {
				visit(m[2])
			}
		}
	}
	visit("/")
	t.Logf("first load of /: %d files, %.1f KB gzip (page and assets, without API answers)", len(seen), float64(total)/1024)
	if len(seen) < 5 {
		t.Fatalf("found only %v", seen)
	}
	if total > 100*1024 {
		t.Errorf("first load is %d bytes, over the 100 KB budget", total)
	}
}

// TestPageRoutesDocumented: docs/api.md lists every page route.
func TestPageRoutesDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range web.Paths() {
		if !strings.Contains(string(doc), "`GET "+p+"`") {
			t.Errorf("docs/api.md does not document `GET %s`", p)
		}
	}
}
