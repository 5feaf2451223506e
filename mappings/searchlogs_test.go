package mappings_test

import (
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/searchd/searchd/ingest"
	"github.com/searchd/searchd/mappings"
)

// logEventFields are the JSON names of ingest.LogEvent's fields.
func logEventFields(t *testing.T) []string {
	t.Helper()
	var names []string
	rt := reflect.TypeOf(ingest.LogEvent{})
	for i := 0; i < rt.NumField(); i++ {
		name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

func TestSearchLogsElasticsearchMatchesLogEvent(t *testing.T) {
	body, err := mappings.SearchLogsElasticsearch()
	if err != nil {
		t.Fatal(err)
	}
	m := body["mappings"].(map[string]any)
	if m["dynamic"] != "strict" {
		t.Fatalf("dynamic = %v, want strict", m["dynamic"])
	}
	idx := body["settings"].(map[string]any)["index"].(map[string]any)
	limit := idx["mapping"].(map[string]any)["total_fields"].(map[string]any)["limit"]
	if limit != float64(mappings.SearchLogsFieldLimit) {
		t.Fatalf("total_fields.limit = %v, want %d", limit, mappings.SearchLogsFieldLimit)
	}
	fields, err := mappings.SearchLogFields()
	if err != nil {
		t.Fatal(err)
	}
	if want := logEventFields(t); !reflect.DeepEqual(fields, want) {
		t.Fatalf("mapping fields %v\nLogEvent fields %v", fields, want)
	}
	if len(fields) >= mappings.SearchLogsFieldLimit/2 {
		t.Fatalf("%d fields leave too little room under the limit %d", len(fields), mappings.SearchLogsFieldLimit)
	}
	ctx := m["properties"].(map[string]any)["context"].(map[string]any)
	if ctx["enabled"] != false {
		t.Fatalf("context must be a non-indexed object: %v", ctx)
	}
	tmpl, err := mappings.SearchLogsIndexTemplate("search-logs-")
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(tmpl)
	if err != nil {
		t.Fatal(err)
	}
	var again map[string]any
	if err := json.Unmarshal(b, &again); err != nil || !reflect.DeepEqual(again["template"], any(body)) {
		t.Fatalf("the template does not carry the index body unchanged: %v", err)
	}
	if got := again["index_patterns"].([]any); len(got) != 1 || got[0] != "search-logs-*" {
		t.Fatalf("index_patterns = %v", got)
	}
}

func TestSearchLogsBleveMatchesElasticsearch(t *testing.T) {
	m, err := mappings.SearchLogsBleve()
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if m.DefaultMapping.Dynamic || m.IndexDynamic || m.StoreDynamic || m.DocValuesDynamic {
		t.Fatal("the log mapping must not be dynamic")
	}
	props := m.DefaultMapping.Properties
	names := slices.Sorted(maps.Keys(props))
	for _, name := range names {
		dm := props[name]
		if len(dm.Fields) != 1 || dm.Fields[0].Name != name {
			t.Errorf("property %q must have one field of the same name", name)
			continue
		}
		f := dm.Fields[0]
		if !f.Index && !f.Store {
			t.Errorf("field %q is neither indexed nor stored: the index would lose it", name)
		}
		if name == "context" && (f.Index || !f.Store) {
			t.Errorf("context must be stored and not indexed: %+v", f)
		}
	}
	want, _ := mappings.SearchLogFields()
	if !reflect.DeepEqual(names, want) {
		t.Fatalf("bleve fields %v\nelasticsearch fields %v", names, want)
	}
	if qk := m.DefaultMapping.Properties["query_key"].Fields[0]; !qk.DocValues {
		t.Error("query_key is faceted and needs docvalues")
	}
	// Analytics and filters need these indexed; the rest may be stored only.
	for _, name := range []string{"timestamp", "query_key", "zero_result", "context_kv", "ua_family", "session_hash", "filters"} {
		if !m.DefaultMapping.Properties[name].Fields[0].Index {
			t.Errorf("field %q must be indexed", name)
		}
	}
}
