// Package search is the engine-neutral search service: it analyzes queries
// into plans (terms, jamo forms, fuzziness, 초성 and keyboard-layout
// alternatives), derives the Korean fields of documents, and orchestrates
// every engine the same way (AND first, OR fallback, corrections,
// suggestions, autocomplete ranking, search events).
package search

import (
	"context"

	"go.uber.org/zap"

	"github.com/searchd/searchd/searchd/engine"
)

// RequestMeta is who asked, as received at the edge (raw; ingest caps it).
type RequestMeta struct {
	RequestID string
	SessionID string
	UserID    string
	ClientIP  string
	UserAgent string
	Context   map[string]any
}

// Service is the search service shared by the API and tests.
type Service struct {
	eng  engine.Engine
	sink engine.EventSink
	log  *zap.Logger
}

// NewService wires a service over an engine. sink may be engine.NopSink{}.
func NewService(eng engine.Engine, sink engine.EventSink, log *zap.Logger) *Service {
	return &Service{eng: eng, sink: sink, log: log}
}

// Engine returns the engine behind the service (documents CRUD, stats).
func (s *Service) Engine() engine.Engine { return s.eng }

// Search validates and runs a user query and publishes a search event.
func (s *Service) Search(ctx context.Context, q engine.Query, meta RequestMeta) (engine.SearchResponse, error) {
	return engine.SearchResponse{}, engine.Errorf(engine.Unavailable, "not implemented yet")
}

// Autocomplete returns up to size suggestions for what the user is typing.
func (s *Service) Autocomplete(ctx context.Context, text string, size int) ([]engine.Suggestion, error) {
	return nil, engine.Errorf(engine.Unavailable, "not implemented yet")
}
