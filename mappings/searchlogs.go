package mappings

import (
	"embed"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/blevesearch/bleve/v2/mapping"
)

// The search-log index schema: one file per engine, the same fields. The
// Go type the files describe is ingest.LogEvent.
//
//go:embed search_logs.bleve.json search_logs.elasticsearch.json
var searchLogFiles embed.FS

// SearchLogsPrefix and SearchLogsDateLayout name the daily log indices in
// Elasticsearch: search-logs-YYYY.MM.DD (Go layout 2006.01.02).
const (
	SearchLogsPrefix     = "search-logs-"
	SearchLogsDateLayout = "2006.01.02"
	// SearchLogsFieldLimit is index.mapping.total_fields.limit of a log
	// index: a backstop far above the schema's field count.
	SearchLogsFieldLimit = 64
)

// SearchLogsBleveJSON returns the Bleve index mapping of the embedded log
// index. It has every field of the schema; those only read back, never
// searched (event_id — the document id already —, query — analytics use
// query_key —, corrected, client_net, took_ms, page, size, context) are
// stored without being indexed, which makes writes about a third cheaper.
func SearchLogsBleveJSON() []byte { return readSearchLogs("search_logs.bleve.json") }

// SearchLogsBleve parses the Bleve mapping of the embedded log index.
func SearchLogsBleve() (*mapping.IndexMappingImpl, error) {
	m := mapping.NewIndexMapping()
	if err := json.Unmarshal(SearchLogsBleveJSON(), m); err != nil {
		return nil, fmt.Errorf("mappings: search_logs.bleve.json: %w", err)
	}
	return m, nil
}

// SearchLogsElasticsearch returns the settings and mappings of one daily log
// index for Elasticsearch 7 / OpenSearch 2 (dynamic: strict).
func SearchLogsElasticsearch() (map[string]any, error) {
	var body map[string]any
	if err := json.Unmarshal(readSearchLogs("search_logs.elasticsearch.json"), &body); err != nil {
		return nil, fmt.Errorf("mappings: search_logs.elasticsearch.json: %w", err)
	}
	return body, nil
}

// SearchLogsIndexTemplate returns the body of a composable index template
// (PUT _index_template/<name>, Elasticsearch 7.8+ and OpenSearch 1+) that
// applies the log index settings and mappings to every index whose name
// starts with prefix.
func SearchLogsIndexTemplate(prefix string) (map[string]any, error) {
	body, err := SearchLogsElasticsearch()
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"index_patterns": []any{prefix + "*"},
		"priority":       200,
		"template":       body,
		"_meta":          map[string]any{"managed_by": "searchd"},
	}, nil
}

// SearchLogFields lists the log schema's fields (the Elasticsearch
// properties), sorted.
func SearchLogFields() ([]string, error) {
	var raw struct {
		Mappings struct {
			Properties map[string]json.RawMessage `json:"properties"`
		} `json:"mappings"`
	}
	if err := json.Unmarshal(readSearchLogs("search_logs.elasticsearch.json"), &raw); err != nil {
		return nil, fmt.Errorf("mappings: search_logs.elasticsearch.json: %w", err)
	}
	names := make([]string, 0, len(raw.Mappings.Properties))
	for name := range raw.Mappings.Properties {
		names = append(names, name)
	}
	sort.Strings(names)
	return names, nil
}

func readSearchLogs(name string) []byte {
	b, err := searchLogFiles.ReadFile(name)
	if err != nil {
		panic("mappings: " + err.Error()) // embedded at build time
	}
	return b
}
