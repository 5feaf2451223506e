package judged

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/searchd/searchd/searchd/engine"
	"github.com/searchd/searchd/searchd/search"
)

// TopK is the depth recall, MRR and precision are measured at.
const TopK = 10

// Outcome is what one judged query returned.
type Outcome struct {
	Query Query
	IDs   []string // top-10 hit ids
	// Rank of the first relevant hit (1-based), 0 when none in the top 10.
	Rank int
	// Relevant is how many of the top-10 hits are relevant.
	Relevant int
	// Top1Expect: for 2-syllable 초성 queries, the first hit holds Expect.
	Top1Expect bool
	Corrected  string
	Suggested  bool
}

// Run searches every query through the service and judges the hits.
func Run(ctx context.Context, s *search.Service, qs []Query) ([]Outcome, error) {
	a, err := s.Analyzer()
	if err != nil {
		return nil, err
	}
	terms := map[string]map[string]bool{} // doc id → index-time terms
	has := func(d engine.Document, words ...string) bool {
		set := terms[d.ID]
		if set == nil {
			set = map[string]bool{}
			for _, text := range []string{d.Title, d.Body} {
				idx, _ := a.Document(text)
				for _, t := range idx {
					set[t.Term] = true
				}
			}
			terms[d.ID] = set
		}
		for _, w := range words {
			if !set[w] {
				return false
			}
		}
		return true
	}
	out := make([]Outcome, 0, len(qs))
	for _, q := range qs {
		r, err := s.Search(ctx, engine.Query{Text: q.Text, Size: TopK}, search.RequestMeta{})
		if err != nil {
			return nil, fmt.Errorf("judged: %q: %w", q.Text, err)
		}
		o := Outcome{Query: q, Corrected: r.Corrected, Suggested: len(r.Suggestions) > 0}
		for i, h := range r.Hits {
			o.IDs = append(o.IDs, h.ID)
			if has(h.Document, q.Words...) {
				o.Relevant++
				if o.Rank == 0 {
					o.Rank = i + 1
				}
			}
			if i == 0 && q.Expect != "" {
				o.Top1Expect = has(h.Document, q.Expect)
			}
		}
		out = append(out, o)
	}
	return out, nil
}

// Stats aggregate outcomes of one group.
type Stats struct {
	N          int
	Recall     float64 // share with a relevant hit in the top 10
	MRR        float64
	Precision  float64 // mean share of relevant hits among those returned (queries with hits)
	Empty      float64 // share that returned nothing
	Top1Expect float64 // share of 2-syllable 초성 queries whose first hit holds the most frequent completion
	withHits   int
	expectN    int
}

func (s *Stats) add(o Outcome) {
	s.N++
	if o.Rank > 0 {
		s.Recall++
		s.MRR += 1 / float64(o.Rank)
	}
	if len(o.IDs) == 0 {
		s.Empty++
	} else {
		s.withHits++
		s.Precision += float64(o.Relevant) / float64(len(o.IDs))
	}
	if o.Query.Expect != "" {
		s.expectN++
		if o.Top1Expect {
			s.Top1Expect++
		}
	}
}

func (s *Stats) finish() {
	if s.N > 0 {
		s.Recall /= float64(s.N)
		s.MRR /= float64(s.N)
		s.Empty /= float64(s.N)
	}
	if s.withHits > 0 {
		s.Precision /= float64(s.withHits)
	}
	if s.expectN > 0 {
		s.Top1Expect /= float64(s.expectN)
	}
}

// Group names an aggregate: a variant (or "typo" for all four typo kinds)
// and a syllable count (0: every length).
type Group struct {
	Variant   Variant
	Syllables int
}

// ThreePlus as a Group's Syllables: words of three or more syllables.
const ThreePlus = -3

func (g Group) String() string {
	switch g.Syllables {
	case 0:
		return string(g.Variant)
	case ThreePlus:
		return string(g.Variant) + "/3+"
	}
	return fmt.Sprintf("%s/%d", g.Variant, g.Syllables)
}

// Typo is the group of all goal typo variants.
const Typo Variant = "typo"

// Report aggregates outcomes per variant and per variant and length.
type Report struct {
	Groups map[Group]*Stats
	// NFDSame is the share of NFD queries whose top 10 equal the NFC query's.
	NFDSame float64
}

// Summarize aggregates outcomes.
func Summarize(os []Outcome) Report {
	r := Report{Groups: map[Group]*Stats{}}
	add := func(g Group, o Outcome) {
		s := r.Groups[g]
		if s == nil {
			s = &Stats{}
			r.Groups[g] = s
		}
		s.add(o)
	}
	exact := map[string][]string{}
	for _, o := range os {
		if o.Query.Variant == Exact {
			exact[o.Query.Words[0]] = o.IDs
		}
	}
	nfd, same := 0, 0
	for _, o := range os {
		v := o.Query.Variant
		add(Group{v, 0}, o)
		add(Group{v, o.Query.Syllables}, o)
		if o.Query.Syllables >= 3 {
			add(Group{v, ThreePlus}, o)
		}
		if IsTypo(v) {
			add(Group{Typo, 0}, o)
			add(Group{Typo, o.Query.Syllables}, o)
		}
		if v == NFD {
			nfd++
			if slices.Equal(o.IDs, exact[o.Query.Words[0]]) {
				same++
			}
		}
	}
	for _, s := range r.Groups {
		s.finish()
	}
	if nfd > 0 {
		r.NFDSame = float64(same) / float64(nfd)
	}
	return r
}

// Table renders the report as a plain-text table, groups sorted.
func (r Report) Table() string {
	gs := make([]Group, 0, len(r.Groups))
	for g := range r.Groups {
		gs = append(gs, g)
	}
	sort.Slice(gs, func(i, j int) bool {
		if gs[i].Variant != gs[j].Variant {
			return gs[i].Variant < gs[j].Variant
		}
		return gs[i].Syllables < gs[j].Syllables
	})
	var b strings.Builder
	fmt.Fprintf(&b, "%-18s %5s %7s %6s %9s %6s %9s\n", "group", "n", "recall", "mrr", "precision", "empty", "top1-freq")
	for _, g := range gs {
		s := r.Groups[g]
		top := "-"
		if s.expectN > 0 {
			top = fmt.Sprintf("%.3f", s.Top1Expect)
		}
		fmt.Fprintf(&b, "%-18s %5d %7.3f %6.3f %9.3f %6.3f %9s\n", g, s.N, s.Recall, s.MRR, s.Precision, s.Empty, top)
	}
	fmt.Fprintf(&b, "nfd = nfc (same top 10): %.3f\n", r.NFDSame)
	return b.String()
}

// Agreement is the share of queries whose top-10 ids are the same in a
// and b (same queries in the same order).
func Agreement(a, b []Outcome) float64 {
	if len(a) == 0 || len(a) != len(b) {
		return 0
	}
	same := 0
	for i := range a {
		if slices.Equal(a[i].IDs, b[i].IDs) {
			same++
		}
	}
	return float64(same) / float64(len(a))
}

// SetAgreement is Agreement on the top-10 as sets (ties in score may be
// ordered differently by the engines).
func SetAgreement(a, b []Outcome) float64 {
	if len(a) == 0 || len(a) != len(b) {
		return 0
	}
	same := 0
	for i := range a {
		x, y := slices.Clone(a[i].IDs), slices.Clone(b[i].IDs)
		slices.Sort(x)
		slices.Sort(y)
		if slices.Equal(x, y) {
			same++
		}
	}
	return float64(same) / float64(len(a))
}
