// Package docs holds the API's machine-readable contract: openapi.yaml, the
// OpenAPI 3.1 document of every route (docs/api.md is the prose reference).
package docs

import (
	_ "embed"
	"encoding/json"
	"fmt"

	"gopkg.in/yaml.v3"
)

//go:embed openapi.yaml
var openapiYAML []byte

// OpenAPIYAML is the document as written.
func OpenAPIYAML() []byte { return openapiYAML }

// OpenAPIJSON is the document converted to JSON (anchors expanded), as
// served at /api/v1/openapi.json.
func OpenAPIJSON() ([]byte, error) {
	var doc any
	if err := yaml.Unmarshal(openapiYAML, &doc); err != nil {
		return nil, fmt.Errorf("docs: openapi.yaml: %w", err)
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("docs: openapi.yaml to JSON: %w", err)
	}
	return b, nil
}
