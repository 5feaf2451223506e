package main

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/searchd/searchd/internal/testenv"
)

// TestBrowserElastic runs the search flow in chromium against elastic mode
// (the real OpenSearch node and redis-server): the dropdown follows 삼ㅅ,
// results are highlighted, a facet narrows them to its count.
func TestBrowserElastic(t *testing.T) {
	browser := newBrowser(t)
	node := testenv.OpenSearch(t)
	redis := testenv.StartRedis(t)
	s := startService(t, []string{"-engine", "elastic", "-es-url", node.URL, "-es-prefix", node.Prefix(t),
		"-redis-addr", redis.Addr, "-demo", "-admin-token", browserAdminToken, "-drain-delay", "100ms", "-trending-interval", "1s"}, nil)
	p := newPage(t, browser)
	p.do("open /", chromedp.Navigate(s.base+"/"), chromedp.WaitVisible(chromedp.ID("q")))
	p.do("type 삼ㅅ", chromedp.Click(chromedp.ID("q")), chromedp.SendKeys(chromedp.ID("q"), "삼"), chromedp.SendKeys(chromedp.ID("q"), "ㅅ"))
	p.waitJS("the dropdown for 삼ㅅ", `[...document.querySelectorAll('#suggestions [role=option]')].some(o => o.textContent === '삼성전자')`)
	p.clearBox()
	p.do("search 보드게임", chromedp.SendKeys(chromedp.ID("q"), "보드게임"), chromedp.KeyEvent(kb.Enter))
	p.waitJS("highlighted results", `document.querySelectorAll('#results .hit em').length > 0`)
	count := js[string](p, `document.querySelector('#facets a[data-field=region] .count').textContent`)
	value := js[string](p, `document.querySelector('#facets a[data-field=region]').dataset.value`)
	p.do("click a region", chromedp.Click(chromedp.CSS("#facets a[data-field=region]")))
	p.waitJS("the region in the URL and its count", fmt.Sprintf(`new URLSearchParams(location.search).get('region') === %s &&
		document.getElementById('summary').textContent.includes('결과 ' + %s + '건')`, jsString(value), jsString(count)))
	p.screenshot("search-elastic", false)
}
