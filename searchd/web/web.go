// Package web serves searchd's pages: the search page (/), the admin
// console (/admin) and the embeddable trending widget (/widget/trending).
// The static files are embedded in the binary; the pages call the same
// public and admin API as any client. Every file is gzip-compressed once
// at start and served compressed to clients that accept it.
package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/searchd/searchd/searchd/api"
)

//go:embed static
var static embed.FS

// Pages maps each page route to its file under static/.
var pages = map[string]string{
	"/":                "index.html",
	"/admin":           "admin.html",
	"/widget/trending": "widget.html",
}

// AssetsPrefix is where the scripts and styles are served.
const AssetsPrefix = "/assets/"

// Content-Security-Policy of the pages: scripts, styles and requests only
// from this origin, no inline code. Only the widget may be framed.
const (
	cspBase       = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'"
	cspPage       = cspBase + "; frame-ancestors 'none'"
	cspFramedPage = cspBase + "; frame-ancestors *"
)

// file is one embedded file, ready to serve.
type file struct {
	name  string
	ctype string
	raw   []byte
	gz    []byte
	etag  string
}

// Handler serves the pages and assets.
type Handler struct {
	files map[string]*file // by name under static/
}

// New loads and compresses every embedded file.
func New() (*Handler, error) {
	h := &Handler{files: map[string]*file{}}
	root, err := fs.Sub(static, "static")
	if err != nil {
		return nil, err
	}
	err = fs.WalkDir(root, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, err := fs.ReadFile(root, p)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		if _, err := zw.Write(raw); err != nil {
			return err
		}
		if err := zw.Close(); err != nil {
			return err
		}
		sum := sha256.Sum256(raw)
		ctype := mime.TypeByExtension(path.Ext(p))
		if ctype == "" {
			ctype = "application/octet-stream"
		}
		h.files[p] = &file{name: p, ctype: ctype, raw: raw, gz: buf.Bytes(), etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("web: load static files: %w", err)
	}
	for route, name := range pages {
		if h.files[name] == nil {
			return nil, fmt.Errorf("web: page %s: %s is not embedded", route, name)
		}
	}
	return h, nil
}

// Routes are the page and asset routes, for api.Deps.Extra.
func (h *Handler) Routes() []api.Route {
	var out []api.Route
	for route, name := range pages {
		f := h.files[name]
		framed := route == "/widget/trending"
		page := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			pageHeaders(w, framed)
			// Pages are revalidated on every load so a new binary's assets
			// are picked up at once; the ETag makes that a 304.
			h.serve(w, r, f, "no-cache")
		})
		out = append(out, getAndHead(route, page)...)
	}
	return append(out, getAndHead(AssetsPrefix+"*file", http.HandlerFunc(h.asset))...)
}

func getAndHead(path string, h http.Handler) []api.Route {
	return []api.Route{{Method: http.MethodGet, Path: path, Handler: h}, {Method: http.MethodHead, Path: path, Handler: h}}
}

// Paths lists the routes Routes registers (docs and tests).
func Paths() []string {
	out := []string{AssetsPrefix + "*file"}
	for route := range pages {
		out = append(out, route)
	}
	return out
}

func (h *Handler) asset(w http.ResponseWriter, r *http.Request) {
	name := "assets/" + strings.TrimPrefix(r.URL.Path, AssetsPrefix)
	f := h.files[name]
	if f == nil || strings.Contains(name, "..") {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		// The name is the client's: encode it, never splice it into JSON.
		msg, _ := json.Marshal("no asset " + strings.TrimPrefix(r.URL.Path, AssetsPrefix))
		fmt.Fprintf(w, `{"error":{"code":"not_found","message":%s}}`, msg)
		return
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	// Assets are small and revalidate cheaply; a short max-age keeps
	// repeat visits off the network without pinning old code for long.
	h.serve(w, r, f, "public, max-age=300")
}

// pageHeaders sets the security headers of an HTML page.
func pageHeaders(w http.ResponseWriter, framed bool) {
	hd := w.Header()
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "same-origin")
	if framed {
		hd.Set("Content-Security-Policy", cspFramedPage)
	} else {
		hd.Set("Content-Security-Policy", cspPage)
		hd.Set("X-Frame-Options", "DENY")
	}
}

func (h *Handler) serve(w http.ResponseWriter, r *http.Request, f *file, cache string) {
	hd := w.Header()
	hd.Set("Content-Type", f.ctype)
	hd.Set("Cache-Control", cache)
	hd.Set("ETag", f.etag)
	hd.Add("Vary", "Accept-Encoding")
	if match := r.Header.Get("If-None-Match"); match != "" && strings.Contains(match, f.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := f.raw
	if acceptsGzip(r.Header.Get("Accept-Encoding")) {
		hd.Set("Content-Encoding", "gzip")
		body = f.gz
	}
	hd.Set("Content-Length", fmt.Sprint(len(body)))
	if r.Method == http.MethodHead {
		return
	}
	w.Write(body)
}

// acceptsGzip reports whether an Accept-Encoding header allows gzip
// (gzip or *, with a q-value above zero).
func acceptsGzip(ae string) bool {
	for _, part := range strings.Split(ae, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.TrimSpace(name)
		if !strings.EqualFold(name, "gzip") && name != "*" {
			continue
		}
		if v, ok := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q="); ok {
			if q, err := strconv.ParseFloat(v, 64); err == nil && q <= 0 {
				return false
			}
		}
		return true
	}
	return false
}
