package main

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/searchd/searchd/internal/testenv"
)

const browserAdminToken = "browser-admin-token-0123456789"

// TestBrowser drives the pages in chromium against the embedded service
// with the demo data: the search box (keys, IME composition, keyboard
// layout), results, facets, URL state, the trending widget, accessibility,
// page weight and the admin console.
func TestBrowser(t *testing.T) {
	axe := testenv.Axe(t)
	browser := newBrowser(t)
	s := startService(t, []string{"-data", t.TempDir(), "-demo", "-admin-token", browserAdminToken,
		"-drain-delay", "100ms", "-trending-interval", "1s"}, nil)
	base := s.base

	// First, on the fresh service: a keyword rises against the usual
	// traffic, and with no other searches yet the burst is all of it.
	t.Run("trending burst", func(t *testing.T) {
		// Twelve people search the same thing: it rises into the widget.
		for i := range 12 {
			req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/search?q="+url.QueryEscape("보드게임"), nil)
			req.Header.Set("X-Session-ID", "burst-"+strconv.Itoa(i))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
		}
		p := newPage(t, browser)
		p.viewport(360, 420, false)
		p.do("open the widget", chromedp.Navigate(base+"/widget/trending"))
		p.onFailure(func() { t.Logf("trending candidates: %s", adminGet(t, base, "/trending/candidates")) })
		p.waitJS("the keyword in the widget", `[...document.querySelectorAll('.trending-list .keyword')].some(k => k.textContent.includes('보드게임'))`)
		if mv := js[string](p, `[...document.querySelectorAll('.trending-list li')].find(li => li.textContent.includes('보드게임')).querySelector('.move').textContent`); mv != "NEW" && !strings.HasPrefix(mv, "▲") && mv != "–" {
			t.Errorf("movement %q", mv)
		}
		if js[string](p, `document.querySelector('.trending-time')?.textContent || ''`) == "" {
			t.Error("no snapshot time in the widget")
		}
		p.screenshot("trending-widget", false)
		// On the search page a click searches it.
		sp := newPage(t, browser)
		sp.do("open /", chromedp.Navigate(base+"/"))
		sp.waitJS("the keyword on the page", `[...document.querySelectorAll('#trending .keyword')].some(k => k.textContent.includes('보드게임'))`)
		sp.do("click it", chromedp.Click(chromedp.CSS("#trending .trending-list a")))
		sp.waitJS("its results", `new URLSearchParams(location.search).get('q').includes('보드게임') && document.querySelectorAll('#results .hit').length > 0`)
		sp.viewport(1280, 900, false)
		sp.waitJS("the keyword still in the widget", `[...document.querySelectorAll('#trending .keyword')].some(k => k.textContent.includes('보드게임'))`)
		sp.screenshot("search-with-trending", false)
		// Moderation, while the keyword is still rising (later searches of
		// other keywords on this fresh service make it look usual again).
		browserModeration(t, browser, base, axe)
	})

	t.Run("page weight", func(t *testing.T) {
		p := newPage(t, browser)
		p.noCache()
		p.do("open /", chromedp.Navigate(base+"/"))
		p.waitJS("the trending widget", `document.querySelector('#trending h2') !== null`)
		p.do("settle", chromedp.Sleep(300*time.Millisecond))
		empty := p.transferred()
		p2 := newPage(t, browser)
		p2.noCache()
		p2.do("open a search", chromedp.Navigate(base+"/?q="+url.QueryEscape("보드게임")))
		p2.waitJS("results", `document.querySelectorAll('#results .hit').length > 0`)
		p2.do("settle", chromedp.Sleep(300*time.Millisecond))
		withResults := p2.transferred()
		t.Logf("page weight: first load of / %s transferred; of /?q=보드게임 with 10 results %s", fmtKB(empty), fmtKB(withResults))
		if empty > 100*1024 || withResults > 100*1024 {
			t.Errorf("first load over the 100 KB budget: %s, %s", fmtKB(empty), fmtKB(withResults))
		}
	})

	t.Run("type key by key, mid-syllable, wrong layout, keyboard", func(t *testing.T) {
		p := newPage(t, browser)
		p.do("open /", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.ID("q")))
		p.do("type 삼 then ㅅ", chromedp.Click(chromedp.ID("q")), chromedp.SendKeys(chromedp.ID("q"), "삼"),
			chromedp.Sleep(30*time.Millisecond), chromedp.SendKeys(chromedp.ID("q"), "ㅅ"))
		p.waitJS("the dropdown for 삼ㅅ", `!document.getElementById('suggestions').hidden &&
			[...document.querySelectorAll('#suggestions [role=option]')].some(o => o.textContent === '삼성전자')`)
		// The trending widget refreshes every second meanwhile: what the
		// user typed stays.
		p.do("wait for a trending refresh", chromedp.Sleep(1500*time.Millisecond))
		if v := js[string](p, `document.getElementById('q').value`); v != "삼ㅅ" {
			t.Errorf("input = %q, want 삼ㅅ", v)
		}
		if got := js[string](p, `document.getElementById('q').getAttribute('aria-expanded')`); got != "true" {
			t.Errorf("aria-expanded = %s while the list is open", got)
		}
		p.viewport(1280, 900, false)
		p.screenshot("dropdown", false)

		// Wrong layout: tkatjd is 삼성 typed on an English layout.
		p.clearBox()
		p.do("type tkatjd", chromedp.SendKeys(chromedp.ID("q"), "tkatjd"))
		p.waitJS("the corrected suggestion", `document.querySelector('#suggestions [role=option]')?.textContent === '삼성전자'`)

		// ↓ selects, Esc closes, ↓ reopens, Enter searches the selection.
		p.do("arrow down", chromedp.KeyEvent(kb.ArrowDown))
		if got := js[string](p, `document.getElementById('q').getAttribute('aria-activedescendant')`); got != "suggestion-0" {
			t.Errorf("aria-activedescendant = %q after ↓", got)
		}
		p.do("escape", chromedp.KeyEvent(kb.Escape))
		p.waitJS("the list to close", `document.getElementById('suggestions').hidden`)
		p.do("arrow down, enter", chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.Enter))
		p.waitJS("the chosen suggestion's results", `location.search === '?q=' + encodeURIComponent('삼성전자') && document.querySelectorAll('#results .hit').length > 0`)

		// Mouse: a click on an option searches it.
		p.clearBox()
		p.do("type 보드", chromedp.SendKeys(chromedp.ID("q"), "보드"))
		p.waitJS("the 보드 list", `[...document.querySelectorAll('#suggestions [role=option]')].some(o => o.textContent === '보드게임')`)
		p.do("click 보드게임", chromedp.Click(chromedp.CSS("#suggestions [role=option]:first-child")))
		p.waitJS("the clicked suggestion's results", `new URLSearchParams(location.search).get('q') === '보드게임' && document.querySelectorAll('#results .hit').length > 0`)

		// Touch, on a phone: a tap on an option searches it.
		p.viewport(390, 844, true)
		p.clearBox()
		p.do("type 독서", chromedp.SendKeys(chromedp.ID("q"), "독서"))
		p.waitJS("the 독서 list", `!document.getElementById('suggestions').hidden`)
		want := js[string](p, `document.querySelector('#suggestions [role=option]').textContent`)
		p.do("tap the first option", chromedp.Tap(chromedp.CSS("#suggestions [role=option]:first-child")))
		p.waitJS("the tapped suggestion's results", fmt.Sprintf(`new URLSearchParams(location.search).get('q') === %s`, jsString(want)))
		p.viewport(1280, 900, false)
	})

	t.Run("IME composition", func(t *testing.T) {
		p := newPage(t, browser)
		p.do("open /", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.ID("q")), chromedp.Focus(chromedp.ID("q")))
		js[bool](p, `(window.__composition = [], ['compositionstart', 'compositionend'].forEach(n =>
			document.getElementById('q').addEventListener(n, () => window.__composition.push(n))), true)`)
		compose := func(text string) {
			t.Helper()
			n := int64(len([]rune(text)))
			if _, err := chromedp.Call(p.ctx, input.ImeSetComposition, input.ImeSetCompositionParams{Text: text, SelectionStart: n, SelectionEnd: n}); err != nil {
				t.Fatalf("compose %s: %v", text, err)
			}
		}
		commit := func(text string) {
			t.Helper()
			if _, err := chromedp.Call(p.ctx, input.InsertText, input.InsertTextParams{Text: text}); err != nil {
				t.Fatalf("commit %s: %v", text, err)
			}
		}
		// 삼: ㅅ 사 삼, committed when ㅅ starts the next syllable.
		for _, c := range []string{"ㅅ", "사", "삼"} {
			compose(c)
		}
		commit("삼")
		compose("ㅅ")
		// Mid-syllable: the list follows 삼ㅅ while ㅅ is still composing.
		p.waitJS("the dropdown while composing 삼ㅅ", `[...document.querySelectorAll('#suggestions [role=option]')].some(o => o.textContent === '삼성전자')`)
		if v := js[string](p, `document.getElementById('q').value`); v != "삼ㅅ" {
			t.Errorf("input while composing = %q, want 삼ㅅ", v)
		}
		before := len(p.requests("/api/v1/autocomplete"))
		// The rest of 삼성전자 without a pause: one request at most, after it.
		for _, c := range []string{"서", "성"} {
			compose(c)
		}
		commit("성")
		for _, c := range []string{"ㅈ", "저", "전"} {
			compose(c)
		}
		commit("전")
		for _, c := range []string{"ㅈ", "자"} {
			compose(c)
		}
		commit("자")
		p.do("pause", chromedp.Sleep(600*time.Millisecond))
		if v := js[string](p, `document.getElementById('q').value`); v != "삼성전자" {
			t.Errorf("input after composing = %q, want 삼성전자 (no duplicated syllables)", v)
		}
		during := p.requests("/api/v1/autocomplete")[before:]
		if len(during) > 1 || (len(during) == 1 && !strings.HasSuffix(strings.SplitN(during[0], "&", 2)[0], "q=삼성전자")) {
			t.Errorf("autocomplete requests during 7 composition steps and 3 commits: %v, want at most one, for 삼성전자", during)
		}
		if got := p.requests("/api/v1/search?"); len(got) != 0 {
			t.Errorf("searches while composing: %v", got)
		}
		if ev := js[[]string](p, `window.__composition`); len(ev) < 2 || ev[0] != "compositionstart" {
			t.Errorf("composition events = %v", ev)
		}
		p.do("submit", chromedp.KeyEvent(kb.Enter))
		p.waitJS("results for 삼성전자", `new URLSearchParams(location.search).get('q') === '삼성전자' && document.querySelectorAll('#results .hit').length > 0`)
	})

	t.Run("results, facets, URL state and back", func(t *testing.T) {
		p := newPage(t, browser)
		p.do("open /", chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.ID("q")))
		p.do("search 보드게임", chromedp.SendKeys(chromedp.ID("q"), "보드게임"), chromedp.KeyEvent(kb.Enter))
		p.waitJS("highlighted results", `document.querySelectorAll('#results .hit em').length > 0`)
		if marked := js[string](p, `document.querySelector('#results .hit em').textContent`); !strings.Contains(marked, "보드") && !strings.Contains(marked, "게임") && !strings.Contains(marked, "보겜") {
			t.Errorf("highlighted %q for 보드게임", marked)
		}
		// Highlights are elements built from text: no other markup reaches the page.
		if n := js[int](p, `document.querySelectorAll('#results .hit-title *:not(em), #results .hit-body *:not(em)').length`); n != 0 {
			t.Errorf("%d elements other than <em> inside titles and snippets", n)
		}
		total := js[string](p, `document.getElementById('summary').textContent`)
		p.screenshot("search-desktop", true)
		p.screenshot("search-results", false)

		// A category facet narrows the results to its count and goes in the URL.
		value := js[string](p, `document.querySelector('#facets a[data-field=category]').dataset.value`)
		count := js[string](p, `document.querySelector('#facets a[data-field=category] .count').textContent`)
		p.do("click the facet", chromedp.Click(chromedp.CSS("#facets a[data-field=category]")))
		p.waitJS("the facet in the URL", fmt.Sprintf(`new URLSearchParams(location.search).get('category') === %s`, jsString(value)))
		p.waitJS("the filtered total", fmt.Sprintf(`document.getElementById('summary').textContent.includes('결과 ' + %s + '건')`, jsString(count)))
		if on := js[string](p, fmt.Sprintf(`document.querySelector('#facets a[data-field=category][data-value=%s]').getAttribute('aria-checked')`, jsString(value))); on != "true" {
			t.Errorf("the chosen facet is not marked checked: %s", on)
		}
		// A tag combines with it.
		tag := js[string](p, `document.querySelector('#facets a[data-field=tags]:not(.on)').dataset.value`)
		p.do("click a tag", chromedp.Click(chromedp.CSS("#facets a[data-field=tags]:not(.on)")))
		p.waitJS("both in the URL", fmt.Sprintf(`new URLSearchParams(location.search).getAll('tag').includes(%s) && new URLSearchParams(location.search).get('category') === %s`, jsString(tag), jsString(value)))
		p.waitJS("results with the tag", fmt.Sprintf(`[...document.querySelectorAll('#results .hit')].every(h => h.textContent.includes('#' + %s))`, jsString(tag)))

		// Back twice: the tag, then the category go away again.
		p.do("back", chromedp.NavigateBack())
		p.waitJS("the category only", `new URLSearchParams(location.search).getAll('tag').length === 0 && new URLSearchParams(location.search).has('category')`)
		p.waitJS("the category's total again", fmt.Sprintf(`document.getElementById('summary').textContent.includes('결과 ' + %s + '건')`, jsString(count)))
		p.do("back", chromedp.NavigateBack())
		p.waitJS("the unfiltered search", fmt.Sprintf(`!location.search.includes('category') && document.getElementById('summary').textContent === %s`, jsString(total)))
	})

	t.Run("markup in documents stays text", func(t *testing.T) {
		doc := `{"id":"markup-probe","title":"<img src=x onerror=\"window.__pwned=1\"> 칠판 <b>모임</b>","body":"<script>window.__pwned=2</script> 칠판 &amp; 분필","created_at":"2026-11-01T00:00:00Z"}`
		req, _ := http.NewRequest(http.MethodPut, base+"/api/v1/documents/markup-probe?refresh=true", strings.NewReader(doc))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode >= 300 {
			t.Fatalf("put = %d", resp.StatusCode)
		}
		p := newPage(t, browser)
		p.do("search it", chromedp.Navigate(base+"/?q="+url.QueryEscape("칠판")))
		p.waitJS("the document", `document.querySelector('#results .hit-title em') !== null`)
		if n := js[int](p, `document.querySelectorAll('#results img, #results b, #results script').length`); n != 0 {
			t.Errorf("%d elements from document text reached the page", n)
		}
		title := js[string](p, `document.querySelector('#results .hit-title').textContent`)
		body := js[string](p, `document.querySelector('#results .hit-body').textContent`)
		if !strings.Contains(title, `<img src=x onerror="window.__pwned=1">`) || !strings.Contains(title, "<b>모임</b>") || !strings.Contains(body, "&amp; 분필") {
			t.Errorf("the text is not shown as written: title %q, body %q", title, body)
		}
		if js[bool](p, `window.__pwned !== undefined`) {
			t.Error("document text ran as script")
		}
	})

	t.Run("shared link", func(t *testing.T) {
		p := newPage(t, browser)
		p.do("open a shared URL", chromedp.Navigate(base+"/?q="+url.QueryEscape("모임")+"&sort=recent&page=2"))
		p.waitJS("page 2 of the recent results", `document.querySelectorAll('#results .hit').length > 0 && document.querySelector('.page.current')?.textContent === '2'`)
		if got := js[[]string](p, `[document.getElementById('q').value, document.getElementById('sort').value]`); !slices.Equal(got, []string{"모임", "recent"}) {
			t.Errorf("box and sort = %v", got)
		}
		dates := js[[]string](p, `[...document.querySelectorAll('#results .hit time')].map(t => t.getAttribute('datetime'))`)
		if !slices.IsSortedFunc(dates, func(a, b string) int { return strings.Compare(b, a) }) {
			t.Errorf("recent sort not newest first: %v", dates)
		}
		p.do("next page", chromedp.Click(chromedp.CSS(`.pager a[rel=next]`)))
		p.waitJS("page 3 in the URL", `new URLSearchParams(location.search).get('page') === '3' && document.querySelector('.page.current')?.textContent === '3'`)

		// Mobile width, dark mode.
		p.viewport(390, 844, true)
		p.do("reload", chromedp.Navigate(base+"/?q="+url.QueryEscape("보드게임")))
		p.waitJS("results", `document.querySelectorAll('#results .hit').length > 0`)
		if w := js[int](p, `document.documentElement.scrollWidth`); w > 390 {
			t.Errorf("the mobile page scrolls sideways: %dpx wide", w)
		}
		p.screenshot("search-mobile", false)
		// 200% zoom of a 1280 px window: 640 CSS px at twice the density.
		p.do("zoom 200%", chromedp.EmulateViewport(640, 450, chromedp.EmulateScale(2)))
		if w := js[int](p, `document.documentElement.scrollWidth`); w > 640 {
			t.Errorf("at 200%% zoom the page scrolls sideways: %dpx wide", w)
		}
		p.screenshot("search-zoom-200", false)
		p.viewport(390, 844, true)
		p.colorScheme("dark")
		p.do("repaint", chromedp.Sleep(200*time.Millisecond))
		p.screenshot("search-mobile-dark", false)
		p.viewport(1280, 900, false)
		p.screenshot("search-desktop-dark", false)
	})

	t.Run("zero results and did you mean", func(t *testing.T) {
		p := newPage(t, browser)
		p.do("open a typo", chromedp.Navigate(base+"/?q="+url.QueryEscape("tkatjd")))
		p.waitJS("the corrected notice", `document.getElementById('notices').textContent.includes('삼성')`)
		p.do("search as typed", chromedp.Click(chromedp.CSS("#notices a")))
		p.waitJS("as typed in the URL", `new URLSearchParams(location.search).get('as_typed') === '1'`)
		p.do("open nothing", chromedp.Navigate(base+"/?q="+url.QueryEscape("퀀텀양자역학")))
		p.waitJS("the zero-result state", `document.querySelector('#results .empty') !== null`)
	})

	t.Run("accessibility", func(t *testing.T) {
		p := newPage(t, browser)
		p.do("open a search", chromedp.Navigate(base+"/?q="+url.QueryEscape("보드게임")))
		p.waitJS("results", `document.querySelectorAll('#results .hit').length > 0`)
		p.checkAccessibility("/", axe)
		p.clearBox()
		p.do("open the dropdown", chromedp.SendKeys(chromedp.ID("q"), "보"))
		p.waitJS("options", `!document.getElementById('suggestions').hidden`)
		p.checkAccessibility("/ with the dropdown", axe)
		p.colorScheme("dark")
		p.checkAccessibility("/ in dark mode", axe)
		a := newPage(t, browser)
		a.do("open /admin", chromedp.Navigate(base+"/admin"))
		a.waitJS("the sign-in form", `!document.getElementById('signin').hidden`)
		a.checkAccessibility("/admin sign-in", axe)
		w := newPage(t, browser)
		w.do("open the widget", chromedp.Navigate(base+"/widget/trending"))
		w.waitJS("the widget", `document.querySelector('#trending h2') !== null`)
		w.checkAccessibility("/widget/trending", axe)
	})

	t.Run("admin", func(t *testing.T) { browserAdmin(t, browser, base, axe) })
}

// signIn opens /admin and signs in.
func signIn(t *testing.T, p *page, base string) {
	t.Helper()
	p.do("sign in", chromedp.Navigate(base+"/admin"), chromedp.WaitVisible(chromedp.ID("token")),
		chromedp.SendKeys(chromedp.ID("token"), browserAdminToken), chromedp.SendKeys(chromedp.ID("admin-name"), "김관리"),
		chromedp.Click(chromedp.CSS("#signin-form button[type=submit]")))
	p.onFailure(func() {
		t.Logf("sign-in error %q, session %q, token field %q", js[string](p, `document.getElementById('signin-error').textContent`),
			js[string](p, `sessionStorage.getItem('searchd.admin') || ''`), js[string](p, `document.getElementById('token').value`))
	})
	p.waitJS("the console", `!document.getElementById('tabs').hidden && document.getElementById('whoami').textContent.includes('김관리')`)
	p.failed = nil
	if strings.Contains(js[string](p, "location.href"), browserAdminToken) {
		t.Error("the token is in the URL")
	}
}
