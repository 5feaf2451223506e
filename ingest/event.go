// Package ingest is searchd's search-log pipeline: every search event is
// capped to a fixed schema (Capper), handed to a bounded non-blocking
// Producer, carried by a Queue (Redis Stream in elastic mode, an in-process
// queue in embedded mode) and written by Workers into a log Store (Bleve or
// Elasticsearch), from which Analytics answers admin questions.
//
// The package imports the domain package and generic libraries only; each
// backend lives in its own subpackage (redisq, blevelog, elasticlog).
package ingest

import (
	"time"
)

// Limits of the log event schema. Strings are counted in characters (runes)
// and cut on a character boundary; every cut and drop is counted in metrics.
const (
	MaxEventIDLen     = 64  // bytes of [A-Za-z0-9_-]; other ids are replaced
	MaxQueryTextLen   = 256 // query, normalized, canonical, corrected
	MaxShortLen       = 32  // sort, match
	MaxFilters        = 16  // key=value filter entries
	MaxFilterLen      = 128 // characters of one key=value filter entry
	MaxContextKeys    = 16
	MaxContextKeyLen  = 32 // key pattern ^[a-z][a-z0-9_]{0,31}$
	MaxContextValLen  = 128
	MaxPageOrSize     = 10_000
	HashHexLen        = 32 // hex characters of a session or user hash (128 bits)
	MaxUserAgentBytes = 512
)

// LogEvent is the fixed schema of one search in the log index. The JSON
// names are the field names of the log index mapping (mappings/search_logs*);
// nothing outside this struct is ever stored.
type LogEvent struct {
	ID         string    `json:"event_id"`
	Timestamp  time.Time `json:"timestamp"`
	Query      string    `json:"query"`
	QueryKey   string    `json:"query_key"` // lower-cased, spaces collapsed: groups analytics
	Normalized string    `json:"normalized"`
	Canonical  string    `json:"canonical"`
	Total      int64     `json:"total"`
	TookMillis float64   `json:"took_ms"`
	Page       int64     `json:"page"`
	Size       int64     `json:"size"`
	Sort       string    `json:"sort"`
	Filters    []string  `json:"filters,omitempty"` // "key=value"
	ZeroResult bool      `json:"zero_result"`
	Match      string    `json:"match"`
	Corrected  string    `json:"corrected,omitempty"`
	// SessionHash and UserHash are HMAC-SHA256 of the ids under a secret
	// salt, truncated to HashHexLen hex characters.
	SessionHash string `json:"session_hash,omitempty"`
	UserHash    string `json:"user_hash,omitempty"`
	// ClientNet is the client address truncated to its /24 (IPv4) or /48
	// (IPv6) network, in CIDR notation; the address itself is never stored.
	ClientNet string `json:"client_net,omitempty"`
	// UAFamily is a small fixed set (see UserAgentFamily).
	UAFamily string `json:"ua_family"`
	// Context is the capped client context: at most MaxContextKeys scalar
	// values, stored but not indexed. ContextKV repeats it as "key=value"
	// keywords for filtering.
	Context   map[string]any `json:"context,omitempty"`
	ContextKV []string       `json:"context_kv,omitempty"`
}

// QueryCount is one row of an analytics answer.
type QueryCount struct {
	Query string `json:"query"`
	Count int64  `json:"count"`
}
