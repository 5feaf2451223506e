package analyzers_test

import (
	"cmp"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode"

	"github.com/searchd/searchd/analyzers"
	"github.com/searchd/searchd/internal/nsmc"
	"github.com/searchd/searchd/searchd/engine"
)

// benchRules is the size of the benchmark's synonym dictionary, the size
// the admin API promises validation on every pause in typing for.
const benchRules = 5000

// benchWords returns n distinct words that each analyze to one token equal
// to themselves (so every rule built from them is valid), deterministic:
// NSMC's most frequent terms when the corpus is present (source "nsmc"),
// else Hangul syllable pairs (source "generated").
func benchWords(tb testing.TB, n int) ([]string, string) {
	tb.Helper()
	analyze := noriChain(tb, analyzers.DecompoundDiscard)
	var cands []string
	source := "generated"
	if path, ok := nsmc.Path(); ok {
		source = "nsmc"
		counts := map[string]int{}
		err := nsmc.Read(path, 60000, func(r nsmc.Review) error {
			for _, tk := range analyze(r.Text) {
				if len([]rune(tk.Term)) >= 2 && strings.IndexFunc(tk.Term, func(r rune) bool { return !unicode.Is(unicode.Hangul, r) }) < 0 {
					counts[tk.Term]++
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
		for w := range counts {
			cands = append(cands, w)
		}
		slices.SortFunc(cands, func(a, b string) int { return cmp.Or(counts[b]-counts[a], strings.Compare(a, b)) })
	} else {
		syll := []rune("가나다라마바사아자차카타파하거너더러머버서어저처커터퍼허고노도로모보소오조초코토포호구누두루무부수우주추쿠투푸후")
		for _, a := range syll {
			for _, b := range syll {
				for _, c := range syll {
					cands = append(cands, string([]rune{a, b, c}))
				}
			}
		}
	}
	var words []string
	for _, w := range cands {
		if toks := analyze(w); len(toks) == 1 && toks[0].Term == w {
			words = append(words, w)
			if len(words) == n {
				break
			}
		}
	}
	if len(words) < n {
		tb.Fatalf("only %d usable %s words, want %d", len(words), source, n)
	}
	return words, source
}

// benchDictionaries builds the benchmark's dictionaries: benchRules
// synonym rules (four in five equivalence groups of two or three words,
// one in five one-way rules; one rule in fifty shares a word with an
// earlier one, which Elasticsearch merges with a warning) and a user
// dictionary of 1,000 compounds of frequent words with their parts.
func benchDictionaries(tb testing.TB) (engine.AnalysisSettings, string) {
	tb.Helper()
	words, source := benchWords(tb, 12200)
	var syn strings.Builder
	syn.WriteString("# synonyms for the validation benchmark\n")
	next := 0
	take := func() string { w := words[next]; next++; return w }
	for i := range benchRules {
		switch {
		case i%50 == 49: // overlaps an earlier rule
			fmt.Fprintf(&syn, "%s, %s\n", words[i], take())
		case i%5 == 4:
			fmt.Fprintf(&syn, "%s, %s => %s\n", take(), take(), take())
		case i%3 == 0:
			fmt.Fprintf(&syn, "%s, %s, %s\n", take(), take(), take())
		default:
			fmt.Fprintf(&syn, "%s, %s\n", take(), take())
		}
	}
	var user []string
	for i := range 1000 {
		a, b := words[2*i], words[2*i+1] // compounds of the rules' words
		user = append(user, a+b+" "+a+" "+b)
	}
	return engine.AnalysisSettings{Synonyms: syn.String(), UserDictionary: user}, source
}

// TestBenchDictionariesAreValid: the benchmark validates a realistic
// dictionary, one with warnings but no errors.
func TestBenchDictionariesAreValid(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 5,000-rule dictionary")
	}
	s, source := benchDictionaries(t)
	ps := analyzers.Validate(s)
	if ps.HasErrors() {
		t.Fatalf("%s dictionary has errors: %v", source, ps.Errors()[:min(5, len(ps.Errors()))])
	}
	a := mustAnalysis(t, s)
	if a.Synonyms.Len() != benchRules {
		t.Errorf("%d rules, want %d", a.Synonyms.Len(), benchRules)
	}
	if len(ps.Warnings()) == 0 {
		t.Errorf("no warnings; the overlapping rules should be merged with one")
	}
}

// BenchmarkValidate validates a 5,000-rule synonym dictionary and a
// 1,000-word user dictionary (benchDictionaries), as the admin API does on
// every pause in typing, and reports p50/p99 in milliseconds (goal: p99 ≤
// 50 ms). It logs whether the words came from NSMC or were generated.
//
//   - cold: Validate, every word analyzed (the first validation);
//   - typing: a Validator that has seen the dictionary, each op one edit
//     (a word added to a rule, the line after the last edit);
//   - typing-user-dictionary: the same with each op adding a compound to
//     the user dictionary, which re-analyzes the synonym words holding it.
func BenchmarkValidate(b *testing.B) {
	s, source := benchDictionaries(b)
	b.Logf("dictionary: %d synonym rules and %d user words built from %s words", benchRules, len(s.UserDictionary), source)
	if ps := analyzers.Validate(s); ps.HasErrors() {
		b.Fatalf("benchmark dictionary has errors: %v", ps.Errors()[0])
	}
	lines := strings.Split(s.Synonyms, "\n")
	extra, _ := benchWords(b, 12200+1500)
	extra = extra[12200:]
	run := func(b *testing.B, edit func(i int) engine.AnalysisSettings, validate func(engine.AnalysisSettings) analyzers.Problems) {
		var took []time.Duration
		var cpu time.Duration
		i := 0
		for b.Loop() {
			next := edit(i)
			start, startCPU := time.Now(), processCPU()
			validate(next)
			took = append(took, time.Since(start))
			cpu += processCPU() - startCPU
			i++
		}
		b.ReportMetric(nsmc.Percentile(took, 0.50), "p50-ms")
		b.ReportMetric(nsmc.Percentile(took, 0.99), "p99-ms")
		// CPU time is what the machine's load does not inflate.
		b.ReportMetric(float64(cpu.Microseconds())/1000/float64(i), "cpu-ms/op")
	}
	editSynonyms := func(i int) engine.AnalysisSettings {
		next := s
		edited := slices.Clone(lines)
		k := 1 + i%benchRules
		edited[k] += ", " + extra[i%len(extra)]
		next.Synonyms = strings.Join(edited, "\n")
		return next
	}
	b.Run("cold", func(b *testing.B) {
		run(b, func(int) engine.AnalysisSettings { return s }, analyzers.Validate)
	})
	b.Run("typing", func(b *testing.B) {
		v := analyzers.NewValidator()
		v.Validate(s)
		run(b, editSynonyms, v.Validate)
	})
	b.Run("typing-user-dictionary", func(b *testing.B) {
		v := analyzers.NewValidator()
		v.Validate(s)
		run(b, func(i int) engine.AnalysisSettings {
			next := s
			w := extra[i%len(extra)]
			next.UserDictionary = append(slices.Clone(s.UserDictionary), w+"류 "+w+" 류")
			return next
		}, v.Validate)
	})
}

// processCPU is the process's user and system CPU time so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestValidatorRemembersFaithfully: a Validator answers what Validate
// answers through a sequence of edits, the user dictionary edits that
// change how remembered synonym words analyze included.
func TestValidatorRemembersFaithfully(t *testing.T) {
	v := analyzers.NewValidator()
	steps := []engine.AnalysisSettings{
		{Synonyms: "갤폰, 갤럭시폰\n삼성전자, 삼전"},                                          // 갤폰 has a gap
		{Synonyms: "갤폰, 갤럭시폰\n삼성전자, 삼전", UserDictionary: []string{"갤폰"}},          // now one word
		{Synonyms: "갤폰, 갤럭시폰\n삼성전자, 삼전", UserDictionary: []string{"갤폰", "삼전"}},    // another user word
		{Synonyms: "갤폰, 갤럭시폰\n삼성전자, 삼전"},                                          // and back
		{Synonyms: "갤폰, 갤럭시폰\n삼성전자, 삼전", DecompoundMode: "none"},                  // another chain
		{Synonyms: "갤폰, 갤럭시폰\n삼성전자, 삼전", StopTags: []string{"J"}},                 // another chain
		{Synonyms: "갤폰, 갤럭시폰\n삼성전자, 삼전", UserDictionary: []string{"갤폰", "킹받다"}},   // an unrelated user word
		{Synonyms: "킹\\받다, 열받다\n삼성전자, 삼전", UserDictionary: []string{"갤폰"}},        // an escape inside a word
		{Synonyms: "킹\\받다, 열받다\n삼성전자, 삼전", UserDictionary: []string{"갤폰", "킹받다"}}, // a user word inside it
		{Synonyms: "갤폰, 갤럭시폰\n삼성전자, 삼전\n에어팟프로, airpodspro"},
		{Synonyms: "갤폰, 갤럭시폰\n삼성전자, 삼전\n에어팟프로, airpodspro", UserDictionary: []string{"AirPodsPro AirPods Pro"}}, // matched ignoring case
	}
	for i, s := range steps {
		if got, want := v.Validate(s), analyzers.Validate(s); !reflect.DeepEqual(got, want) {
			t.Errorf("step %d: Validator %v, Validate %v", i, got, want)
		}
	}
}
