package dictionary

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"go.uber.org/zap"

	"github.com/searchd/searchd/analyzers/hangul"
	"github.com/searchd/searchd/searchd/engine"
	"github.com/searchd/searchd/searchd/search"
)

// PreviewRequest asks what a draft would change.
type PreviewRequest struct {
	Draft
	// Queries to compare (default: the top 20 and the top 10 zero-result
	// queries of the last 7 days).
	Queries []string `json:"queries,omitempty"`
}

// Preview is what a draft would change before anyone builds an index.
type Preview struct {
	Valid    bool     `json:"valid"`
	Problems Problems `json:"problems"`
	Diff     Diff     `json:"diff"`
	// Words are the words of changed rules, as the draft analyzes them.
	Words []WordAnalysis `json:"words"`
	// AffectedDocuments contain a changed word (under live or the draft).
	AffectedDocuments int `json:"affected_documents"`
	// AffectedTruncated: more documents than MaxAffected contain changed
	// words; the query comparison then covers only MaxAffected of them.
	AffectedTruncated bool           `json:"affected_truncated,omitempty"`
	Queries           []QueryPreview `json:"queries"`
	TookMillis        float64        `json:"took_ms"`
}

// WordAnalysis is one changed word under live and under the draft.
type WordAnalysis struct {
	Word string `json:"word"`
	// Live and Draft are the index-time tokens (synonyms included).
	Live  []string `json:"live"`
	Draft []string `json:"draft"`
}

// QueryPreview compares one query under live and under the draft.
type QueryPreview struct {
	Query string     `json:"query"`
	Live  QueryHits  `json:"live"`
	Draft QueryHits  `json:"draft"`
	Diff  HitChanges `json:"changes"`
}

// QueryHits is a query's hit count and top 10.
type QueryHits struct {
	Total int64     `json:"total"`
	Top   []HitInfo `json:"top"`
}

// HitInfo is one hit of a top 10.
type HitInfo struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// HitChanges lists documents that enter (appear) or leave (disappear) the
// top 10 under the draft.
type HitChanges struct {
	Appear    []string `json:"appear"`
	Disappear []string `json:"disappear"`
}

// Preview limits.
const (
	MaxAffected = 10_000
	previewTop  = 10
	// affectedPage is the page size reading the ids of affected documents.
	affectedPage = 1000
)

// Preview answers what a draft would change: the rule-level diff against
// live, how each changed word analyzes, how many documents contain one,
// and each query's hits under live and under the draft.
//
// Why the draft's answers are faithful without rebuilding everything: a
// document's index-time analysis can only differ between live and the
// draft if its text contains a word whose rules changed (the synonym
// filter only touches rule inputs; a user dictionary entry only
// re-segments text containing its word). Those are the affected documents
// A, found by searching live for the exact terms of every changed word as
// live and as the draft analyze it. Every other document is indexed
// identically under both, so the draft's answer over them is live's index
// answering the draft's plan. Two small temporary versions hold A: one
// analyzed as live (A_live) and one as the draft (A_draft). For a plan P of
// the draft's search analyzer:
//
//	total(draft) = total(live, P) − total(A_live, P) + total(A_draft, P)
//	top(draft)   = top of (hits(live, P) minus A) merged with hits(A_draft, P)
//
// Counts are exact, and so are the search service's decisions that depend
// on them (AND, then OR when AND finds nothing). Where it can differ from
// a full rebuild: (1) relevance scores come from two indexes with
// different term statistics (A_draft is small), so the order in which
// documents of A interleave with the others in a relevance-sorted top 10
// is approximate (recent and popular sorts are exact); (2) "did you mean"
// corrections read term frequencies of live; (3) a word re-segmented in
// context (inside a longer word) differently from its analysis alone is
// not found, so such a document is treated as unaffected; (4) beyond
// MaxAffected documents the rest are treated as unaffected
// (AffectedTruncated says so).
func (s *Service) Preview(ctx context.Context, req PreviewRequest) (Preview, error) {
	start := s.now()
	out := Preview{Problems: Problems{}, Words: []WordAnalysis{}, Queries: []QueryPreview{}}
	queries, err := checkQueries(req.Queries)
	if err != nil {
		return out, err
	}
	select {
	case s.preview <- struct{}{}:
		defer func() { <-s.preview }()
	default:
		return out, engine.Errorf(engine.Unavailable, "another preview is running on this instance; try again in a moment")
	}
	o := s.options(req.Draft)
	ps, err := validateWith(s.validate, req.Draft, o)
	if err != nil {
		return out, err
	}
	if ps != nil {
		out.Problems = ps
	}
	if out.Valid = !ps.HasErrors(); !out.Valid {
		return out, nil
	}
	live := s.eng.Live()
	draft := Analysis(req.Synonyms, req.UserDictionary, o)
	if out.Diff, err = DiffSettings(live.Analysis, draft); err != nil {
		return out, err
	}
	liveAn, err := s.analyses.Get(live.Analysis)
	if err != nil {
		return out, err
	}
	draftAn, err := s.analyses.Get(draft)
	if err != nil {
		return out, err
	}
	words := out.Diff.changedWords()
	for _, w := range words {
		out.Words = append(out.Words, WordAnalysis{Word: w, Live: indexTerms(liveAn, w), Draft: indexTerms(draftAn, w)})
	}
	affected, truncated, err := s.affected(ctx, live.Number, words, liveAn, draftAn)
	if err != nil {
		return out, err
	}
	out.AffectedDocuments, out.AffectedTruncated = len(affected), truncated
	if len(queries) == 0 {
		queries = s.defaultQueries(ctx)
	}
	if len(queries) > 0 {
		if out.Queries, err = s.compare(ctx, live, draft, liveAn, draftAn, affected, queries); err != nil {
			return out, err
		}
	}
	out.TookMillis = float64(s.now().Sub(start).Microseconds()) / 1000
	return out, nil
}

func checkQueries(qs []string) ([]string, error) {
	if len(qs) > MaxPreviewQueries {
		return nil, engine.Errorf(engine.Invalid, "at most %d preview queries are allowed", MaxPreviewQueries)
	}
	var out []string
	for _, q := range qs {
		if utf8.RuneCountInString(q) > engine.MaxQueryLen {
			return nil, engine.Errorf(engine.Invalid, "preview queries may be at most %d characters", engine.MaxQueryLen)
		}
		if q = strings.TrimSpace(q); q != "" && !slices.Contains(out, q) {
			out = append(out, q)
		}
	}
	return out, nil
}

// indexTerms are the index-time terms of w (synonyms included).
func indexTerms(a search.Analyzer, w string) []string {
	idx, _ := a.Document(w)
	out := make([]string, 0, len(idx))
	for _, t := range idx {
		out = append(out, t.Term)
	}
	return out
}

// exactPlan matches documents containing every query term of text under
// a exactly (no fuzziness; the synonym fields count).
func exactPlan(a search.Analyzer, text string) (engine.Plan, bool) {
	var p engine.Plan
	for _, t := range a.Query(text) {
		p.Terms = append(p.Terms, engine.PlanTerm{Text: t.Term, Jamo: hangul.Jamo(t.Term)})
	}
	p.Mode, p.Sort = engine.MatchAll, engine.SortRecent
	return p, len(p.Terms) > 0
}

// affected returns the ids of live documents containing a changed word.
func (s *Service) affected(ctx context.Context, live int, words []string, analyzers ...search.Analyzer) (map[string]bool, bool, error) {
	ids := map[string]bool{}
	for _, w := range words {
		for _, a := range analyzers {
			p, ok := exactPlan(a, w)
			if !ok {
				continue
			}
			for from := 0; ; from += affectedPage {
				p.From, p.Size = from, affectedPage
				res, err := s.eng.SearchVersion(ctx, live, p)
				if err != nil {
					return nil, false, err
				}
				for _, h := range res.Hits {
					ids[h.ID] = true
					if len(ids) >= MaxAffected {
						return ids, true, nil
					}
				}
				if len(res.Hits) < affectedPage {
					break
				}
			}
		}
	}
	return ids, false, nil
}

// compare answers each query under live and, through the merged view,
// under the draft.
func (s *Service) compare(ctx context.Context, live engine.Version, draft engine.AnalysisSettings, liveAn, draftAn search.Analyzer,
	affected map[string]bool, queries []string) ([]QueryPreview, error) {
	ids := make([]string, 0, len(affected))
	for id := range affected {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var aLive, aDraft int
	if len(ids) > 0 {
		var err error
		aLive, err = s.tempVersion(ctx, live.Number, live.Analysis, ids)
		if aLive != 0 {
			defer s.dropTemp(ctx, aLive)
		}
		if err != nil {
			return nil, err
		}
		aDraft, err = s.tempVersion(ctx, live.Number, draft, ids)
		if aDraft != 0 {
			defer s.dropTemp(ctx, aDraft)
		}
		if err != nil {
			return nil, err
		}
	}
	liveSvc := search.NewService(versionView{Engine: s.eng, v: live.Number, settings: live.Analysis, analyzer: liveAn}, engine.NopSink{}, s.log)
	draftSvc := search.NewService(mergedView{versionView: versionView{Engine: s.eng, v: live.Number, settings: draft, analyzer: draftAn},
		aLive: aLive, aDraft: aDraft, affected: affected}, engine.NopSink{}, s.log)
	out := make([]QueryPreview, 0, len(queries))
	for _, q := range queries {
		l, err := liveSvc.Search(ctx, engine.Query{Text: q, Size: previewTop}, search.RequestMeta{})
		if err != nil {
			return nil, err
		}
		d, err := draftSvc.Search(ctx, engine.Query{Text: q, Size: previewTop}, search.RequestMeta{})
		if err != nil {
			return nil, err
		}
		qp := QueryPreview{Query: q, Live: hitsOf(l), Draft: hitsOf(d), Diff: HitChanges{Appear: []string{}, Disappear: []string{}}}
		lids, dids := topIDs(qp.Live), topIDs(qp.Draft)
		qp.Diff.Appear, qp.Diff.Disappear = minus(dids, lids), minus(lids, dids)
		out = append(out, qp)
	}
	return out, nil
}

func hitsOf(r engine.SearchResponse) QueryHits {
	h := QueryHits{Total: r.Total, Top: make([]HitInfo, 0, len(r.Hits))}
	for _, x := range r.Hits {
		h.Top = append(h.Top, HitInfo{ID: x.ID, Title: x.Document.Title})
	}
	return h
}

func topIDs(h QueryHits) []string {
	out := make([]string, 0, len(h.Top))
	for _, x := range h.Top {
		out = append(out, x.ID)
	}
	return out
}

// tempVersion builds a preview version of the documents ids analyzed with
// a; it is this instance's (recovery leaves it alone) until dropTemp.
func (s *Service) tempVersion(ctx context.Context, live int, a engine.AnalysisSettings, ids []string) (int, error) {
	n, err := s.eng.CreateVersion(ctx, a)
	if err != nil {
		return 0, err
	}
	s.mu.Lock()
	s.temps[n] = true
	s.mu.Unlock()
	if _, err := s.eng.CopyDocuments(ctx, live, n, ids); err != nil {
		return n, err
	}
	return n, nil
}

func (s *Service) dropTemp(ctx context.Context, n int) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	if err := s.eng.DropVersion(ctx, n); err != nil {
		s.log.Warn("could not drop a preview version", zap.Int("version", n), zap.Error(err))
	}
	s.mu.Lock()
	delete(s.temps, n)
	s.mu.Unlock()
}

// mergedView answers plans as the draft's index would (see Preview).
type mergedView struct {
	versionView // live's index, the draft's analysis
	aLive       int
	aDraft      int
	affected    map[string]bool
}

func (m mergedView) Search(ctx context.Context, p engine.Plan) (engine.Result, error) {
	if m.aLive == 0 {
		// No document is affected: every document is indexed alike.
		return m.Engine.SearchVersion(ctx, m.v, p)
	}
	need := p.From + p.Size
	base := p
	base.From = 0
	// Live's hits minus the affected documents: fetch deeper until need
	// unaffected hits are in hand or live has no more.
	var kept []engine.Hit
	var liveTotal int64
	for size := need + min(len(m.affected), 100); ; size *= 2 {
		base.Size = min(size, engine.MaxResultDepth)
		res, err := m.Engine.SearchVersion(ctx, m.v, base)
		if err != nil {
			return engine.Result{}, err
		}
		liveTotal, kept = res.Total, kept[:0]
		for _, h := range res.Hits {
			if !m.affected[h.ID] {
				kept = append(kept, h)
			}
		}
		if len(kept) >= need || int64(len(res.Hits)) >= res.Total || base.Size == engine.MaxResultDepth {
			break
		}
	}
	base.Size = 0
	al, err := m.Engine.SearchVersion(ctx, m.aLive, base)
	if err != nil {
		return engine.Result{}, err
	}
	base.Size = need
	ad, err := m.Engine.SearchVersion(ctx, m.aDraft, base)
	if err != nil {
		return engine.Result{}, err
	}
	hits := append(kept, ad.Hits...)
	slices.SortStableFunc(hits, func(a, b engine.Hit) int { return compareHits(p.Sort, a, b) })
	out := engine.Result{Total: liveTotal - al.Total + ad.Total}
	if p.From < len(hits) {
		out.Hits = hits[p.From:min(len(hits), need)]
	}
	return out, nil
}

// compareHits orders hits as the engines sort them.
func compareHits(s engine.Sort, a, b engine.Hit) int {
	switch s {
	case engine.SortRecent:
		if c := b.Document.CreatedAt.Compare(a.Document.CreatedAt); c != 0 {
			return c
		}
	case engine.SortPopular:
		if c := cmp.Compare(b.Document.Popularity, a.Document.Popularity); c != 0 {
			return c
		}
	}
	return cmp.Compare(b.Score, a.Score)
}

// minus returns the elements of a not in b, in a's order.
func minus(a, b []string) []string {
	out := []string{}
	for _, x := range a {
		if !slices.Contains(b, x) && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}
