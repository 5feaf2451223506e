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

func TestParseSynonymsProblems(t *testing.T) {
	tests := []struct {
		name string
		text string
		mode analyzers.DecompoundMode // nori chain; "" means wsAnalyze
		// want is one (line, message fragment) per expected problem.
		want []struct {
			line int
			msg  string
		}
	}{
		{name: "particle alone disappears", text: "삼성, 을", mode: "discard",
			want: wants(1, `"을" disappears entirely`)},
		{name: "punctuation alone disappears", text: "삼성전자, 삼전\n!!, 느낌표", mode: "discard",
			want: wants(2, `"!!" disappears entirely`)},
		{name: "gap in the middle", text: "삼성의 주가, 주식", mode: "discard",
			want: wants(1, `"삼성의 주가" has a part that the analyzer removes ("의")`)},
		{name: "gap at the start", text: "사람, 그 사람", mode: "discard",
			want: wants(1, `"그 사람" has a part that the analyzer removes ("그")`)},
		{name: "gap inside a word", text: "갤폰, 갤럭시폰", mode: "discard",
			want: wants(1, `"갤폰" has a part that the analyzer removes (an ending or particle inside it)`)},
		{name: "a word on both sides is reported once", text: "을 => 을, 를", mode: "discard",
			want: []struct {
				line int
				msg  string
			}{{1, `"을" disappears`}, {1, `"를" disappears`}}},
		{name: "stacked compound in mixed mode", text: "가곡역, 가곡 역", mode: "mixed",
			want: wants(1, `"가곡역" is analyzed into overlapping parts ("가곡역" and "가곡"`)},
		{name: "stacked test tokens", text: "a|b, c",
			want: wants(1, "overlapping parts")},
		{name: "nothing before arrow", text: "=> 삼성",
			want: wants(1, `there is no word before "=>"`)},
		{name: "nothing after arrow", text: "\n삼성 =>   # comment",
			want: wants(2, `there is no word after "=>"`)},
		{name: "two arrows", text: "a => b => c",
			want: wants(1, `"=>" only once`)},
		{name: "empty word", text: "a, , b",
			want: wants(1, "empty word")},
		{name: "trailing comma", text: "a, b,",
			want: wants(1, "empty word")},
		{name: "single word", text: "a",
			want: wants(1, `"a" alone is not a synonym group`)},
		{name: "same word twice in a rule", text: "a, b, a",
			want: wants(1, `"a" is listed twice`)},
		{name: "spellings that analyze alike", text: "삼성전자, 삼성 전자", mode: "discard",
			want: wants(1, `"삼성전자" and "삼성 전자" are the same after analysis (both become "삼성 전자")`)},
		{name: "duplicate rule in another order", text: "a, b\n# x\nB, A",
			want: wants(3, "this rule repeats line 1")},
		{name: "duplicate one-way rule", text: "a, b => c\nb, a => c",
			want: wants(2, "this rule repeats line 1")},
		{name: "word in two groups", text: "삼성전자, 삼전\n삼전, 엘지", mode: "discard",
			want: wants(2, `"삼전" is already in the synonym group on line 1 (삼성전자, 삼전)`)},
		{name: "one-way contradicts group", text: "a, b\nb => c",
			want: wants(2, `"b" is in the synonym group on line 1 (a, b), so this one-way rule contradicts it`)},
		{name: "group contradicts one-way", text: "b => c\na, b",
			want: wants(2, `"b" is already replaced by the one-way rule on line 1 (b => c)`)},
		{name: "two one-way rules for a word", text: "a => b\na => c",
			want: wants(2, `"a" already has a one-way rule on line 1 (a => b)`)},
		{name: "line too long", text: "a, b\n" + strings.Repeat("가", analyzers.MaxSynonymLineRunes-2) + ", 나",
			want: wants(2, "characters long; at most 1000")},
		{name: "too many words", text: manyWords(analyzers.MaxSynonymWordsPerRule + 1),
			want: wants(1, "the rule has 51 words")},
		{name: "word with too many terms", text: "a b c d e f g h i, j",
			want: wants(1, `analyzes into 9 words`)},
		{name: "invalid utf-8", text: "a, b\nc, \xff",
			want: wants(2, "not valid UTF-8")},
		{name: "control character", text: "a, b\x00",
			want: wants(1, "control character")},
		{name: "too many rules", text: manyRules(analyzers.MaxSynonymRules + 5),
			want: wants(analyzers.MaxSynonymRules+1, "more than 10000 rules")},
		{name: "too large", text: strings.Repeat("# comment\n", analyzers.MaxSynonymBytes/10+1),
			want: wants(1, "at most 1024 KB")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			analyze := wsAnalyze
			if tt.mode != "" {
				analyze = noriChain(t, tt.mode)
			}
			set, err := analyzers.ParseSynonyms(tt.text, analyze)
			if set != nil {
				t.Errorf("got a set along with problems")
			}
			ps, _ := problemLines(t, err)
			if len(ps) != len(tt.want) {
				t.Fatalf("got %d problems, want %d:\n%v", len(ps), len(tt.want), err)
			}
			for i, w := range tt.want {
				if ps[i].Line != w.line || !strings.Contains(ps[i].Message, w.msg) || ps[i].Field != "synonyms" {
					t.Errorf("problem %d = %+v, want line %d with %q", i, ps[i], w.line, w.msg)
				}
			}
		})
	}
}

func wants(line int, msg string) []struct {
	line int
	msg  string
} {
	return []struct {
		line int
		msg  string
	}{{line, msg}}
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
		"삼전, 엘지",        // 5 conflict with 2
		"=> 갤럭시",        // 6 empty side
		"노트북, 랩탑",       // 7 fine
		"랩탑, 노트북",       // 8 duplicate of 7
		"삼성의 주가, 주식, 을", // 9 gap and removed entirely
	}, "\n")
	_, err := analyzers.ParseSynonyms(text, noriChain(t, analyzers.DecompoundDiscard))
	ps, lines := problemLines(t, err)
	if want := []int{3, 5, 6, 8, 9, 9}; !reflect.DeepEqual(lines, want) {
		t.Fatalf("problem lines = %v, want %v:\n%v", lines, want, err)
	}
	if engine.ErrorCode(err) != engine.Invalid {
		t.Errorf("ErrorCode = %q, want %q", engine.ErrorCode(err), engine.Invalid)
	}
	if msg := engine.ErrorMessage(err); !strings.Contains(msg, "synonyms line 5:") {
		t.Errorf("ErrorMessage does not name the lines: %q", msg)
	}
	if !strings.HasPrefix(err.Error(), "synonyms line 3: ") || strings.Count(err.Error(), "\n") != len(ps)-1 {
		t.Errorf("Error() = %q, want one problem a line", err.Error())
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
		{Line: 2, Canonical: "삼성전자", Members: []string{"삼성 전자", "삼전", "samsung"}},
		{Line: 4, OneWay: true, Canonical: "휴대전화", Members: []string{"휴대 폰", "핸드 폰"}, Outputs: []string{"휴대 전화", "phone"}},
		{Line: 5, OneWay: true, Canonical: "카톡", Members: []string{"카 톡"}, Outputs: []string{"카 톡", "kakaotalk"}},
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
