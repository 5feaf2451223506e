package conformance

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/searchd/searchd/searchd/engine"
	"github.com/searchd/searchd/searchd/search"
)

// Opener opens an empty engine whose first (live) version has the given
// analysis settings; the engine is closed and removed when tb ends.
type Opener func(tb testing.TB, settings engine.AnalysisSettings) engine.Engine

// Run runs the whole suite against the engines open returns.
func Run(t *testing.T, open Opener) {
	t.Run("Search", func(t *testing.T) { runSearch(t, open) })
	t.Run("Documents", func(t *testing.T) { runDocuments(t, open) })
	t.Run("Versions", func(t *testing.T) { runVersions(t, open) })
	t.Run("Facets", func(t *testing.T) { runFacets(t, open) })
	t.Run("Followers", func(t *testing.T) { runFollowers(t, open) })
	t.Run("Dictionaries", func(t *testing.T) { runDictionaries(t, open) })
}

// fixture opens an engine and indexes the suite's documents.
func fixture(t *testing.T, open Opener) *search.Service {
	t.Helper()
	eng := open(t, Settings())
	items, err := eng.IndexBatch(context.Background(), Documents(), true)
	if err != nil {
		t.Fatalf("index fixtures: %v", err)
	}
	for _, it := range items {
		if it.Error != nil {
			t.Fatalf("index fixture %s: %v", it.ID, it.Error)
		}
	}
	return search.NewService(eng, engine.NopSink{}, nil)
}

func ids(r engine.SearchResponse) []string {
	out := make([]string, 0, len(r.Hits))
	for _, h := range r.Hits {
		out = append(out, h.ID)
	}
	return out
}

func mustSearch(t *testing.T, s *search.Service, q engine.Query) engine.SearchResponse {
	t.Helper()
	r, err := s.Search(context.Background(), q, search.RequestMeta{})
	if err != nil {
		t.Fatalf("search %q: %v", q.Text, err)
	}
	return r
}

// searchCase is one query and what users must see.
type searchCase struct {
	name  string
	query engine.Query
	// want must all be in the results; order too when ordered is set.
	want    []string
	ordered bool
	// exact: the results are exactly want (as a set, or in order).
	exact     bool
	notWant   []string
	match     engine.MatchMode
	corrected string
}

func (c searchCase) check(t *testing.T, r engine.SearchResponse) {
	t.Helper()
	got := ids(r)
	for _, w := range c.want {
		if !slices.Contains(got, w) {
			t.Errorf("%q: %s missing from %v", c.query.Text, w, got)
		}
	}
	for _, n := range c.notWant {
		if slices.Contains(got, n) {
			t.Errorf("%q: %s must not match, got %v", c.query.Text, n, got)
		}
	}
	if c.exact && len(got) != len(c.want) {
		t.Errorf("%q: got %v, want exactly %v", c.query.Text, got, c.want)
	}
	if c.ordered {
		var order []string
		for _, id := range got {
			if slices.Contains(c.want, id) {
				order = append(order, id)
			}
		}
		if !slices.Equal(order, c.want) {
			t.Errorf("%q: order %v, want %v", c.query.Text, order, c.want)
		}
	}
	if c.match != "" && r.Match != c.match {
		t.Errorf("%q: match %q, want %q", c.query.Text, r.Match, c.match)
	}
	if r.Corrected != c.corrected {
		t.Errorf("%q: corrected %q, want %q", c.query.Text, r.Corrected, c.corrected)
	}
	if int(r.Total) < len(r.Hits) {
		t.Errorf("%q: total %d below %d hits", c.query.Text, r.Total, len(r.Hits))
	}
}

func q(text string) engine.Query { return engine.Query{Text: text} }

func runSearch(t *testing.T, open Opener) {
	s := fixture(t, open)
	cases := []searchCase{
		// Morphology: particles and endings do not matter, compounds are
		// found by their parts.
		{name: "particle", query: q("삼성전자를"), want: []string{"samsung-study"}},
		{name: "compound part 전자", query: q("전자"), want: []string{"samsung-study"}},
		{name: "compound part 모임", query: q("독서"), want: []string{"book-club"}},
		{name: "inflected verb", query: q("달렸어요"), want: []string{"running"}},
		{name: "latin is case-insensitive", query: q("IPHONE"), want: []string{"iphone-review", "iphone-photo"}},

		// Synonyms expanded at index time, found from any member.
		{name: "synonym 삼전 finds 삼성전자", query: q("삼전"), want: []string{"samsung-study", "samjeon-club"}, exact: true},
		{name: "synonym 삼성전자 finds 삼전", query: q("삼성전자"), want: []string{"samsung-study", "samjeon-club"}, exact: true},
		{name: "synonym iphone finds 아이폰", query: q("iphone"), want: []string{"iphone-photo", "iphone-review"}},
		{name: "synonym 아이폰 finds iPhone", query: q("아이폰"), want: []string{"iphone-photo", "iphone-review"}},
		{name: "synonym 랩탑 finds 노트북", query: q("랩탑"), want: []string{"laptop"}},
		// ... and a typo of a synonym still finds them (the reason for
		// index-time synonyms: fuzziness applies to every query term).
		{name: "typo of synonym 랩탐", query: q("랩탐"), want: []string{"laptop"}},
		{name: "typo of synonym 아이펀", query: q("아이펀"), want: []string{"iphone-photo", "iphone-review"}},

		// Typos counted on jamo, thresholds by length.
		{name: "typo 독서모입", query: q("독서모입"), want: []string{"book-club"}},
		{name: "typo 보드개임", query: q("보드개임"), want: []string{"boardgame-exact", "boardgame-synonym"}},
		{name: "typo 삼송전자", query: q("삼송전자"), want: []string{"samsung-study"}},
		{name: "short word no fuzziness", query: q("밥"), notWant: []string{"night-walk"}},

		// Ranking: exact above synonym.
		{name: "exact above synonym", query: q("보드게임"), want: []string{"boardgame-exact", "boardgame-synonym"}, ordered: true},
		{name: "exact above synonym (reverse)", query: q("보겜"), want: []string{"boardgame-synonym", "boardgame-exact"}, ordered: true},
		{name: "exact above fuzzy", query: q("등산"), want: []string{"hiking"}, ordered: true},

		// 초성, keyboard layout, jamo prefix.
		{name: "chosung ㅅㅅㅈㅈ", query: q("ㅅㅅㅈㅈ"), want: []string{"samsung-study"}},
		{name: "chosung ㄷㅅㅁㅇ", query: q("ㄷㅅㅁㅇ"), want: []string{"book-club"}},
		{name: "keyboard tkatjdwjswk", query: q("tkatjdwjswk"), want: []string{"samsung-study", "samjeon-club"}, corrected: "삼성전자"},
		{name: "keyboard ehrtjahdla", query: q("ehrtjahdla"), want: []string{"book-club"}, corrected: "독서모임"},
		{name: "keyboard ㅑㅔㅙㅜㄷ", query: q("ㅑㅔㅙㅜㄷ"), want: []string{"iphone-review", "iphone-photo"}, corrected: "iphone"},
		{name: "jamo prefix 삼ㅅ", query: q("삼ㅅ"), want: []string{"samsung-study"}},
		{name: "jamo prefix 독서ㅁ", query: q("독서ㅁ"), want: []string{"book-club"}},

		// AND first, OR when AND finds nothing; the response says which.
		{name: "and", query: q("삼성전자 스터디"), want: []string{"samsung-study"}, exact: true, match: engine.MatchAll},
		{name: "or fallback", query: q("삼성전자 북한산"), want: []string{"samsung-study", "samjeon-club", "hiking"}, match: engine.MatchAny},

		// Did you mean: the first jamo is outside fuzzy matching (prefix).
		{name: "did you mean 포드게임", query: q("포드게임"), want: []string{"boardgame-exact"}, corrected: "보드게임"},

		// Filters and sorts.
		{name: "category filter", query: engine.Query{Text: "모임", Filters: engine.Filters{Category: "사진"}}, want: []string{"iphone-photo"}, exact: true},
		{name: "region filter", query: engine.Query{Filters: engine.Filters{Region: "대전"}}, want: []string{"boardgame-exact", "boardgame-synonym"}, exact: true},
		{name: "tag filter", query: engine.Query{Filters: engine.Filters{Tags: []string{"운동", "등산"}}}, want: []string{"hiking"}, exact: true},
		{name: "sort recent", query: engine.Query{Filters: engine.Filters{Category: "운동"}, Sort: engine.SortRecent},
			want: []string{"running", "night-walk", "hiking"}, ordered: true, exact: true},
		{name: "sort popular", query: engine.Query{Filters: engine.Filters{Category: "운동"}, Sort: engine.SortPopular},
			want: []string{"running", "hiking", "night-walk"}, ordered: true, exact: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.check(t, mustSearch(t, s, c.query)) })
	}

	t.Run("short word finds nothing and is not corrected", func(t *testing.T) {
		r := mustSearch(t, s, q("밥"))
		if r.Total != 0 || r.Corrected != "" {
			t.Fatalf("밥: total %d corrected %q, want nothing", r.Total, r.Corrected)
		}
	})
	t.Run("nothing at all", func(t *testing.T) {
		r := mustSearch(t, s, q("양자역학"))
		if r.Total != 0 || len(r.Hits) != 0 {
			t.Fatalf("got %v", ids(r))
		}
	})
	t.Run("pagination", func(t *testing.T) {
		all := mustSearch(t, s, engine.Query{Sort: engine.SortRecent, Size: 50})
		if all.Total != int64(len(Documents())) {
			t.Fatalf("match all: total %d, want %d", all.Total, len(Documents()))
		}
		p2 := mustSearch(t, s, engine.Query{Sort: engine.SortRecent, Size: 3, Page: 2})
		if !slices.Equal(ids(p2), ids(all)[3:6]) {
			t.Fatalf("page 2 = %v, want %v", ids(p2), ids(all)[3:6])
		}
		for _, bad := range []engine.Query{{Size: engine.MaxPageSize + 1}, {Page: engine.MaxResultDepth, Size: 10}, {Page: -1}, {Sort: "random"}, {Text: strings.Repeat("가", engine.MaxQueryLen+1)}} {
			_, err := s.Search(context.Background(), bad, search.RequestMeta{})
			if engine.ErrorCode(err) != engine.Invalid {
				t.Errorf("%+v: error %v, want invalid_argument", bad, err)
			}
		}
	})
	t.Run("highlights", func(t *testing.T) {
		r := mustSearch(t, s, q("삼전"))
		for _, h := range r.Hits {
			if h.ID == "samsung-study" {
				if got := h.Highlights["title"]; len(got) != 1 || !strings.Contains(got[0], "<em>삼성전자</em>") {
					t.Errorf("synonym highlight in title: %v", h.Highlights)
				}
			}
		}
		r = mustSearch(t, s, q("독서모입"))
		if len(r.Hits) == 0 || !strings.Contains(strings.Join(r.Hits[0].Highlights["title"], ""), "<em>") {
			t.Errorf("fuzzy highlight: %+v", r.Hits)
		}
	})
	t.Run("autocomplete", func(t *testing.T) {
		for _, c := range []struct{ in, want string }{
			{"독서", "독서모임 회원 모집"},
			{"삼ㅅ", "삼성전자 주가 전망 스터디"},
			{"ㄷㅅㅁㅇ", "독서모임 회원 모집"},
			{"ehrtj", "독서모임 회원 모집"},
			{"등", "등산"},
		} {
			got, err := s.Autocomplete(context.Background(), c.in, 10)
			if err != nil {
				t.Fatalf("%q: %v", c.in, err)
			}
			var texts []string
			for _, g := range got {
				texts = append(texts, g.Text)
			}
			if !slices.Contains(texts, c.want) {
				t.Errorf("autocomplete %q = %v, want %q among them", c.in, texts, c.want)
			}
		}
	})
	t.Run("analyze", func(t *testing.T) {
		toks, err := s.Engine().Analyze(context.Background(), engine.AnalyzeRequest{Analyzer: "index", Text: "삼전 주가"})
		if err != nil {
			t.Fatal(err)
		}
		var terms []string
		for _, tk := range toks {
			terms = append(terms, tk.Token)
		}
		if !slices.Contains(terms, "삼전") || !slices.Contains(terms, "삼성") {
			t.Errorf("index analysis of 삼전 주가 = %v, want 삼전 and its synonym", terms)
		}
		if toks[0].StartOffset != 0 || toks[0].EndOffset != 2 {
			t.Errorf("offsets count characters: %+v", toks[0])
		}
		toks, _ = s.Engine().Analyze(context.Background(), engine.AnalyzeRequest{Analyzer: "search", Text: "삼전 주가"})
		for _, tk := range toks {
			if tk.Type == "SYNONYM" {
				t.Errorf("the search analyzer must not expand synonyms: %+v", toks)
			}
		}
	})
}

func runDocuments(t *testing.T, open Opener) {
	s := fixture(t, open)
	ctx := context.Background()
	eng := s.Engine()
	doc := engine.Document{ID: "new-1", Title: "도자기 공방 원데이 클래스", Body: "물레 체험을 합니다.", Category: "공예",
		CreatedAt: time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC), Popularity: 7}

	t.Run("index then search", func(t *testing.T) {
		if err := eng.Index(ctx, doc, true); err != nil {
			t.Fatal(err)
		}
		got, err := eng.Get(ctx, doc.ID)
		if err != nil || got.Title != doc.Title || !got.CreatedAt.Equal(doc.CreatedAt) {
			t.Fatalf("get: %+v, %v", got, err)
		}
		searchCase{query: q("도자기"), want: []string{"new-1"}, exact: true}.check(t, mustSearch(t, s, q("도자기")))
	})
	t.Run("update takes effect", func(t *testing.T) {
		up := doc
		up.Title = "유리 공예 원데이 클래스"
		up.Body = "유리컵을 만들어요."
		if err := eng.Index(ctx, up, true); err != nil {
			t.Fatal(err)
		}
		if r := mustSearch(t, s, q("도자기")); r.Total != 0 {
			t.Errorf("old text still found: %v", ids(r))
		}
		searchCase{query: q("유리"), want: []string{"new-1"}, exact: true}.check(t, mustSearch(t, s, q("유리")))
	})
	t.Run("delete takes effect", func(t *testing.T) {
		if err := eng.Delete(ctx, doc.ID, true); err != nil {
			t.Fatal(err)
		}
		if r := mustSearch(t, s, q("유리")); r.Total != 0 {
			t.Errorf("deleted document still found: %v", ids(r))
		}
		if _, err := eng.Get(ctx, doc.ID); engine.ErrorCode(err) != engine.NotFound {
			t.Errorf("get deleted: %v, want not_found", err)
		}
		if err := eng.Delete(ctx, doc.ID, true); engine.ErrorCode(err) != engine.NotFound {
			t.Errorf("delete missing: %v, want not_found", err)
		}
	})
	t.Run("batch reports each item", func(t *testing.T) {
		docs := []engine.Document{
			{ID: "ok-1", Title: "캠핑 장비 나눔", CreatedAt: day(2)},
			{ID: "", Title: "no id"},
			{ID: "ok-2", Title: "캠핑 장소 추천", CreatedAt: day(2)},
			{ID: "bad/id", Title: "slash"},
		}
		items, err := eng.IndexBatch(ctx, docs, true)
		if err != nil {
			t.Fatal(err)
		}
		for i, want := range []bool{true, false, true, false} {
			if ok := items[i].Error == nil; ok != want {
				t.Errorf("item %d (%q): error %v, want ok=%v", i, docs[i].ID, items[i].Error, want)
			}
		}
		if items[1].Status != 400 || items[1].Error.Code != engine.Invalid {
			t.Errorf("invalid item: %+v", items[1])
		}
		searchCase{query: q("캠핑"), want: []string{"ok-1", "ok-2"}, exact: true}.check(t, mustSearch(t, s, q("캠핑")))
	})
	t.Run("stats", func(t *testing.T) {
		st, err := eng.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if want := uint64(len(Documents()) + 2); st.Docs != want {
			t.Errorf("docs = %d, want %d", st.Docs, want)
		}
	})
}

func runVersions(t *testing.T, open Opener) {
	s, first, v := withNewVersion(t, open)
	ctx := context.Background()
	eng := s.Engine()
	if v == first {
		t.Fatalf("new version has the live number %d", v)
	}
	if r := mustSearch(t, s, q("하이킹")); slices.Contains(ids(r), "hiking") {
		t.Fatalf("the old version must not know the new synonym yet")
	}
	n, err := eng.CopyVersion(ctx, first, v, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if n != len(Documents()) {
		t.Fatalf("copied %d, want %d", n, len(Documents()))
	}
	// A write after the copy, caught up by update time.
	// Update times have millisecond precision in some engines: keep the
	// mark strictly between the copied writes and the late one.
	time.Sleep(5 * time.Millisecond)
	mark := time.Now()
	time.Sleep(5 * time.Millisecond)
	late := engine.Document{ID: "late", Title: "하이킹 코스 공유", CreatedAt: day(25)}
	if err := eng.Index(ctx, late, true); err != nil {
		t.Fatal(err)
	}
	if n, err := eng.CopyVersion(ctx, first, v, mark); err != nil || n != 1 {
		t.Fatalf("catch-up copied %d (%v), want 1", n, err)
	}
	// A rebuilt version is merged into one segment before it goes live.
	if err := eng.MergeSegments(ctx, v); err != nil {
		t.Fatal(err)
	}
	if err := eng.MergeSegments(ctx, v+100); engine.ErrorCode(err) != engine.NotFound {
		t.Fatalf("merging a missing version: %v, want not_found", err)
	}
	if err := eng.SwapAlias(ctx, v); err != nil {
		t.Fatal(err)
	}
	if eng.Live().Number != v {
		t.Fatalf("live = %d after swap, want %d", eng.Live().Number, v)
	}
	searchCase{query: q("하이킹"), want: []string{"hiking", "late"}}.check(t, mustSearch(t, s, q("하이킹")))
	if err := eng.DropVersion(ctx, v); engine.ErrorCode(err) != engine.Conflict {
		t.Fatalf("dropping the live version: %v, want conflict", err)
	}
	vs, err := eng.Versions(ctx)
	if err != nil || len(vs) != 2 {
		t.Fatalf("versions = %+v, %v", vs, err)
	}
	// Rollback is a swap.
	if err := eng.SwapAlias(ctx, first); err != nil {
		t.Fatal(err)
	}
	if r := mustSearch(t, s, q("하이킹")); slices.Contains(ids(r), "hiking") {
		t.Fatalf("after rollback the old analysis applies again, got %v", ids(r))
	}
	if err := eng.SwapAlias(ctx, v); err != nil {
		t.Fatal(err)
	}
	if err := eng.DropVersion(ctx, first); err != nil {
		t.Fatal(err)
	}
	if _, err := eng.CreateVersion(ctx, engine.AnalysisSettings{DecompoundMode: "sideways"}); engine.ErrorCode(err) != engine.Invalid {
		t.Fatalf("bad settings: %v, want invalid_argument", err)
	}
}
