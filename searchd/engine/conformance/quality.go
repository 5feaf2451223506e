package conformance

import (
	"context"
	"slices"
	"strings"

	"golang.org/x/text/unicode/norm"

	"github.com/searchd/searchd/searchd/engine"
	"github.com/searchd/searchd/searchd/search"
	"testing"
)

// runQuality holds the search-quality cases of issue 12.
func runQuality(t *testing.T, open Opener) {
	t.Run("explain gives fine-grained tags", func(t *testing.T) { checkExplainDetails(t, open) })
	t.Run("normalization at the edge", func(t *testing.T) { checkNormalization(t, open) })
	t.Run("multi-word synonyms are attributed to their source", func(t *testing.T) { checkSynonymAttribution(t, open) })
	t.Run("spacing either way", func(t *testing.T) { checkSpacing(t, open) })
	t.Run("judged sample", func(t *testing.T) { checkJudgedSample(t, open) })
	s := fixture(t, open)
	t.Run("did you mean respects the filters", func(t *testing.T) {
		// 보드게임 listings are all in 대전: in 대전 the typo is corrected,
		// elsewhere no correction is offered at all.
		r := mustSearch(t, s, engine.Query{Text: "포드게임", Filters: engine.Filters{Region: "대전"}})
		if r.Corrected != "보드게임" || r.Total == 0 {
			t.Errorf("포드게임 in 대전: corrected %q, total %d; want 보드게임 with hits", r.Corrected, r.Total)
		}
		r = mustSearch(t, s, engine.Query{Text: "포드게임", Filters: engine.Filters{Region: "인천"}})
		if r.Corrected != "" || len(r.Suggestions) != 0 || r.Total != 0 {
			t.Errorf("포드게임 in 인천: corrected %q, suggestions %v, total %d; want nothing (no 보드게임 there)", r.Corrected, r.Suggestions, r.Total)
		}
	})
	t.Run("short word without results gets a suggestion one jamo away", func(t *testing.T) {
		r := mustSearch(t, s, q("밥"))
		if r.Total != 0 || r.Corrected != "" || !slices.Contains(r.Suggestions, "밤") {
			t.Errorf("밥: total %d, corrected %q, suggestions %v; want nothing run and 밤 suggested", r.Total, r.Corrected, r.Suggestions)
		}
		r = mustSearch(t, s, engine.Query{Text: "밥", Filters: engine.Filters{Category: "IT"}})
		if len(r.Suggestions) != 0 {
			t.Errorf("밥 in IT: suggestions %v, want none (밤 is not in IT)", r.Suggestions)
		}
	})
}

// checkExplainDetails: explain gives the fine-grained tags (as Lucene 10's
// nori does) beside the coarse ones. Particles and endings survive only
// when the stop tags keep them, so the index keeps everything but spaces:
// in 뿌리가 깊은 나무는, 가 is J / JKS, 은 E / ETM, 는 J / JX.
func checkExplainDetails(t *testing.T, open Opener) {
	e := open(t, engine.AnalysisSettings{StopTags: []string{"SP"}})
	toks, err := e.Analyze(context.Background(), engine.AnalyzeRequest{Analyzer: "search", Text: "뿌리가 깊은 나무는", Explain: true})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2]string{
		"가": {"J(Ending Particle)", "JKS(Subject case marker)"},
		"은": {"E(Verbal endings)", "ETM(Adnominal form transformative ending)"},
		"는": {"J(Ending Particle)", "JX(Auxiliary postpositional particle)"},
	}
	seen := 0
	for _, tk := range toks {
		w, ok := want[tk.Token]
		if !ok {
			continue
		}
		seen++
		if tk.LeftPOS != w[0] || tk.LeftPOSDetail != w[1] || tk.RightPOSDetail != w[1] {
			t.Errorf("%s: leftPOS %q detail %q/%q, want %q and %q", tk.Token, tk.LeftPOS, tk.LeftPOSDetail, tk.RightPOSDetail, w[0], w[1])
		}
	}
	if seen != len(want) {
		t.Errorf("explain of 뿌리가 깊은 나무는 = %+v, want the particles and the ending", toks)
	}
}

// checkNormalization: documents and queries are normalized identically —
// NFC (decomposed jamo as macOS writes them) and the middle dots between
// words (ㆍ U+318D, ·) — so each spelling finds the others.
func checkNormalization(t *testing.T, open Opener) {
	eng := open(t, Settings())
	docs := []engine.Document{
		{ID: "nfd", Title: norm.NFD.String("독서모임 회원 모집"), Body: norm.NFD.String("주말에 책을 읽어요"), Region: norm.NFD.String("서울"), CreatedAt: day(1)},
		{ID: "interpunct", Title: "서울ㆍ경기 등산 모임", Body: "수원·용인 산책도 해요", CreatedAt: day(2)},
	}
	if _, err := eng.IndexBatch(context.Background(), docs, true); err != nil {
		t.Fatal(err)
	}
	s := search.NewService(eng, engine.NopSink{}, nil)
	for _, c := range []struct {
		query engine.Query
		want  string
	}{
		{q("독서모임"), "nfd"},
		{q(norm.NFD.String("회원")), "nfd"},
		{engine.Query{Text: "책", Filters: engine.Filters{Region: "서울"}}, "nfd"},
		{q("경기"), "interpunct"},
		{q("서울"), "interpunct"},
		{q("용인"), "interpunct"},
	} {
		r := mustSearch(t, s, c.query)
		if !slices.Contains(ids(r), c.want) {
			t.Errorf("%q (filters %+v) = %v, want %s", c.query.Text, c.query.Filters, ids(r), c.want)
		}
	}
	r := mustSearch(t, s, q("경기"))
	for _, h := range r.Hits {
		if h.ID == "interpunct" && !strings.Contains(strings.Join(h.Highlights["title"], ""), "ㆍ<em>경기</em>") {
			t.Errorf("highlight of 경기 in %q: %v", docs[1].Title, h.Highlights)
		}
	}
	toks, err := eng.Analyze(context.Background(), engine.AnalyzeRequest{Analyzer: "search", Text: "서울ㆍ경기"})
	if err != nil || len(toks) != 2 || toks[1].Token != "경기" || toks[1].StartOffset != 3 || toks[1].EndOffset != 5 {
		t.Errorf("analyze 서울ㆍ경기 = %+v, %v; want 서울, 경기 at characters 3-5", toks, err)
	}
}

// checkSynonymAttribution: with 스터디, 공부모임 a document with 스터디원
// holds 공부 and 모임 only as an expansion of 스터디 (Lucene stacks 모임 on
// the following token, 원). A query for 모임 ranks documents with 모임
// itself first and highlights the source word 스터디, never 원.
func checkSynonymAttribution(t *testing.T, open Opener) {
	eng := open(t, engine.AnalysisSettings{Synonyms: "스터디, 공부모임\n"})
	docs := []engine.Document{
		{ID: "expansion-only", Title: "스터디원 모집", Body: "스터디원 모집해요", CreatedAt: day(1), Popularity: 100},
		{ID: "the-word", Title: "주말 독서 모임", Body: "같이 읽어요", CreatedAt: day(2)},
	}
	if _, err := eng.IndexBatch(context.Background(), docs, true); err != nil {
		t.Fatal(err)
	}
	s := search.NewService(eng, engine.NopSink{}, nil)
	r := mustSearch(t, s, q("모임"))
	if got := ids(r); len(got) == 0 || got[0] != "the-word" {
		t.Errorf("모임 = %v, want the-word first", got)
	}
	for _, h := range r.Hits {
		if h.ID != "expansion-only" {
			continue
		}
		if title := strings.Join(h.Highlights["title"], ""); title != "<em>스터디</em>원 모집" {
			t.Errorf("highlight of 모임 in 스터디원 모집 = %q, want <em>스터디</em>원 모집", title)
		}
	}
	// The whole synonym still finds the expansion, ranked like a synonym.
	r = mustSearch(t, s, q("공부모임"))
	if !slices.Contains(ids(r), "expansion-only") {
		t.Errorf("공부모임 = %v, want expansion-only", ids(r))
	}
}

// checkSpacing: a space inside a compound the dictionary keeps whole
// (러닝 크루 for 러닝크루) finds it, ranked above documents that only hold
// one of the words; the reverse (삼성노트북 for 삼성 노트북) too.
func checkSpacing(t *testing.T, open Opener) {
	eng := open(t, engine.AnalysisSettings{UserDictionary: []string{"러닝크루"}})
	docs := []engine.Document{
		{ID: "crew", Title: "러닝크루 모집", Body: "한강에서 같이 달려요", CreatedAt: day(1)},
		{ID: "running-only", Title: "러닝 초보 모임", Body: "러닝 자세 배워요", CreatedAt: day(2)},
		{ID: "laptop", Title: "삼성 노트북 팝니다", Body: "거의 새것", CreatedAt: day(3)},
	}
	if _, err := eng.IndexBatch(context.Background(), docs, true); err != nil {
		t.Fatal(err)
	}
	s := search.NewService(eng, engine.NopSink{}, nil)
	for _, c := range []struct{ query, want string }{{"러닝 크루", "crew"}, {"러닝크루", "crew"}, {"삼성노트북", "laptop"}, {"삼성 노트북", "laptop"}} {
		r := mustSearch(t, s, q(c.query))
		if got := ids(r); len(got) == 0 || got[0] != c.want {
			t.Errorf("%q = %v, want %s first", c.query, got, c.want)
		}
	}
}
