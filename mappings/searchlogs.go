package mappings

import (
	"encoding/json"
	"maps"
	"slices"

	"github.com/blevesearch/bleve/v2/mapping"
)

// The search-log index schema is search_logs.bleve.json and
// search_logs.elasticsearch.json: one file per engine, the same fields. The
// Go type the files describe is ingest.LogEvent.

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
func SearchLogsBleveJSON() []byte { return read("search_logs.bleve.json") }

// SearchLogsBleve parses the Bleve mapping of the embedded log index.
func SearchLogsBleve() (*mapping.IndexMappingImpl, error) {
	return bleveMapping("search_logs.bleve.json")
}

// SearchLogsElasticsearch returns the settings and mappings of one daily log
// index for Elasticsearch 7 / OpenSearch 2 (dynamic: strict).
func SearchLogsElasticsearch() (map[string]any, error) {
	return elasticsearchBody("search_logs.elasticsearch.json")
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
	if err := decode("search_logs.elasticsearch.json", &raw); err != nil {
		return nil, err
	}
	return slices.Sorted(maps.Keys(raw.Mappings.Properties)), nil
}
