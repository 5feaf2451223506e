package analyzers_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/searchd/searchd/analyzers"
)

// tok is a token as the filter tests compare it.
type tok struct {
	term       string
	pos, len   int
	start, end int
	syn        bool
}

func (t tok) String() string {
	s := fmt.Sprintf("%s@%d", t.term, t.pos)
	if t.len != 1 {
		s += fmt.Sprintf("+%d", t.len)
	}
	s += fmt.Sprintf("[%d:%d]", t.start, t.end)
	if t.syn {
		s += "S"
	}
	return s
}

func toks(ts []analyzers.Token) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = tok{t.Term, t.Position, t.PositionLength, t.Start, t.End, t.Type == analyzers.TypeSynonym}.String()
	}
	return strings.Join(parts, " ")
}

func mustSynonyms(t testing.TB, text string, analyze func(string) []analyzers.Token) *analyzers.SynonymSet {
	t.Helper()
	set, err := analyzers.ParseSynonyms(text, analyze)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// TestSynonymFilterTokenStreams runs the filter over wsAnalyze streams.
// Notation: term@position, +n for PositionLength n, [start:end] byte
// offsets, S for Type SYNONYM.
func TestSynonymFilterTokenStreams(t *testing.T) {
	const dict = `a, b
x, y, z
new york, nyc
new, fresh
big apple => nyc
p q => r
k => k, kk
m => n o`
	tests := []struct {
		name, text, want string
	}{
		{"no match", "c d", "c@0[0:1] d@1[2:3]"},
		{"equivalence stacks at the position", "c a d",
			"c@0[0:1] a@1[2:3] b@1[2:3]S d@2[4:5]"},
		{"every other member, in order", "y", "y@0[0:1] x@0[0:1]S z@0[0:1]S"},
		{"multi-term input, one-term output spans it", "in new york city",
			"in@0[0:2] new@1[3:6] nyc@1+2[3:11]S york@2[7:11] city@3[12:16]"},
		{"longest input wins", "new car",
			"new@0[0:3] fresh@0[0:3]S car@1[4:7]"},
		{"one-term input, multi-term output on following positions", "nyc is big",
			"nyc@0[0:3] new@0[0:3]S is@1[4:6] york@1[4:6]S big@2[7:10]"},
		{"multi-term output past the end", "nyc",
			"nyc@0[0:3] new@0[0:3]S york@1[0:3]S"},
		{"one-way replaces", "c big apple d",
			"c@0[0:1] nyc@1[2:11]S d@2[12:13]"},
		{"one-way closes up positions", "p q d", "r@0[0:3]S d@1[4:5]"},
		{"one-way keeping the original", "k", "k@0[0:1]S kk@0[0:1]S"},
		{"one-way multi-term output", "m c", "n@0[0:1]S c@1[2:3] o@1[2:3]S"},
		{"gap breaks a multi-term match", "new -the york",
			"new@0[0:3] fresh@0[0:3]S york@2[9:13]"},
		{"gaps are kept", "-the a -of c", "a@1[5:6] b@1[5:6]S c@3[11:12]"},
		{"adjacent matches", "a a", "a@0[0:1] b@0[0:1]S a@1[2:3] b@1[2:3]S"},
		{"matched tokens are not matched again", "new york york",
			"new@0[0:3] nyc@0+2[0:8]S york@1[4:8] york@2[9:13]"},
		{"outputs overlapping a later match", "nyc a",
			"nyc@0[0:3] new@0[0:3]S a@1[4:5] york@1[4:5]S b@1[4:5]S"},
		{"empty stream", "", ""},
	}
	f := analyzers.NewSynonymFilter(mustSynonyms(t, dict, wsAnalyze))
	if f.Name() != "synonym" {
		t.Errorf("Name() = %q", f.Name())
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := toks(f.Filter(wsAnalyze(tt.text))); got != tt.want {
				t.Errorf("%q:\n got %s\nwant %s", tt.text, got, tt.want)
			}
		})
	}
}

func TestSynonymFilterNoMatchDoesNotAllocate(t *testing.T) {
	f := analyzers.NewSynonymFilter(mustSynonyms(t, "a, b\nnew york, nyc", wsAnalyze))
	in := wsAnalyze("new car c d e new")
	allocs := testing.AllocsPerRun(100, func() { f.Filter(in) })
	if allocs != 0 {
		t.Errorf("Filter allocated %v times on a stream without matches", allocs)
	}
	if got := analyzers.NewSynonymFilter(nil).Filter(in); len(got) != len(in) {
		t.Errorf("nil set changed the stream")
	}
}

// BenchmarkSynonymFilter expands the first 20k NSMC reviews, analyzed
// beforehand with the nori chain, with the movie dictionary plus generated
// rules (a dictionary of about 5,000 rules); one op is one review. It reports
// tokens/s and the share of reviews with at least one synonym.
func BenchmarkSynonymFilter(b *testing.B) {
	texts, _ := benchReviews(b)
	analyze := noriChain(b, analyzers.DecompoundDiscard)
	dict, err := os.ReadFile(filepath.Join("testdata", "synonyms", "movie.txt"))
	if err != nil {
		b.Fatal(err)
	}
	var extra strings.Builder
	for i := range 5000 {
		fmt.Fprintf(&extra, "gen%dx, gen%dy z\n", i, i)
	}
	set := mustSynonyms(b, string(dict)+extra.String(), analyze)
	f := analyzers.NewSynonymFilter(set)
	streams := make([][]analyzers.Token, len(texts))
	ntoks, expanded := 0, 0
	for i, text := range texts {
		streams[i] = analyze(text)
		ntoks += len(streams[i])
		if len(f.Filter(streams[i])) != len(streams[i]) {
			expanded++
		}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		f.Filter(streams[i%len(streams)])
		i++
	}
	b.ReportMetric(float64(b.N)*float64(ntoks)/float64(len(streams))/b.Elapsed().Seconds(), "tokens/s")
	b.ReportMetric(100*float64(expanded)/float64(len(streams)), "%expanded")
}
