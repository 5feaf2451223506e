// Package demo ships the built-in demo data set that searchd loads on first
// start: Korean community and meetup listings written for this project, the
// synonym groups they show off and the user dictionary entries they need.
//
// The data is embedded, so the binary needs no files to run the demo.
package demo

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/searchd/searchd/searchd/engine"
)

//go:embed listings.json
var listingsJSON []byte

//go:embed synonyms.txt
var synonymsText string

//go:embed userdict.txt
var userDictText string

// Documents decodes the demo listings. Decoding is strict: a field that
// engine.Document does not have, trailing data, a duplicate id or a document
// that fails engine.ValidateDocument is an error, so the embedded data cannot
// silently drift from the schema.
func Documents() ([]engine.Document, error) { return parseDocuments(listingsJSON) }

// parseDocuments decodes and checks a JSON array of documents.
func parseDocuments(data []byte) ([]engine.Document, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var docs []engine.Document
	if err := dec.Decode(&docs); err != nil {
		return nil, fmt.Errorf("demo: decode listings: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("demo: listings have data after the top-level array")
	}
	seen := make(map[string]bool, len(docs))
	for i, d := range docs {
		if err := engine.ValidateDocument(d); err != nil {
			return nil, fmt.Errorf("demo: listing %d: %w", i, err)
		}
		if seen[d.ID] {
			return nil, fmt.Errorf("demo: listing %d: duplicate id %q", i, d.ID)
		}
		seen[d.ID] = true
	}
	return docs, nil
}

// Synonyms returns the demo synonym dictionary in the Solr format that
// engine.AnalysisSettings.Synonyms takes: one group a line ("a, b, c", the
// first member canonical), "a => b" for one-way mappings, "#" comments.
func Synonyms() string { return synonymsText }

// UserDictionary returns the demo user dictionary rules in nori's format
// ("word" or "compound part part"), one rule an element, for
// engine.AnalysisSettings.UserDictionary. Blank lines and "#" comments are
// left out and surrounding space is trimmed.
func UserDictionary() []string {
	var rules []string
	sc := bufio.NewScanner(strings.NewReader(userDictText))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		rules = append(rules, line)
	}
	return rules
}
