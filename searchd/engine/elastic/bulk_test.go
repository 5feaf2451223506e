package elastic

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/searchd/searchd/internal/testenv"
	"github.com/searchd/searchd/searchd/engine"
	"github.com/searchd/searchd/searchd/engine/conformance"
	"github.com/searchd/searchd/searchd/search"
)

// A version whose strict mapping lacks a field searchd writes (as one made
// by an older searchd would) rejects documents that carry it: the bulk
// path must report those items as 400 Invalid with Elasticsearch's reason
// and still index the others.
func TestBulkReportsItemsTheClusterRejects(t *testing.T) {
	node := testenv.OpenSearch(t)
	prefix := node.Prefix(t)
	ctx := context.Background()
	an, err := search.NewAnalyzer(conformance.Settings())
	if err != nil {
		t.Fatal(err)
	}
	vb, err := newVersionBody(conformance.Settings(), an)
	if err != nil {
		t.Fatal(err)
	}
	body := vb.of(1, time.Now())
	props := body["mappings"].(map[string]any)["properties"].(map[string]any)
	delete(props, "author")
	body["aliases"] = map[string]any{prefix + "docs": map[string]any{}}
	raw, _ := json.Marshal(body)
	if status, out, err := node.Do(ctx, http.MethodPut, "/"+prefix+"docs-v1", raw); err != nil || status != http.StatusOK {
		t.Fatalf("create the old version: %d %s %v", status, out, err)
	}

	e, err := Open(ctx, Options{URLs: []string{node.URL}, Prefix: prefix, RequestTimeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	docs := []engine.Document{
		{ID: "plain-1", Title: "캠핑 장비 나눔", CreatedAt: time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC)},
		{ID: "with-author", Title: "캠핑 장소 추천", Author: "산사람", CreatedAt: time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC)},
		{ID: "", Title: "no id"},
		{ID: "plain-2", Title: "캠핑 요리", CreatedAt: time.Date(2025, 1, 3, 0, 0, 0, 0, time.UTC)},
	}
	items, err := e.IndexBatch(ctx, docs, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{0, 3} {
		if items[i].Error != nil || items[i].Status != http.StatusCreated {
			t.Errorf("item %d: %+v, want 201", i, items[i])
		}
		if _, err := e.Get(ctx, docs[i].ID); err != nil {
			t.Errorf("get %s: %v", docs[i].ID, err)
		}
	}
	rejected := items[1]
	if rejected.Status != http.StatusBadRequest || rejected.Error == nil || rejected.Error.Code != engine.Invalid ||
		!strings.Contains(rejected.Error.Message, "strict") || rejected.ID != "with-author" {
		t.Errorf("rejected item: %+v, want 400 invalid_argument naming the strict mapping", rejected)
	}
	if _, err := e.Get(ctx, "with-author"); engine.ErrorCode(err) != engine.NotFound {
		t.Errorf("the rejected document was stored: %v", err)
	}
	if items[2].Status != http.StatusBadRequest || items[2].Error.Code != engine.Invalid {
		t.Errorf("invalid document: %+v", items[2])
	}
}

func TestBuildQueryNeverUsesAQueryLanguage(t *testing.T) {
	p := engine.Plan{
		Terms: []engine.PlanTerm{
			{Text: `a" OR *:*`, Jamo: `a" OR *:*`, Fuzziness: 1, PrefixLength: 1},
			{Text: "보드개임", Jamo: "x", Fuzziness: 2, Parts: []engine.PlanTerm{{Text: "보드", Jamo: "y"}, {Text: "개임", Jamo: "z"}}},
		},
		Chosung: "ㅅㅅ", JamoPrefix: "ㅅㅏㅁ", Mode: engine.MatchAny,
		Filters: engine.Filters{Category: "c", Region: "r", Tags: []string{"t1", "t2"}},
	}
	src, err := buildQuery(p).Source()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(src)
	s := string(b)
	for _, banned := range []string{"query_string", "simple_query_string", `"match"`} {
		if strings.Contains(s, banned) {
			t.Errorf("query uses %s: %s", banned, s)
		}
	}
	for _, want := range []string{`"title.exact"`, `"fuzzy"`, `"minimum_should_match":"1"`, `"filter"`, `"prefix"`, `"transpositions":false`} {
		if !strings.Contains(s, want) {
			t.Errorf("query lacks %s: %s", want, s)
		}
	}
}
