package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/searchd/searchd/internal/testenv"
)

// The browser tests drive Debian's chromium through the DevTools protocol
// against a real searchd started with run(). Screenshots go to
// $SEARCHD_SCREENSHOTS, by default searchd/web/testdata/screenshots/.

// newBrowser starts one headless chromium for a test.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path := testenv.Chromium(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.WindowSize(1280, 900), chromedp.Flag("lang", "ko-KR"), chromedp.Flag("hide-scrollbars", true))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(cancelBrowser)
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start chromium (%s): %v", path, err)
	}
	return bctx
}

// page is one browser tab with a log of its network requests.
type page struct {
	t   *testing.T
	ctx context.Context
	mu  sync.Mutex
	// urls of every request, in order; bytes transferred per request.
	urls       []string
	bytes      map[network.RequestID]float64
	exceptions []string
	// failed runs before a waitJS failure is reported (diagnostics).
	failed []func()
}

// use makes the page report to t (a subtest) until the returned func
// restores the previous test; subtests run one at a time.
func (p *page) use(t *testing.T) func() {
	prev := p.t
	p.t = t
	return func() { p.t = prev }
}

// onFailure adds a diagnostic to run when a wait fails.
func (p *page) onFailure(f func()) { p.failed = append(p.failed, f) }

// clearBox empties the search box as a user would (select all, delete).
func (p *page) clearBox() {
	p.t.Helper()
	p.do("clear the box", chromedp.Focus(chromedp.ID("q")),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('q').select()`), chromedp.KeyEvent(kb.Delete))
}

// setValue sets a field's value from script (as a paste would).
func setValue(id, v string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(el => { el.value = %s; el.dispatchEvent(new Event('input', {bubbles: true})); })(document.getElementById(%s))`, jsString(v), jsString(id)))
}

// noCache makes the tab load everything from the network, as a first visit.
func (p *page) noCache() {
	p.t.Helper()
	if _, err := chromedp.Call(p.ctx, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true}); err != nil {
		p.t.Fatalf("disable the cache: %v", err)
	}
}

// adminGet returns the body of an admin GET (diagnostics).
func adminGet(t *testing.T, base, path string) string {
	req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/admin"+path, nil)
	req.Header.Set("Authorization", "Bearer "+browserAdminToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func newPage(t *testing.T, browser context.Context) *page {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser)
	t.Cleanup(cancel)
	ctx, cancelTimeout := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(cancelTimeout)
	p := &page{t: t, ctx: ctx, bytes: map[network.RequestID]float64{}}
	// Any uncaught exception in the page fails the test.
	t.Cleanup(func() {
		p.mu.Lock()
		defer p.mu.Unlock()
		for _, e := range p.exceptions {
			t.Errorf("uncaught exception in the page: %s", e)
		}
	})
	if err := chromedp.Listen(ctx, func(ev any) {
		p.mu.Lock()
		defer p.mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			p.urls = append(p.urls, e.Request.URL)
		case *network.EventLoadingFinished:
			p.bytes[e.RequestID] = e.EncodedDataLength
		case *runtime.EventExceptionThrown:
			p.exceptions = append(p.exceptions, e.ExceptionDetails.Text+" "+describeException(e.ExceptionDetails))
		}
	}); err != nil {
		t.Fatalf("listen: %v", err)
	}
	return p
}

func (p *page) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, steps...); err != nil {
		p.t.Fatalf("%s: %v", what, err)
	}
}

// js evaluates an expression and decodes its value into T.
func js[T any](p *page, expr string) T {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		p.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// waitJS waits until expr is truthy in the page.
func (p *page) waitJS(what, expr string) {
	p.t.Helper()
	if _, err := chromedp.Run(p.ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(20*time.Second), chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		for _, f := range p.failed {
			f()
		}
		p.t.Fatalf("waiting for %s (%s): %v\nlocation %s, requests %v", what, expr, err, js[string](p, "location.href"), p.requests(""))
	}
}

// requests lists the request URLs (decoded) containing part.
func (p *page) requests(part string) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for _, u := range p.urls {
		if d, err := url.QueryUnescape(u); err == nil {
			u = d
		}
		if strings.Contains(u, part) {
			out = append(out, u)
		}
	}
	return out
}

// transferred is the sum of bytes received so far.
func (p *page) transferred() float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	var n float64
	for _, b := range p.bytes {
		n += b
	}
	return n
}

// screenshot writes a PNG of the viewport (full page when full).
func (p *page) screenshot(name string, full bool) {
	p.t.Helper()
	dir := os.Getenv("SEARCHD_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join("web", "testdata", "screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		p.t.Fatal(err)
	}
	shot := chromedp.CaptureScreenshot()
	if full {
		shot = chromedp.FullScreenshot(100)
	}
	buf, err := chromedp.Run(p.ctx, shot)
	if err != nil {
		p.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644); err != nil {
		p.t.Fatal(err)
	}
}

func (p *page) viewport(w, h int64, mobile bool) {
	p.t.Helper()
	var opts []chromedp.EmulateViewportOption
	if mobile {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	p.do("viewport", chromedp.EmulateViewport(w, h, opts...))
}

func (p *page) colorScheme(scheme string) {
	p.t.Helper()
	if _, err := chromedp.Call(p.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}}); err != nil {
		p.t.Fatalf("emulate %s: %v", scheme, err)
	}
}

// axeViolation is one serious or critical axe-core finding.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// checkAccessibility runs axe-core (from the local npm install) on the
// page and fails on serious or critical violations.
func (p *page) checkAccessibility(what, axe string) {
	p.t.Helper()
	if js[bool](p, "typeof window.axe === 'undefined'") {
		if _, err := chromedp.Run(p.ctx, chromedp.Evaluate[chromedp.Void](axe)); err != nil {
			p.t.Fatalf("inject axe-core: %v", err)
		}
	}
	raw := js[[]byte](p, `axe.run(document, {resultTypes: ['violations']}).then(r => r.violations
		.filter(v => v.impact === 'serious' || v.impact === 'critical')
		.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))})))`)
	var vs []axeViolation
	if err := json.Unmarshal(raw, &vs); err != nil {
		p.t.Fatalf("axe result %s: %v", raw, err)
	}
	for _, v := range vs {
		p.t.Errorf("accessibility (%s): %s %s: %s at %v", what, v.Impact, v.ID, v.Help, v.Nodes)
	}
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

var errNoDictionaries = errors.New("the dictionary admin API is not on this branch")

func fmtKB(b float64) string { return fmt.Sprintf("%.1f KB", b/1024) }

func itoa(n int) string { return fmt.Sprint(n) }

// searchFinds reports whether searching q finds a document containing word.
func searchFinds(t *testing.T, base, q, word string) bool {
	t.Helper()
	var res struct {
		Hits []struct {
			Document struct{ Title, Body string } `json:"document"`
		} `json:"hits"`
	}
	if getJSON(t, base+"/api/v1/search?size=50&as_typed=1&q="+url.QueryEscape(q), nil, &res) != 200 {
		return false
	}
	for _, h := range res.Hits {
		if strings.Contains(h.Document.Title+h.Document.Body, word) {
			return true
		}
	}
	return false
}

func describeException(d *runtime.ExceptionDetails) string {
	if d == nil {
		return ""
	}
	out := fmt.Sprintf("at %s:%d:%d", d.URL, d.LineNumber, d.ColumnNumber)
	if d.Exception != nil && d.Exception.Description != "" {
		out += ": " + d.Exception.Description
	}
	return out
}
