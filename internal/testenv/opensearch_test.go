package testenv_test

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/searchd/searchd/internal/testenv"
)

// koreanIndex is the analysis chain the elastic engine relies on: nori with a
// user dictionary that splits 삼성전자, part-of-speech stop tags, Hanja reading
// form, lowercase, and an index-time synonym group written in surface forms.
const koreanIndex = `{
  "settings": {
    "number_of_shards": 1,
    "number_of_replicas": 0,
    "analysis": {
      "tokenizer": {
        "ko": {
          "type": "nori_tokenizer",
          "decompound_mode": "discard",
          "user_dictionary_rules": ["삼성전자 삼성 전자"]
        }
      },
      "filter": {
        "ko_pos": {
          "type": "nori_part_of_speech",
          "stoptags": ["E", "J", "SC", "SE", "SF", "SP", "SSC", "SSO", "SY", "VCP", "VSV", "XSA", "XSV"]
        },
        "ko_synonyms": {"type": "synonym", "synonyms": ["삼성전자, 삼전"]}
      },
      "analyzer": {
        "ko_index": {
          "type": "custom",
          "tokenizer": "ko",
          "filter": ["ko_pos", "nori_readingform", "lowercase", "ko_synonyms"]
        }
      }
    }
  }
}`

// mixedSynonymIndex is the same synonym rule behind decompound_mode mixed.
const mixedSynonymIndex = `{
  "settings": {
    "analysis": {
      "tokenizer": {
        "ko": {"type": "nori_tokenizer", "decompound_mode": "mixed", "user_dictionary_rules": ["삼성전자 삼성 전자"]}
      },
      "filter": {"ko_synonyms": {"type": "synonym", "synonyms": ["삼성전자, 삼전"]}},
      "analyzer": {"ko_index": {"type": "custom", "tokenizer": "ko", "filter": ["lowercase", "ko_synonyms"]}}
    }
  }
}`

type token struct {
	Token    string `json:"token"`
	Position int    `json:"position"`
}

func call(t *testing.T, n *testenv.OpenSearchNode, method, path, body string) (int, []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var b []byte
	if body != "" {
		b = []byte(body)
	}
	status, out, err := n.Do(ctx, method, path, b)
	if err != nil {
		t.Fatal(err)
	}
	return status, out
}

func mustCall(t *testing.T, n *testenv.OpenSearchNode, method, path, body string) []byte {
	t.Helper()
	status, out := call(t, n, method, path, body)
	if status/100 != 2 {
		t.Fatalf("%s %s: HTTP %d: %s", method, path, status, out)
	}
	return out
}

func analyze(t *testing.T, n *testenv.OpenSearchNode, index, analyzer, text string) []token {
	t.Helper()
	req, _ := json.Marshal(map[string]string{"analyzer": analyzer, "text": text})
	var resp struct {
		Tokens []token `json:"tokens"`
	}
	if err := json.Unmarshal(mustCall(t, n, http.MethodPost, "/"+index+"/_analyze", string(req)), &resp); err != nil {
		t.Fatal(err)
	}
	return resp.Tokens
}

func equalTokens(a, b []token) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestOpenSearchKoreanAnalysis(t *testing.T) {
	n := testenv.OpenSearch(t)
	p := n.Prefix(t)
	mustCall(t, n, http.MethodPut, "/"+p+"docs", koreanIndex)

	tests := []struct {
		name, text string
		want       []token
	}{{
		// 삼전 gets its synonym's first token stacked on it. The `synonym`
		// filter flattens the two-token side (삼성 전자), so 전자 lands on
		// the next position, stacked with 주가; particles and endings go.
		name: "synonym of a dictionary compound",
		text: "삼전 주가가 올랐다",
		want: []token{{"삼전", 0}, {"삼성", 0}, {"주가", 1}, {"전자", 1}, {"오르", 3}},
	}, {
		name: "compound decompounded and expanded, Hanja read, Latin lowercased",
		text: "삼성전자 中國 ABC",
		want: []token{{"삼성", 0}, {"삼전", 0}, {"전자", 1}, {"중국", 2}, {"abc", 3}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := analyze(t, n, p+"docs", "ko_index", tt.text); !equalTokens(got, tt.want) {
				t.Errorf("_analyze %q = %v, want %v", tt.text, got, tt.want)
			}
		})
	}

	// Known gotcha: with decompound_mode mixed nori stacks the parts on the
	// compound (position increment 0), which the synonym parser rejects, so
	// the index cannot be created.
	t.Run("synonyms through decompound mixed do not build", func(t *testing.T) {
		status, body := call(t, n, http.MethodPut, "/"+p+"mixed", mixedSynonymIndex)
		var resp struct {
			Error struct {
				Type   string `json:"type"`
				Reason string `json:"reason"`
			} `json:"error"`
		}
		_ = json.Unmarshal(body, &resp)
		if status != http.StatusBadRequest || resp.Error.Type != "illegal_argument_exception" ||
			!strings.Contains(resp.Error.Reason, "Failed to build synonyms") {
			t.Errorf("PUT index with synonyms behind nori mixed: HTTP %d %s, want 400 illegal_argument_exception \"Failed to build synonyms\"", status, body)
		}
	})
}

func TestOpenSearchPrefix(t *testing.T) {
	n := testenv.OpenSearch(t)
	valid := regexp.MustCompile(`^t-[a-z0-9-]+-[0-9a-f]{8}-$`)
	seen := map[string]bool{}
	for _, name := range []string{"Plain", "Upper/And_Under score", "ünïcode-ÄÖ", strings.Repeat("long", 40)} {
		t.Run(name, func(t *testing.T) {
			p := n.Prefix(t)
			if !valid.MatchString(p) {
				t.Errorf("Prefix = %q, not a valid lowercase index-name prefix", p)
			}
			if p != n.Prefix(t) {
				t.Errorf("Prefix changed between calls in one test")
			}
			if seen[p] {
				t.Errorf("Prefix %q given to two tests", p)
			}
			seen[p] = true
		})
	}
}

func TestOpenSearchPrefixCleanup(t *testing.T) {
	n := testenv.OpenSearch(t)
	var p string
	t.Run("creates", func(t *testing.T) {
		p = n.Prefix(t)
		mustCall(t, n, http.MethodPut, "/"+p+"docs-v1", `{"settings":{"number_of_shards":1,"number_of_replicas":0}}`)
		mustCall(t, n, http.MethodPut, "/"+p+"docs-v1/_alias/"+p+"docs", "")
		mustCall(t, n, http.MethodPut, "/_index_template/"+p+"logs",
			`{"index_patterns":["`+p+`logs-*"],"template":{"settings":{"number_of_shards":1}}}`)
		mustCall(t, n, http.MethodPut, "/_template/"+p+"legacy", `{"index_patterns":["`+p+`legacy-*"]}`)
	})
	if p == "" {
		t.Fatal("subtest did not run")
	}
	for _, path := range []string{"/" + p + "docs-v1", "/_alias/" + p + "docs", "/_index_template/" + p + "logs", "/_template/" + p + "legacy"} {
		if status, body := call(t, n, http.MethodGet, path, ""); status != http.StatusNotFound {
			t.Errorf("GET %s after the test ended: HTTP %d %s, want 404", path, status, body)
		}
	}
}
