// Package mappings holds searchd's index mappings as data: JSON files
// embedded with go:embed and exposed through typed accessors. Every engine
// builds its indexes from these files, so the schema is written down once.
package mappings

import (
	"embed"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/blevesearch/bleve/v2/mapping"
)

// files holds every mapping: one Bleve and one Elasticsearch file per
// index.
//
//go:embed documents.bleve.json documents.elasticsearch.json
//go:embed search_logs.bleve.json search_logs.elasticsearch.json
var files embed.FS

// Field is one field of the documents schema as the embedded engine indexes
// it (name, type, analyzer and index/store/docvalues options).
type Field struct {
	Name      string `json:"name"`
	Type      string `json:"type"`
	Analyzer  string `json:"analyzer"`
	Index     bool   `json:"index"`
	Store     bool   `json:"store"`
	DocValues bool   `json:"docvalues"`
	// TermVectors is include_term_vectors (positions, for phrases).
	TermVectors bool `json:"include_term_vectors"`
}

// DocumentsBleveJSON returns the Bleve index mapping of a documents index.
func DocumentsBleveJSON() []byte { return read("documents.bleve.json") }

// DocumentsBleve parses the Bleve index mapping. The analyzers it names
// (korean_index, korean_search) are configured per index version by the
// embedded engine.
func DocumentsBleve() (*mapping.IndexMappingImpl, error) {
	return bleveMapping("documents.bleve.json")
}

// DocumentFields lists the fields of the documents schema from the Bleve
// mapping, in a stable order of the mapping's property names.
func DocumentFields() ([]Field, error) {
	var raw struct {
		Default struct {
			Properties map[string]struct {
				Fields []Field `json:"fields"`
			} `json:"properties"`
		} `json:"default_mapping"`
	}
	if err := decode("documents.bleve.json", &raw); err != nil {
		return nil, err
	}
	var out []Field
	for _, name := range slices.Sorted(maps.Keys(raw.Default.Properties)) {
		fs := raw.Default.Properties[name].Fields
		if len(fs) != 1 || fs[0].Name != name {
			return nil, fmt.Errorf("mappings: property %q must have exactly one field of the same name", name)
		}
		out = append(out, fs[0])
	}
	return out, nil
}

// DocumentsElasticsearch returns the create-index body (settings and
// mappings, without analysis) of a documents index for Elasticsearch 7 /
// OpenSearch. The elastic engine adds settings.analysis from analyzers/.
func DocumentsElasticsearch() (map[string]any, error) {
	return elasticsearchBody("documents.elasticsearch.json")
}

// read returns an embedded file.
func read(name string) []byte {
	b, err := files.ReadFile(name)
	if err != nil {
		// The files are embedded at build time; a missing one is a build bug.
		panic("mappings: " + err.Error())
	}
	return b
}

// decode unmarshals the embedded file name into v.
func decode(name string, v any) error {
	if err := json.Unmarshal(read(name), v); err != nil {
		return fmt.Errorf("mappings: %s: %w", name, err)
	}
	return nil
}

// bleveMapping parses the embedded Bleve index mapping name.
func bleveMapping(name string) (*mapping.IndexMappingImpl, error) {
	m := mapping.NewIndexMapping()
	if err := decode(name, m); err != nil {
		return nil, err
	}
	return m, nil
}

// elasticsearchBody parses the embedded Elasticsearch create-index body
// name.
func elasticsearchBody(name string) (map[string]any, error) {
	var body map[string]any
	if err := decode(name, &body); err != nil {
		return nil, err
	}
	return body, nil
}
