package analyzers_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/searchd/searchd/analyzers"
	"github.com/searchd/searchd/searchd/engine"
)

// noriChains caches the nori analyzers (tokenizer, part of speech, reading
// form, lowercase) that precede the synonym filter, by decompound mode.
var noriChains sync.Map

func noriChain(t testing.TB, mode analyzers.DecompoundMode) func(string) []analyzers.Token {
	t.Helper()
	if a, ok := noriChains.Load(mode); ok {
		return a.(*analyzers.Analyzer).Analyze
	}
	cfg := analyzers.DefaultTokenizerConfig()
	cfg.DecompoundMode = mode
	a, err := analyzers.NewNoriAnalyzer(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	noriChains.Store(mode, a)
	return a.Analyze
}

// wsAnalyze is a predictable analyzer for tests: words split at spaces,
// lower-cased; a word starting with '-' is removed and leaves a position
// gap (like a particle the part-of-speech filter drops); "a|b" is two
// tokens stacked at one position.
func wsAnalyze(text string) []analyzers.Token {
	var out []analyzers.Token
	pos := -1
	gap := 0
	for i := 0; i < len(text); {
		for i < len(text) && text[i] == ' ' {
			i++
		}
		start := i
		for i < len(text) && text[i] != ' ' {
			i++
		}
		if start == i {
			break
		}
		word := text[start:i]
		if strings.HasPrefix(word, "-") {
			gap++
			continue
		}
		pos += 1 + gap
		gap = 0
		off := start
		for k, part := range strings.Split(word, "|") {
			if k > 0 && part != "" {
				off++
			}
			if part == "" {
				continue
			}
			out = append(out, analyzers.Token{
				Term: strings.ToLower(part), Start: off, End: off + len(part),
				Position: pos, PositionLength: 1, Type: "word",
			})
			off += len(part)
		}
	}
	return out
}

func problemLines(t *testing.T, err error) (analyzers.Problems, []int) {
	t.Helper()
	var ps analyzers.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("error %v (%T) is not Problems", err, err)
	}
	lines := make([]int, len(ps))
	for i, p := range ps {
		lines[i] = p.Line
	}
	return ps, lines
}

// pw is an expected problem: where, severity, code and a fragment of the
// message.
type pw struct {
	line, col int
	sev       analyzers.Severity
	code, msg string
}

func perr(line, col int, code, msg string) pw {
	return pw{line, col, analyzers.SeverityError, code, msg}
}
func pwarn(line, col int, code, msg string) pw {
	return pw{line, col, analyzers.SeverityWarning, code, msg}
}

// parseProblems parses text and returns every problem: the error's when
// there are errors (then the set must be nil), else the set's warnings.
func parseProblems(t *testing.T, text string, opts analyzers.SynonymOptions, analyze func(string) []analyzers.Token) (*analyzers.SynonymSet, analyzers.Problems) {
	t.Helper()
	set, err := analyzers.ParseSynonymsWith(text, opts, analyze)
	if err == nil {
		if set == nil {
			t.Fatal("no set and no error")
		}
		return set, set.Warnings()
	}
	if set != nil {
		t.Errorf("got a set along with errors")
	}
	ps, _ := problemLines(t, err)
	if len(ps.Errors()) == 0 {
		t.Errorf("error %v holds no problem with severity error", err)
	}
	return nil, ps
}

func checkProblems(t *testing.T, ps analyzers.Problems, dict string, want []pw) {
	t.Helper()
	if len(ps) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%v", len(ps), len(want), ps)
	}
	for i, w := range want {
		p := ps[i]
		if p.Line != w.line || p.Column != w.col || p.Severity != w.sev || p.Code != w.code || !strings.Contains(p.Message, w.msg) || p.Dictionary != dict {
			t.Errorf("problem %d = %+v,\nwant %+v", i, p, w)
		}
	}
}

// TestParseSynonymsProblems: every problem with its line, column,
// severity and code. What Elasticsearch refuses is an error; what it
// accepts is at most a warning (TestSynonymProblemsAgreeWithOpenSearch
// checks both on a real node).
func TestParseSynonymsProblems(t *testing.T) {
	tests := []struct {
		name string
		text string
		mode analyzers.DecompoundMode // nori chain; "" means wsAnalyze
		want []pw
	}{
		{name: "particle alone disappears", text: "삼성, 을", mode: "discard",
			want: []pw{perr(1, 5, "removed_word", `"을" disappears entirely`)}},
		{name: "punctuation alone disappears", text: "삼성전자, 삼전\n!!, 느낌표", mode: "discard",
			want: []pw{perr(2, 1, "removed_word", `"!!" disappears entirely`)}},
		{name: "gap in the middle", text: "주식, 삼성의 주가", mode: "discard",
			want: []pw{perr(1, 5, "gap_in_word", `"삼성의 주가" has a part that the analyzer removes ("의")`)}},
		{name: "gap at the start", text: "사람, 그 사람", mode: "discard",
			want: []pw{perr(1, 5, "gap_in_word", `"그 사람" has a part that the analyzer removes ("그")`)}},
		{name: "gap inside a word", text: "갤폰, 갤럭시폰", mode: "discard",
			want: []pw{perr(1, 1, "gap_in_word", `"갤폰" has a part that the analyzer removes (an ending or particle inside it)`)}},
		{name: "each occurrence is reported", text: "을 => 을, 를", mode: "discard",
			want: []pw{perr(1, 1, "removed_word", `"을" disappears`), perr(1, 6, "removed_word", `"을" disappears`), perr(1, 9, "removed_word", `"를" disappears`)}},
		{name: "stacked compound in mixed mode", text: "가곡역, 가곡 역", mode: "mixed",
			want: []pw{perr(1, 1, "overlapping_word", `"가곡역" is analyzed into overlapping parts ("가곡역" and "가곡"`)}},
		{name: "stacked test tokens", text: "c, a|b",
			want: []pw{perr(1, 4, "overlapping_word", "overlapping parts")}},
		{name: "only an arrow", text: "a, b\n=>  ",
			want: []pw{perr(2, 1, "empty_side", `no word, only "=>"`)}},
		{name: "spaces and an arrow", text: "  =>  ",
			want: []pw{perr(1, 3, "blank_word", "only spaces")}},
		{name: "nothing before the arrow: one word, no effect", text: "=> 삼성",
			want: []pw{pwarn(1, 1, "empty_side", `no word before "=>", so the line has no effect`)}},
		{name: "nothing after the arrow: read as a group", text: "\n삼성, 샘숭 =>   # comment",
			want: []pw{pwarn(2, 8, "empty_side", `no word after "=>", so the line is read as if the arrow were not there`)}},
		{name: "space before the arrow is a blank word", text: " => b",
			want: []pw{perr(1, 2, "blank_word", "only spaces")}},
		{name: "two arrows", text: "a => b => c",
			want: []pw{perr(1, 8, "multiple_arrows", `"=>" only once`)}},
		{name: "blank word", text: "a, , b",
			want: []pw{perr(1, 4, "blank_word", "only spaces")}},
		{name: "two commas in a row", text: "a,,b",
			want: []pw{pwarn(1, 3, "empty_word", "empty word")}},
		{name: "trailing comma", text: "a, b, c,  ",
			want: []pw{pwarn(1, 8, "empty_word", "empty word")}},
		{name: "leading comma", text: ",a, b",
			want: []pw{pwarn(1, 1, "empty_word", "empty word")}},
		{name: "nothing after the arrow but a comma", text: "a =>,",
			want: []pw{pwarn(1, 3, "empty_side", `no word after "=>", so the line has no effect`), pwarn(1, 5, "empty_word", "empty word")}},
		{name: "single word", text: "a",
			want: []pw{pwarn(1, 1, "single_word", `"a" alone is not a synonym group`)}},
		{name: "same word twice in a rule", text: "a, b, a",
			want: []pw{pwarn(1, 7, "duplicate_member", `"a" is listed twice`)}},
		{name: "same word twice, nothing left", text: "a, A",
			want: []pw{pwarn(1, 1, "single_word", `"a" alone`), pwarn(1, 4, "duplicate_member", `"A" is listed twice`)}},
		{name: "spellings that analyze alike", text: "삼성전자, 삼성 전자, 삼전", mode: "discard",
			want: []pw{pwarn(1, 7, "same_analysis", `"삼성전자" and "삼성 전자" are the same after analysis (both become "삼성 전자")`)}},
		{name: "duplicate rule in another order", text: "a, b\n# x\nB, A",
			want: []pw{pwarn(3, 0, "duplicate_rule", "this rule repeats line 1")}},
		{name: "duplicate one-way rule", text: "a, b => c\nb, a => c",
			want: []pw{pwarn(2, 0, "duplicate_rule", "this rule repeats line 1")}},
		{name: "word in two groups", text: "삼성전자, 삼전\n엘지, 삼전", mode: "discard",
			want: []pw{pwarn(2, 5, "merged_rules", `"삼전" is also in the synonym group on line 1 (삼성전자, 삼전)`)}},
		{name: "one-way after a group", text: "a, b\nb => c",
			want: []pw{pwarn(2, 1, "merged_rules", `"b" is also in the rule on line 1 (a, b); both rules apply`)}},
		{name: "group after a one-way", text: "b => c\na, b",
			want: []pw{pwarn(2, 4, "merged_rules", `"b" is also in the rule on line 1 (b => c)`)}},
		{name: "two one-way rules for a word", text: "a => b\na => c",
			want: []pw{pwarn(2, 1, "merged_rules", `"a" is also in the rule on line 1 (a => b)`)}},
		{name: "line too long", text: "a, b\n" + strings.Repeat("가", analyzers.MaxSynonymLineRunes-2) + ", 나",
			want: []pw{perr(2, 0, "line_too_long", "characters long; at most 1000")}},
		{name: "too many words", text: manyWords(analyzers.MaxSynonymWordsPerRule + 1),
			want: []pw{perr(1, 0, "too_many_words", "the rule has 51 words")}},
		{name: "word with too many terms", text: "j, a b c d e f g h i",
			want: []pw{perr(1, 4, "word_too_long", `analyzes into 9 words`)}},
		{name: "invalid utf-8", text: "a, b\nc, \xff",
			want: []pw{perr(2, 0, "invalid_utf8", "not valid UTF-8")}},
		{name: "control character", text: "a, b\x00",
			want: []pw{perr(1, 5, "control_character", "control character (U+0000) at column 5")}},
		{name: "byte order mark inside", text: "a, b\n\uFEFFc, d",
			want: []pw{perr(2, 1, "control_character", "U+FEFF")}},
		{name: "too many rules", text: manyRules(analyzers.MaxSynonymRules + 5),
			want: []pw{perr(analyzers.MaxSynonymRules+1, 0, "too_many_rules", "more than 10000 rules")}},
		{name: "too large", text: strings.Repeat("# comment\n", analyzers.MaxSynonymBytes/10+1),
			want: []pw{perr(0, 0, "too_large", "at most 1024 KB")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			analyze := wsAnalyze
			if tt.mode != "" {
				analyze = noriChain(t, tt.mode)
			}
			_, ps := parseProblems(t, tt.text, analyzers.DefaultSynonymOptions(), analyze)
			checkProblems(t, ps, "synonyms", tt.want)
		})
	}
}

// TestProblemsTooLarge: the size limits are told apart from other
// problems, so the API can answer 413.
func TestProblemsTooLarge(t *testing.T) {
	for text, want := range map[string]bool{
		manyRules(analyzers.MaxSynonymRules + 1):                        true,
		strings.Repeat("# comment\n", analyzers.MaxSynonymBytes/10+1):   true,
		"a, b\n" + strings.Repeat("가", analyzers.MaxSynonymLineRunes+1): false,
	} {
		_, err := analyzers.ParseSynonyms(text, wsAnalyze)
		ps, _ := problemLines(t, err)
		if ps.IsTooLarge() != want {
			t.Errorf("IsTooLarge() = %v for %v", !want, ps)
		}
	}
}

func manyWords(n int) string {
	words := make([]string, n)
	for i := range words {
		words[i] = fmt.Sprintf("w%d", i)
	}
	return strings.Join(words, ", ")
}

func manyRules(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "a%d, b%d\n", i, i)
	}
	return b.String()
}

// TestParseSynonymsReportsEveryProblem checks that one call reports every
// problem of a dictionary, in line order, and that the error carries code
// Invalid for the API.
func TestParseSynonymsReportsEveryProblem(t *testing.T) {
	text := strings.Join([]string{
		"# 회사 이름",       // 1
		"삼성전자, 삼전",      // 2 fine
		"삼성, 을",         // 3 removed entirely
		"",              // 4
		"삼전, 엘지",        // 5 merged with 2 (warning)
		"=> 갤럭시",        // 6 empty side (warning)
		"노트북, 랩탑",       // 7 fine
		"랩탑, 노트북",       // 8 duplicate of 7 (warning)
		"삼성의 주가, 주식, 을", // 9 gap and removed entirely
		"a => b => c",   // 10 two arrows
	}, "\n")
	_, err := analyzers.ParseSynonyms(text, noriChain(t, analyzers.DecompoundDiscard))
	ps, lines := problemLines(t, err)
	if want := []int{3, 5, 6, 8, 9, 9, 10}; !reflect.DeepEqual(lines, want) {
		t.Fatalf("problem lines = %v, want %v:\n%v", lines, want, err)
	}
	if engine.ErrorCode(err) != engine.Invalid {
		t.Errorf("ErrorCode = %q, want %q", engine.ErrorCode(err), engine.Invalid)
	}
	if msg := engine.ErrorMessage(err); !strings.Contains(msg, "synonyms line 9 column 13:") {
		t.Errorf("ErrorMessage does not name the lines: %q", msg)
	}
	if !strings.HasPrefix(err.Error(), "synonyms line 3 column 5: ") || strings.Count(err.Error(), "\n") != len(ps.Errors())-1 ||
		strings.Contains(err.Error(), "warning") {
		t.Errorf("Error() = %q, want one error a line, no warnings", err.Error())
	}
}

func TestParseSynonymsGroupsAndCanonical(t *testing.T) {
	text := `# 동의어 사전
삼성전자, 삼전, Samsung   # 회사

휴대폰, 핸드폰 => 휴대전화, phone
카톡 => 카톡, KakaoTalk
`
	set, err := analyzers.ParseSynonyms(text, noriChain(t, analyzers.DecompoundDiscard))
	if err != nil {
		t.Fatal(err)
	}
	want := []analyzers.SynonymGroup{
		{Line: 2, Canonical: "삼성전자", Members: []string{"삼성 전자", "삼전", "samsung"},
			Rule: "삼성전자, 삼전, Samsung", Words: []string{"삼성전자", "삼전", "Samsung"}},
		{Line: 4, OneWay: true, Canonical: "휴대전화", Members: []string{"휴대 폰", "핸드 폰"}, Outputs: []string{"휴대 전화", "phone"},
			Rule: "휴대폰, 핸드폰 => 휴대전화, phone", Words: []string{"휴대폰", "핸드폰"}, OutputWords: []string{"휴대전화", "phone"}},
		{Line: 5, OneWay: true, Canonical: "카톡", Members: []string{"카 톡"}, Outputs: []string{"카 톡", "kakaotalk"},
			Rule: "카톡 => 카톡, KakaoTalk", Words: []string{"카톡"}, OutputWords: []string{"카톡", "KakaoTalk"}},
	}
	if got := set.Groups(); !reflect.DeepEqual(got, want) {
		t.Errorf("Groups() =\n%+v\nwant\n%+v", got, want)
	}
	if got := set.Len(); got != 3 {
		t.Errorf("Len() = %d, want 3", got)
	}
	for terms, canon := range map[string]string{
		"삼전": "삼성전자", "삼성 전자": "삼성전자", "samsung": "삼성전자", " 삼성  전자 ": "삼성전자",
		"휴대 폰": "휴대전화", "핸드 폰": "휴대전화", "휴대 전화": "휴대전화", "카 톡": "카톡",
	} {
		if got, ok := set.Canonical(terms); !ok || got != canon {
			t.Errorf("Canonical(%q) = %q, %v; want %q", terms, got, ok, canon)
		}
	}
	for _, terms := range []string{"삼성", "전자", "phone", "kakaotalk", "휴대", ""} {
		if got, ok := set.Canonical(terms); ok {
			t.Errorf("Canonical(%q) = %q, want no group", terms, got)
		}
	}
	wantRules := []string{"삼성전자, 삼전, Samsung", "휴대폰, 핸드폰 => 휴대전화, phone", "카톡 => 카톡, KakaoTalk"}
	if got := set.Rules(); !reflect.DeepEqual(got, wantRules) {
		t.Errorf("Rules() = %q, want %q", got, wantRules)
	}
}

// TestParseSynonymsSyntax covers comments, escapes and spacing; Rules()
// must read back (as Elasticsearch's Solr parser would) to the same words.
func TestParseSynonymsSyntax(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		members []string // analyzed members of the only group
		rule    string
	}{
		{"escaped comma", `a\,b, c`, []string{"a,b", "c"}, `a\,b, c`},
		{"hash inside a word", "c#, csharp", []string{"c#", "csharp"}, "c#, csharp"},
		{"escaped leading hash", `\#tag, tag`, []string{"#tag", "tag"}, `\#tag, tag`},
		{"trailing comment", "a, b # note, c", []string{"a", "b"}, "a, b"},
		{"tab before comment", "a, b\t# note", []string{"a", "b"}, "a, b"},
		{"escaped arrow", `a\=>b, c`, []string{"a=>b", "c"}, `a\=>b, c`},
		{"escaped backslash", `a\\, b`, []string{`a\`, "b"}, `a\\, b`},
		{"spaces collapsed", "  new    york ,nyc  ", []string{"new york", "nyc"}, "new york, nyc"},
		{"windows line end", "a, b\r\n", []string{"a", "b"}, "a, b"},
		{"byte order mark", "\uFEFFa, b", []string{"a", "b"}, "a, b"},
		{"comment after leading spaces", "   # only a comment\na, b", []string{"a", "b"}, "a, b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := analyzers.ParseSynonyms(tt.text, wsAnalyze)
			if err != nil {
				t.Fatal(err)
			}
			gs := set.Groups()
			if len(gs) != 1 || !reflect.DeepEqual(gs[0].Members, tt.members) {
				t.Fatalf("groups = %+v, want members %q", gs, tt.members)
			}
			if got := set.Rules(); len(got) != 1 || got[0] != tt.rule {
				t.Errorf("Rules() = %q, want [%q]", got, tt.rule)
			}
			again, err := analyzers.ParseSynonyms(strings.Join(set.Rules(), "\n"), wsAnalyze)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(again.Groups()[0].Members, tt.members) {
				t.Errorf("Rules() read back as %+v", again.Groups())
			}
		})
	}
}

// TestCanonicalGroupMemberWinsOverOneWayOutput: a word that is a one-way
// rule's output and a group member counts under the group's canonical word,
// whatever the rule order.
func TestCanonicalGroupMemberWinsOverOneWayOutput(t *testing.T) {
	for _, text := range []string{"a => b\nc, b", "c, b\na => b"} {
		set := mustSynonyms(t, text, wsAnalyze)
		for terms, want := range map[string]string{"a": "b", "b": "c", "c": "c"} {
			if got, _ := set.Canonical(terms); got != want {
				t.Errorf("%q: Canonical(%q) = %q, want %q", text, terms, got, want)
			}
		}
	}
}

func TestParseSynonymsEmpty(t *testing.T) {
	for _, text := range []string{"", "\n\n", "# only comments\n  # indented\n"} {
		set, err := analyzers.ParseSynonyms(text, wsAnalyze)
		if err != nil || set.Len() != 0 || len(set.Rules()) != 0 {
			t.Errorf("ParseSynonyms(%q) = %d rules, %v; want an empty set", text, set.Len(), err)
		}
	}
}

// synonymSeeds are the committed seed dictionaries in testdata/synonyms.
func synonymSeeds(t testing.TB) map[string]string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "synonyms", "*.txt"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no seed dictionaries in testdata/synonyms: %v", err)
	}
	seeds := map[string]string{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		seeds[filepath.Base(p)] = string(b)
	}
	return seeds
}

// FuzzParseSynonyms checks that any input parses without panicking, that
// every problem names a line of the input, and that an accepted dictionary
// written back with Rules() parses to the same groups.
func FuzzParseSynonyms(f *testing.F) {
	for _, s := range synonymSeeds(f) {
		f.Add(s)
	}
	f.Add("a, b\nb => c\n=>\n,,\n\\")
	f.Add("a\\")
	analyze := noriChain(f, analyzers.DecompoundDiscard)
	f.Fuzz(func(t *testing.T, text string) {
		set, err := analyzers.ParseSynonyms(text, analyze)
		if err != nil {
			var ps analyzers.Problems
			if !errors.As(err, &ps) || len(ps) == 0 {
				t.Fatalf("error %v is not a non-empty Problems", err)
			}
			nlines := strings.Count(text, "\n") + 1
			for _, p := range ps {
				if p.Line < 1 || p.Line > nlines || p.Message == "" || !utf8.ValidString(p.Message) {
					t.Fatalf("problem %+v: line outside 1..%d or empty message", p, nlines)
				}
			}
			return
		}
		again, err := analyzers.ParseSynonyms(strings.Join(set.Rules(), "\n"), analyze)
		if err != nil {
			t.Fatalf("Rules() %q do not parse back: %v", set.Rules(), err)
		}
		if !sameGroups(set.Groups(), again.Groups()) {
			t.Fatalf("Rules() read back differently:\n%+v\n%+v", set.Groups(), again.Groups())
		}
	})
}

func sameGroups(a, b []analyzers.SynonymGroup) bool {
	return slices.EqualFunc(a, b, func(x, y analyzers.SynonymGroup) bool {
		x.Line, y.Line = 0, 0
		return reflect.DeepEqual(x, y)
	})
}

func TestSynonymSeedsAreValid(t *testing.T) {
	for name, text := range synonymSeeds(t) {
		if strings.HasPrefix(name, "invalid") {
			continue
		}
		if _, err := analyzers.ParseSynonyms(text, noriChain(t, analyzers.DecompoundDiscard)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
