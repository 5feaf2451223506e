package mappings_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/searchd/searchd/mappings"
)

// documentJSONFields are the fields of engine.Document as JSON; the schema
// must index every one of them (plus derived fields).
var documentJSONFields = []string{"title", "body", "tags", "category", "region", "author", "created_at", "popularity"}

func TestDocumentsBleveMappingIsExplicit(t *testing.T) {
	// Parsing it as a Bleve mapping needs the Korean analyzers registered;
	// the embedded engine's tests do that and call Validate().
	var m struct {
		Default struct {
			Dynamic bool `json:"dynamic"`
		} `json:"default_mapping"`
		IndexDynamic     bool `json:"index_dynamic"`
		StoreDynamic     bool `json:"store_dynamic"`
		DocValuesDynamic bool `json:"docvalues_dynamic"`
	}
	if err := json.Unmarshal(mappings.DocumentsBleveJSON(), &m); err != nil {
		t.Fatal(err)
	}
	if m.Default.Dynamic || m.IndexDynamic || m.StoreDynamic || m.DocValuesDynamic {
		t.Fatalf("the documents mapping must not be dynamic")
	}
	fields, err := mappings.DocumentFields()
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]mappings.Field{}
	for _, f := range fields {
		byName[f.Name] = f
	}
	for _, name := range documentJSONFields {
		if f, ok := byName[name]; !ok || !f.Index {
			t.Errorf("document field %q is not indexed by the mapping", name)
		}
	}
	if f := byName["source"]; !f.Store || f.Index {
		t.Errorf("source must be stored and not indexed: %+v", f)
	}
	for _, name := range []string{"created_at", "popularity"} {
		if !byName[name].DocValues {
			t.Errorf("%s is sortable and needs docvalues", name)
		}
	}
}

func TestDocumentsElasticsearchMappingIsStrict(t *testing.T) {
	body, err := mappings.DocumentsElasticsearch()
	if err != nil {
		t.Fatal(err)
	}
	m := body["mappings"].(map[string]any)
	if m["dynamic"] != "strict" {
		t.Fatalf("dynamic = %v, want strict", m["dynamic"])
	}
	props := m["properties"].(map[string]any)
	bleveFields, _ := mappings.DocumentFields()
	for _, f := range bleveFields {
		switch f.Name {
		case "source", "title_syn", "body_syn", "tags_text":
			// _source; Elasticsearch keeps synonyms in title/body (korean_index)
			// and the exact forms in title.exact/body.exact instead.
			continue
		}
		if _, ok := props[f.Name]; !ok {
			t.Errorf("field %q is in the Bleve mapping but not in the Elasticsearch one", f.Name)
		}
	}
	// JSON round trip keeps the body unchanged.
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	var again map[string]any
	if err := json.Unmarshal(b, &again); err != nil || !reflect.DeepEqual(again, body) {
		t.Fatalf("round trip changed the body: %v", err)
	}
}
