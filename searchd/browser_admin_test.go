package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// browserAdmin: the console signs in, moderates trending, shows analytics
// and the index, and runs the dictionary workflow when its API is there.
func browserAdmin(t *testing.T, browser context.Context, base, axe string) {
	p := newPage(t, browser)
	signIn(t, p, base)
	if got := js[string](p, `sessionStorage.getItem('searchd.admin') || ''`); !strings.Contains(got, browserAdminToken) {
		t.Errorf("the token is not in sessionStorage: %q", got)
	}
	if got := js[string](p, `localStorage.getItem('searchd.admin') || ''`); got != "" {
		t.Errorf("the token leaked into localStorage")
	}

	t.Run("analytics and index", func(t *testing.T) {
		defer p.use(t)()
		p.do("open the tab", chromedp.Navigate(base+"/admin#analytics"))
		p.waitJS("the volume chart", `document.querySelector('#volume svg path.line') !== null`)
		p.waitJS("the top queries", `document.querySelector('#top-queries').textContent.includes('보드게임')`)
		p.screenshot("admin-analytics", true)
		p.checkAccessibility("/admin#analytics", axe)
		p.do("open the index tab", chromedp.Navigate(base+"/admin#index"))
		p.waitJS("the versions", `document.querySelectorAll('#versions tbody tr').length > 0 && document.getElementById('stats').textContent.includes('문서 수')`)
	})

	t.Run("errors in words", func(t *testing.T) {
		defer p.use(t)()
		q := newPage(t, browser)
		q.do("open", chromedp.Navigate(base+"/admin"), chromedp.WaitVisible(chromedp.ID("token")),
			chromedp.SendKeys(chromedp.ID("token"), "wrong-token-0123456789"), chromedp.SendKeys(chromedp.ID("admin-name"), "x"),
			chromedp.Click(chromedp.CSS("#signin-form button[type=submit]")))
		q.waitJS("the sign-in error", `document.getElementById('signin-error').textContent === '토큰이 맞지 않습니다.'`)
	})

	t.Run("dictionary workflow", func(t *testing.T) {
		defer p.use(t)()
		resp, err := http.Get(base + "/api/v1/admin/dictionaries")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusNotFound {
			t.Skip(errNoDictionaries)
		}
		browserDictionary(t, p, base, axe)
	})
}

// browserDictionary: a broken synonym line shows its error at that line;
// fixed, previewed and applied with the progress bar to the end, search
// finds the new synonym; rolled back, it does not.
func browserDictionary(t *testing.T, p *page, base, axe string) {
	p.do("open the tab", chromedp.Navigate(base+"/admin#dict"))
	p.waitJS("the live dictionary", `document.getElementById('syn-text').value.length > 0`)
	lines := js[int](p, `document.getElementById('syn-text').value.replace(/\n$/, '').split('\n').length`)
	// A broken rule on a new last line: two arrows.
	p.do("type a broken rule", chromedp.Click(chromedp.ID("syn-text")),
		chromedp.Evaluate[chromedp.Void](`(t => { t.value = t.value.replace(/\n$/, ''); t.setSelectionRange(t.value.length, t.value.length); })(document.getElementById('syn-text'))`),
		chromedp.SendKeys(chromedp.ID("syn-text"), "\n랜턴, 쀍뛟 => =>"))
	broken := js[int](p, `document.getElementById('syn-text').value.split('\n').indexOf('랜턴, 쀍뛟 => =>') + 1`)
	if broken != lines+1 {
		t.Errorf("the broken rule is on line %d, want %d (a reload must not touch the draft)", broken, lines+1)
	}
	p.onFailure(func() {
		t.Logf("validity %q, problems %q, last line %q", js[string](p, `document.getElementById('validity').textContent`),
			js[string](p, `document.getElementById('syn-problems').textContent`), js[string](p, `document.getElementById('syn-text').value.split('\n').slice(-2).join(' | ')`))
	})
	p.waitJS("the inline error at its line", `document.querySelector('#syn-problems .problem.error')?.dataset.line === '`+itoa(broken)+`' &&
		document.querySelector('.editor[data-for=syn-text] .gutter .ln.error')?.dataset.line === '`+itoa(broken)+`'`)
	// The marked gutter line sits where the textarea draws that line.
	if off := js[float64](p, `(() => {
		const t = document.getElementById('syn-text'), cs = getComputedStyle(t);
		const li = document.querySelector('.editor[data-for=syn-text] .gutter .ln.error');
		const want = t.getBoundingClientRect().top + parseFloat(cs.paddingTop) + (Number(li.dataset.line) - 1) * parseFloat(cs.lineHeight) - t.scrollTop;
		return Math.abs(li.getBoundingClientRect().top - want);
	})()`); off > 2 {
		t.Errorf("the gutter is %.0fpx off the textarea's lines: %s", off, js[string](p, `(() => {
			const t = document.getElementById('syn-text'), g = document.querySelector('.editor[data-for=syn-text] .gutter');
			return JSON.stringify({tTop: t.getBoundingClientRect().top, st: t.scrollTop, sh: t.scrollHeight, ch: t.clientHeight, gTop: g.getBoundingClientRect().top,
				tf: g.style.transform, li1: g.children[0].getBoundingClientRect().top, liH: g.children[0].getBoundingClientRect().height, lh: getComputedStyle(t).lineHeight, n: g.children.length});
		})()`))
	}
	p.screenshot("admin-editor-error", false)
	p.checkAccessibility("/admin#dict", axe)
	// Fix it: 쀍뛟 (a word no document has) joins 랜턴's group.
	if searchFinds(t, base, "쀍뛟", "랜턴") {
		t.Fatal("쀍뛟 finds 랜턴 before the apply")
	}
	p.do("fix it", chromedp.KeyEvent(strings.Repeat(kb.Backspace, len(" => =>"))))
	p.waitJS("no errors", `document.querySelectorAll('#syn-problems .problem.error').length === 0 && document.getElementById('validity').textContent !== '검사 중…'`)
	p.do("preview", setValue("preview-queries", "쀍뛟"), chromedp.Click(chromedp.ID("preview-btn")))
	p.waitJS("the preview", `document.querySelector('#preview-body .diff li') !== null`)
	p.do("apply", chromedp.SendKeys(chromedp.ID("apply-message"), "랜턴 동의어"), chromedp.Click(chromedp.ID("apply-btn")))
	p.waitJS("the progress bar", `!document.getElementById('job').hidden`)
	if _, err := chromedp.Run(p.ctx, chromedp.Poll[bool](`document.getElementById('job').dataset.finished === 'true'`, chromedp.WithPollingTimeout(3*time.Minute))); err != nil {
		t.Fatalf("the job did not finish: %v", err)
	}
	if got := js[[]float64](p, `[document.getElementById('job-progress').value, document.getElementById('job-progress').max]`); got[0] != got[1] {
		t.Errorf("progress %v, want the bar at its end", got)
	}
	waitFor(t, "the new synonym in search", 30*time.Second, func() bool { return searchFinds(t, base, "쀍뛟", "랜턴") })
	p.waitJS("the history with the new version", `document.querySelectorAll('#history tbody tr').length >= 2`)
	p.screenshot("admin-applied", true)
	p.do("roll back", chromedp.Evaluate[chromedp.Void](`window.confirm = () => true`),
		chromedp.Click(chromedp.CSS("#history tbody tr:nth-child(2) button.rollback")))
	waitFor(t, "the rollback", 3*time.Minute, func() bool { return !searchFinds(t, base, "쀍뛟", "랜턴") })
	p.waitJS("the audit trail", `document.getElementById('audit').textContent.includes('dictionary.apply')`)
}

// browserModeration: the trending tab shows the widget and the candidate
// pool; blocking a keyword takes it out of the widget at once.
func browserModeration(t *testing.T, browser context.Context, base, axe string) {
	p := newPage(t, browser)
	signIn(t, p, base)
	p.do("open the tab", chromedp.Navigate(base+"/admin#trending"))
	p.waitJS("the candidate pool", `document.querySelectorAll('#candidates tbody tr').length > 0`)
	p.waitJS("the widget as users see it", `[...document.querySelectorAll('#trending-widget .keyword')].some(k => k.textContent.includes('보드게임'))`)
	p.screenshot("admin-trending", true)
	p.checkAccessibility("/admin#trending", axe)
	// Blocking the keyword takes it out of the widget at once.
	keyword := js[string](p, `[...document.querySelectorAll('#trending-widget .keyword')].find(k => k.textContent.includes('보드게임')).textContent`)
	p.do("block it", setValue("block-exact", keyword), chromedp.Click(chromedp.CSS("#blocklist-form button[type=submit]")))
	p.waitJS("the saved note", `document.getElementById('block-status').textContent.includes('저장했습니다')`)
	p.waitJS("the keyword gone from the widget", `![...document.querySelectorAll('#trending-widget .keyword')].some(k => k.textContent.includes('보드게임'))`)
	p.do("unblock", setValue("block-exact", ""), chromedp.Click(chromedp.CSS("#blocklist-form button[type=submit]")))
	p.waitJS("saved again", `document.getElementById('block-status').textContent.includes('저장했습니다')`)
}
