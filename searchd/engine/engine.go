// Package engine is searchd's domain package: the types every part shares
// (documents, queries, hits, analysis settings, search events), the Engine
// contract both search engines implement, and the error type. It imports only
// the standard library; adapters (Bleve, Elasticsearch, gin, Redis) live in
// their own packages and translate to and from these types at their edges.
package engine

import (
	"context"
	"time"
)

// Engine is the contract both engines (embedded Bleve, Elasticsearch)
// implement. All reads and writes go through the alias: the live documents
// index version. Versioned operations exist so that a synonym dictionary
// change can rebuild the index with new analysis and swap it in atomically.
type Engine interface {
	// Name is "embedded" or "elastic".
	Name() string

	// Index creates or replaces one document. With refresh, the write is
	// visible to the very next search; otherwise within a second.
	Index(ctx context.Context, doc Document, refresh bool) error
	// IndexBatch indexes many documents and reports a result per item in
	// input order. The returned error is for failures of the whole batch.
	IndexBatch(ctx context.Context, docs []Document, refresh bool) ([]ItemResult, error)
	// Get returns a document by id or an error with code NotFound.
	Get(ctx context.Context, id string) (Document, error)
	// Delete removes a document by id or returns NotFound.
	Delete(ctx context.Context, id string, refresh bool) error

	// Search runs one prepared query (see Plan) in the given match mode.
	// Fallback from AND to OR, corrections and suggestions are orchestrated
	// above the engine, identically for every engine (package search).
	Search(ctx context.Context, p Plan) (Result, error)
	// SearchVersion runs a plan on version v instead of the live one (a
	// dictionary preview, or checking a rebuilt version before its swap).
	SearchVersion(ctx context.Context, v int, p Plan) (Result, error)
	// Suggest returns documents whose suggestion terms match the plan's
	// autocomplete forms (prefix, jamo prefix, 초성); the caller ranks terms.
	Suggest(ctx context.Context, p SuggestPlan) ([]SuggestHit, error)
	// SimilarTerms returns indexed terms whose jamo spelling is within
	// maxEdits of jamo, most frequent first ("did you mean").
	SimilarTerms(ctx context.Context, jamo string, maxEdits, size int) ([]TermCount, error)
	// Analyze runs one of the live index's analyzers over text.
	Analyze(ctx context.Context, req AnalyzeRequest) ([]Token, error)
	// Stats describes the live index.
	Stats(ctx context.Context) (Stats, error)

	// Live returns the live version as last seen (no I/O): the search
	// service analyzes queries with its analysis settings.
	Live() Version
	// Versions lists the documents index versions and which one is live.
	Versions(ctx context.Context) ([]Version, error)
	// CreateVersion creates a new, empty index version with the given
	// analysis settings and returns its number. It does not go live.
	CreateVersion(ctx context.Context, a AnalysisSettings) (int, error)
	// CopyVersion copies every document from one version into another,
	// re-analyzing them with the target's settings. Documents updated after
	// since (zero: all) are the only ones copied, for catch-up passes. A
	// copy keeps each document's update time. Into a follower (see Follow)
	// a copy never overwrites a document that a write or delete reached
	// after Follow returned: that write is newer than what the copy read,
	// so a copy racing live writes can neither revert nor resurrect one.
	CopyVersion(ctx context.Context, from, to int, since time.Time) (int, error)
	// CopyDocuments copies the documents ids (those that exist) from one
	// version into another, re-analyzed like CopyVersion; it returns how
	// many it copied (a dictionary preview builds a small version of the
	// documents a change affects).
	CopyDocuments(ctx context.Context, from, to int, ids []string) (int, error)
	// Follow makes version v (not live) a follower: once Follow returns,
	// every write applied to the live version — Index, IndexBatch and
	// Delete, on every instance sharing the index — is applied to v too,
	// in the same order per document, and a write is acknowledged only
	// when every follower has it. A rebuild follows its target while it
	// copies; versions kept for rollback stay followers, so swapping back
	// to one loses no write. Followers survive a restart.
	Follow(ctx context.Context, v int) error
	// Unfollow stops applying writes to v.
	Unfollow(ctx context.Context, v int) error
	// SwapAlias atomically points reads and writes at version v. When v is
	// a follower, the previous live version becomes a follower in the
	// same step (and v stops being one), so the two stay in sync.
	SwapAlias(ctx context.Context, v int) error
	// DropVersion deletes a version that is not live (a follower stops
	// being followed first).
	DropVersion(ctx context.Context, v int) error
	// MergeSegments merges version v's index segments into one, as
	// Elasticsearch's _forcemerge does: worth it once after a bulk load or a
	// rebuild (before the swap), as searches then visit one segment.
	MergeSegments(ctx context.Context, v int) error

	// Ready reports whether the engine is connected and its mappings applied.
	Ready(ctx context.Context) error
	// Close releases everything the engine holds.
	Close() error
}

// ItemResult is the outcome of one document in a batch.
type ItemResult struct {
	ID     string `json:"id"`
	Status int    `json:"status"` // HTTP-like: 200/201 ok, 400 bad document, 500 failed
	Error  *Error `json:"error,omitempty"`
}

// TermCount is an indexed term (jamo spelling) and its document count.
type TermCount struct {
	Term  string `json:"term"`
	Count uint64 `json:"count"`
}

// Version is one documents index version.
type Version struct {
	Number    int              `json:"version"`
	Name      string           `json:"name"`
	Live      bool             `json:"live"`
	Docs      uint64           `json:"docs"`
	CreatedAt time.Time        `json:"created_at"`
	Analysis  AnalysisSettings `json:"analysis"`
	// Follows: the version receives every write to live (see Follow).
	Follows bool `json:"follows,omitempty"`
}

// Stats describes the live documents index.
type Stats struct {
	Engine  string `json:"engine"`
	Index   string `json:"index"`
	Version int    `json:"version"`
	Docs    uint64 `json:"docs"`
}
