package api_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/searchd/searchd/searchd/api"
	"github.com/searchd/searchd/searchd/engine"
)

func hitIDs(r engine.SearchResponse) []string {
	ids := make([]string, 0, len(r.Hits))
	for _, h := range r.Hits {
		ids = append(ids, h.ID)
	}
	return ids
}

func TestSearch(t *testing.T) {
	f := newFixture(t, nil)

	t.Run("synonyms and filters", func(t *testing.T) {
		r := f.do(t, http.MethodGet, "/api/v1/search?q="+url.QueryEscape("삼성전자"), "")
		r.wantStatus(t, http.StatusOK)
		var resp engine.SearchResponse
		r.decode(t, &resp)
		ids := hitIDs(resp)
		if !slices.Contains(ids, "samsung-study") || !slices.Contains(ids, "samjeon-club") {
			t.Errorf("hits = %v, want samsung-study and samjeon-club (synonym 삼전)", ids)
		}
		if resp.Total != int64(len(ids)) || resp.Page != 1 || resp.Size != 10 || resp.Query != "삼성전자" {
			t.Errorf("response = total %d page %d size %d query %q", resp.Total, resp.Page, resp.Size, resp.Query)
		}
	})

	t.Run("category filter, popular sort, paging", func(t *testing.T) {
		r := f.do(t, http.MethodGet, "/api/v1/search?category="+url.QueryEscape("운동")+"&sort=popular&size=2&page=1", "")
		r.wantStatus(t, http.StatusOK)
		var resp engine.SearchResponse
		r.decode(t, &resp)
		if resp.Total != 3 || !slices.Equal(hitIDs(resp), []string{"running", "hiking"}) {
			t.Errorf("total %d hits %v, want 3 and [running hiking]", resp.Total, hitIDs(resp))
		}
		r = f.do(t, http.MethodGet, "/api/v1/search?category="+url.QueryEscape("운동")+"&sort=popular&size=2&page=2", "")
		r.decode(t, &resp)
		if !slices.Equal(hitIDs(resp), []string{"night-walk"}) {
			t.Errorf("page 2 hits %v, want [night-walk]", hitIDs(resp))
		}
	})

	t.Run("repeatable tag", func(t *testing.T) {
		r := f.do(t, http.MethodGet, "/api/v1/search?tag=&tag="+url.QueryEscape("운동")+"&tag="+url.QueryEscape("러닝"), "")
		var resp engine.SearchResponse
		r.decode(t, &resp)
		if !slices.Equal(hitIDs(resp), []string{"running"}) {
			t.Errorf("hits %v, want [running] (every tag must match)", hitIDs(resp))
		}
	})
}

func TestSearchRequestMeta(t *testing.T) {
	t.Run("identity and context header", func(t *testing.T) {
		f := newFixture(t, nil)
		r := f.do(t, http.MethodGet, "/api/v1/search?q=abc", "",
			"X-Request-ID: req-1", "X-Session-ID: s-9", "X-User-ID: u-7", "User-Agent: test-agent/1",
			"X-Forwarded-For: 203.0.113.9", `X-Search-Context: {"page":"home","ab":"b"}`)
		r.wantStatus(t, http.StatusOK)
		ev := f.events.last(t)
		if ev.SessionID != "s-9" || ev.UserID != "u-7" || ev.UserAgent != "test-agent/1" {
			t.Errorf("identity = %q %q %q", ev.SessionID, ev.UserID, ev.UserAgent)
		}
		// No trusted proxy: X-Forwarded-For is ignored.
		if ev.ClientIP != "192.0.2.1" {
			t.Errorf("client ip = %q, want the connection's 192.0.2.1", ev.ClientIP)
		}
		if ev.Context["page"] != "home" || ev.Context["ab"] != "b" {
			t.Errorf("context = %v", ev.Context)
		}
	})
	t.Run("ctx parameter wins over header; trusted proxy", func(t *testing.T) {
		f := newFixture(t, func(d *api.Deps) { d.TrustedProxies = []string{"192.0.2.0/24"} })
		ctx := url.QueryEscape(`{"from":"param"}`)
		f.do(t, http.MethodGet, "/api/v1/search?q=abc&ctx="+ctx, "",
			"X-Forwarded-For: 203.0.113.9", `X-Search-Context: {"from":"header"}`).wantStatus(t, http.StatusOK)
		ev := f.events.last(t)
		if ev.ClientIP != "203.0.113.9" || ev.Context["from"] != "param" {
			t.Errorf("client ip %q context %v", ev.ClientIP, ev.Context)
		}
	})
}

func TestBadInput(t *testing.T) {
	f := newFixture(t, func(d *api.Deps) { d.AdminToken = "secret" })
	long := strings.Repeat("가", engine.MaxQueryLen+1)
	cases := []struct {
		name, method, target, body string
		header                     []string
		status                     int
		code                       engine.Code
		msg                        string // a part of the message
	}{
		{"page not a number", "GET", "/api/v1/search?q=a&page=abc", "", nil, 400, engine.Invalid, "page"},
		{"page zero", "GET", "/api/v1/search?q=a&page=0", "", nil, 400, engine.Invalid, "page"},
		{"size negative", "GET", "/api/v1/search?q=a&size=-3", "", nil, 400, engine.Invalid, "size"},
		{"size over max", "GET", "/api/v1/search?q=a&size=51", "", nil, 400, engine.Invalid, "size"},
		{"too deep", "GET", "/api/v1/search?q=a&size=50&page=21", "", nil, 400, engine.Invalid, "deeper"},
		{"page × size overflowing int64", "GET", "/api/v1/search?q=a&size=4&page=6920877700593737728", "", nil, 400, engine.Invalid, "deeper"},
		{"bad sort", "GET", "/api/v1/search?q=a&sort=random", "", nil, 400, engine.Invalid, "sort"},
		{"query too long", "GET", "/api/v1/search?q=" + url.QueryEscape(long), "", nil, 400, engine.Invalid, "200"},
		{"ctx not JSON", "GET", "/api/v1/search?q=a&ctx=" + url.QueryEscape("{bad"), "", nil, 400, engine.Invalid, "ctx"},
		{"ctx not an object", "GET", "/api/v1/search?q=a&ctx=" + url.QueryEscape("[1,2]"), "", nil, 400, engine.Invalid, "JSON object"},
		{"context header not JSON", "GET", "/api/v1/search?q=a", "", []string{"X-Search-Context: nope"}, 400, engine.Invalid, "X-Search-Context"},
		{"autocomplete size", "GET", "/api/v1/autocomplete?q=a&size=x", "", nil, 400, engine.Invalid, "size"},
		{"autocomplete too many", "GET", "/api/v1/autocomplete?q=a&size=500", "", nil, 400, engine.Invalid, "size"},
		{"analyze unknown field", "POST", "/api/v1/analyze", `{"text":"a","tokenizer":"x"}`, nil, 400, engine.Invalid, `"tokenizer"`},
		{"analyze no text", "POST", "/api/v1/analyze", `{"analyzer":"index"}`, nil, 400, engine.Invalid, "text"},
		{"analyze bad analyzer", "POST", "/api/v1/analyze", `{"text":"a","analyzer":"standard"}`, nil, 400, engine.Invalid, "analyzer"},
		{"analyze text too long", "POST", "/api/v1/analyze", `{"text":"` + strings.Repeat("a", api.DefaultMaxAnalyzeChars+1) + `"}`, nil, 400, engine.Invalid, "longer"},
		{"bulk not an array", "POST", "/api/v1/documents", `{"id":"a"}`, nil, 400, engine.Invalid, "array"},
		{"bulk empty", "POST", "/api/v1/documents", `[]`, nil, 400, engine.Invalid, "no documents"},
		{"bulk bad refresh", "POST", "/api/v1/documents?refresh=soon", `[]`, nil, 400, engine.Invalid, "refresh"},
		{"put unknown field", "PUT", "/api/v1/documents/x1", `{"title":"t","color":"red"}`, nil, 400, engine.Invalid, `"color"`},
		{"put id mismatch", "PUT", "/api/v1/documents/x1", `{"id":"x2","title":"t"}`, nil, 400, engine.Invalid, "does not match"},
		{"put invalid document", "PUT", "/api/v1/documents/x1", `{"title":" "}`, nil, 400, engine.Invalid, "title or a body"},
		{"put wrong type", "PUT", "/api/v1/documents/x1", `{"title":"t","popularity":"high"}`, nil, 400, engine.Invalid, `"popularity"`},
		{"get missing", "GET", "/api/v1/documents/nope", "", nil, 404, engine.NotFound, "nope"},
		{"delete missing", "DELETE", "/api/v1/documents/nope", "", nil, 404, engine.NotFound, "nope"},
		{"admin without token", "GET", "/api/v1/admin/stats", "", nil, 401, engine.Unauthorized, "token"},
		{"admin wrong bearer", "GET", "/api/v1/admin/stats", "", []string{"Authorization: Bearer nope"}, 401, engine.Unauthorized, "token"},
		{"admin wrong header", "GET", "/api/v1/admin/versions", "", []string{"X-Admin-Token: secreT"}, 401, engine.Unauthorized, "token"},
		{"admin basic auth", "GET", "/api/v1/admin/stats", "", []string{"Authorization: Basic c2VjcmV0"}, 401, engine.Unauthorized, "token"},
		{"unknown route", "GET", "/api/v2/search", "", nil, 404, engine.NotFound, "no route"},
		{"wrong method", "DELETE", "/api/v1/search", "", nil, 405, "method_not_allowed", "DELETE"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := f.do(t, tc.method, tc.target, tc.body, tc.header...)
			e := r.wantError(t, tc.status, tc.code)
			if !strings.Contains(e.Message, tc.msg) {
				t.Errorf("message %q does not mention %q", e.Message, tc.msg)
			}
		})
	}
}

func TestAnalyze(t *testing.T) {
	f := newFixture(t, nil)
	analyze := func(analyzer string) []engine.Token {
		t.Helper()
		r := f.do(t, http.MethodPost, "/api/v1/analyze", `{"text":"삼전 주주 모임","analyzer":"`+analyzer+`","explain":true}`)
		r.wantStatus(t, http.StatusOK)
		var body struct {
			Tokens []engine.Token `json:"tokens"`
		}
		r.decode(t, &body)
		if len(body.Tokens) == 0 {
			t.Fatalf("%s analyzer: no tokens: %s", analyzer, r.Body)
		}
		return body.Tokens
	}
	terms := func(toks []engine.Token) []string {
		var out []string
		for _, tk := range toks {
			out = append(out, tk.Token)
		}
		return out
	}
	idx, srch := analyze("index"), analyze("search")
	// Synonyms are expanded at index time only: 삼전 → 삼성전자 (as the
	// tokens 삼성 and 전자).
	if !slices.Contains(terms(idx), "삼성") || !slices.Contains(terms(idx), "전자") {
		t.Errorf("index tokens %v lack the synonym 삼성전자", terms(idx))
	}
	if slices.Contains(terms(srch), "삼성") {
		t.Errorf("search tokens %v expand synonyms", terms(srch))
	}
	first := srch[0]
	if first.Token != "삼전" || first.StartOffset != 0 || first.EndOffset != 2 || first.Position != 0 || first.LeftPOS == "" {
		t.Errorf("first search token = %+v, want 삼전 at 0-2, position 0, with explain attributes", first)
	}
}

func TestAutocomplete(t *testing.T) {
	f := newFixture(t, nil)
	r := f.do(t, http.MethodGet, "/api/v1/autocomplete?q="+url.QueryEscape("ㄷㅅㅁㅇ"), "")
	r.wantStatus(t, http.StatusOK)
	var body struct {
		Suggestions []engine.Suggestion `json:"suggestions"`
	}
	r.decode(t, &body)
	var texts []string
	found := false
	for _, s := range body.Suggestions {
		texts = append(texts, s.Text)
		found = found || strings.HasPrefix(strings.ReplaceAll(s.Text, " ", ""), "독서모임")
	}
	if !found {
		t.Errorf("suggestions for ㄷㅅㅁㅇ = %v, want one starting with 독서모임", texts)
	}
}
