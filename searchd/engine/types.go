package engine

import "time"

// Document is one searchable listing. The schema is explicit: unknown fields
// in input are rejected (see mappings/ and the API's strict decoder).
type Document struct {
	ID         string    `json:"id"`
	Title      string    `json:"title"`
	Body       string    `json:"body"`
	Tags       []string  `json:"tags,omitempty"`
	Category   string    `json:"category,omitempty"`
	Region     string    `json:"region,omitempty"`
	Author     string    `json:"author,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	Popularity int64     `json:"popularity"`
}

// Derived holds the fields searchd computes from a document with the Korean
// analyzer of the index version it goes into, identically for every engine.
type Derived struct {
	// TermsJamo: jamo spelling of every index-time token of title, body and
	// tags, synonyms included (fuzzy and jamo-prefix matching).
	TermsJamo []string `json:"terms_jamo"`
	// Chosung: 초성 of every word and token (ㅅㅅㅈㅈ → 삼성전자).
	Chosung []string `json:"chosung"`
	// Suggest: phrases offered by autocomplete (tags, title nouns, title).
	Suggest []string `json:"suggest"`
	// SuggestJamo and SuggestChosung: the suggestion phrases spelled in jamo
	// and in 초성, spaces removed, for prefix matching while typing.
	SuggestJamo    []string `json:"suggest_jamo"`
	SuggestChosung []string `json:"suggest_chosung"`
	// UpdatedAt is when searchd last wrote the document (catch-up copies).
	UpdatedAt time.Time `json:"updated_at"`
}

// Sort orders search results.
type Sort string

const (
	SortRelevance Sort = "relevance"
	SortRecent    Sort = "recent"
	SortPopular   Sort = "popular"
)

// MatchMode says how query terms combine.
type MatchMode string

const (
	// MatchAll requires every query term (AND), tried first.
	MatchAll MatchMode = "all"
	// MatchAny requires at least one term (OR), the fallback.
	MatchAny MatchMode = "any"
)

// Filters narrow a search; empty fields do not filter. Region matches the
// region path itself and every path below it: segments are separated by
// spaces, so 서울 matches 서울 and 서울 강북구, never 서울숲 (RegionPrefix).
type Filters struct {
	Category string   `json:"category,omitempty"`
	Region   string   `json:"region,omitempty"`
	Tags     []string `json:"tags,omitempty"` // every tag must be present
}

// Query is what a user asks for, before analysis.
type Query struct {
	Text    string
	Filters Filters
	Sort    Sort
	Page    int // 1-based
	Size    int
	// AsTyped runs the query as typed: no keyboard-layout switch and no
	// "did you mean" correction (the link under a corrected result).
	AsTyped bool
}

// PlanTerm is one analyzed query term with the forms engines match it by.
type PlanTerm struct {
	// Text is the term as the search analyzer produced it; matched against
	// the exact (no synonyms) and synonym-expanded text fields.
	Text string `json:"text"`
	// Jamo is Text spelled in jamo; fuzzy matching happens on jamo.
	Jamo string `json:"jamo"`
	// Fuzziness is the number of jamo edits allowed (0: exact only).
	Fuzziness int `json:"fuzziness"`
	// PrefixLength is how many leading jamo must match exactly in fuzzy
	// matching, which bounds the term expansion.
	PrefixLength int `json:"prefix_length"`
	// Parts, when set, are the morphemes of a query word that analyzed into
	// several tokens (or dropped some); Text is then the whole word. The word
	// matches when every part matches, or when the whole word matches a
	// document word's jamo within Fuzziness — so a typo that splits a word
	// into odd morphemes (보드개임 → 보드 + 개임) still finds 보드게임.
	Parts []PlanTerm `json:"parts,omitempty"`
}

// Plan is a query prepared for execution: analyzed, with every form the
// engines match. Engines translate it, never user text, into their queries.
type Plan struct {
	Terms []PlanTerm `json:"terms"`
	// Chosung, when set, is a 초성-only query matched as a prefix of words.
	Chosung string `json:"chosung,omitempty"`
	// JamoPrefix, when set, matches tokens whose jamo spelling starts with it
	// (the user is mid-syllable: 삼ㅅ → ㅅㅏㅁㅅ).
	JamoPrefix string    `json:"jamo_prefix,omitempty"`
	Mode       MatchMode `json:"mode"`
	Filters    Filters   `json:"filters"`
	Sort       Sort      `json:"sort"`
	From       int       `json:"from"`
	Size       int       `json:"size"`
	// FacetSize, when positive, asks for the FacetSize most frequent
	// values of every FacetFields field among all matches (see Facets).
	FacetSize int `json:"facet_size,omitempty"`
}

// MatchesAll reports whether the plan has no text to match: engines then
// match every document (filters and sort still apply).
func (p Plan) MatchesAll() bool { return len(p.Terms) == 0 && p.Chosung == "" && p.JamoPrefix == "" }

// Hit is one matching document.
type Hit struct {
	ID         string              `json:"id"`
	Score      float64             `json:"score"`
	Document   Document            `json:"document"`
	Highlights map[string][]string `json:"highlights,omitempty"`
}

// Result is what an engine returns for one plan.
type Result struct {
	Total  int64  `json:"total"`
	Hits   []Hit  `json:"hits"`
	Facets Facets `json:"facets,omitempty"`
}

// SearchResponse is what the search service returns to users.
type SearchResponse struct {
	Query string `json:"query"`
	// Normalized is the analyzed query (terms joined by spaces).
	Normalized string `json:"normalized"`
	Total      int64  `json:"total"`
	Hits       []Hit  `json:"hits"`
	// Match says whether every term had to match ("all") or the search fell
	// back to any term ("any") because AND found nothing.
	Match MatchMode `json:"match"`
	// Corrected is the query actually run when searchd corrected it (keyboard
	// layout, jamo-near term); empty when the query ran as typed.
	Corrected string `json:"corrected,omitempty"`
	// Suggestions are alternative queries offered ("did you mean").
	Suggestions []string `json:"suggestions,omitempty"`
	Page        int      `json:"page"`
	Size        int      `json:"size"`
	TookMillis  float64  `json:"took_ms"`
	// Facets count the values of category, region and tags among all
	// matches (filters applied), most frequent first.
	Facets Facets `json:"facets"`
}

// SuggestPlan asks for documents whose suggestion phrases start with a
// jamo prefix or a 초성 prefix.
type SuggestPlan struct {
	JamoPrefixes []string `json:"jamo_prefixes,omitempty"`
	Chosung      string   `json:"chosung,omitempty"`
	Size         int      `json:"size"`
}

// SuggestHit is a document's suggestion phrases and its weight.
type SuggestHit struct {
	Phrases    []string `json:"phrases"`
	Popularity int64    `json:"popularity"`
}

// Suggestion is one autocomplete entry.
type Suggestion struct {
	Text  string  `json:"text"`
	Score float64 `json:"score"`
}

// AnalysisSettings define a documents index version's Korean analysis. The
// same settings drive the Go analyzer and the Elasticsearch settings.
type AnalysisSettings struct {
	// DecompoundMode of the index analyzer: none, discard (default), mixed.
	// The search analyzer always uses discard.
	DecompoundMode string `json:"decompound_mode,omitempty"`
	// UserDictionary rules in nori's format: "word" or "compound part part".
	UserDictionary []string `json:"user_dictionary,omitempty"`
	// StopTags for the part-of-speech filter; empty means nori's defaults.
	StopTags []string `json:"stop_tags,omitempty"`
	// Synonyms in the Solr format, expanded at index time only.
	Synonyms string `json:"synonyms,omitempty"`
	// SynonymsExpand is Elasticsearch's expand option of the synonym
	// filter: nil or true maps every member of an equivalence group to
	// every member; false maps every member to the group's first member.
	SynonymsExpand *bool `json:"synonyms_expand,omitempty"`
}

// AnalyzeRequest asks for the token stream of text.
type AnalyzeRequest struct {
	// Analyzer is "index" (with synonyms) or "search" (without).
	Analyzer string `json:"analyzer"`
	Text     string `json:"text"`
	// Explain adds nori's attributes (POS, reading, morphemes).
	Explain bool `json:"explain"`
}

// Token is one token in the shape of Elasticsearch's _analyze response.
// Offsets count characters (UTF-16 code units), as Elasticsearch does.
type Token struct {
	Token          string `json:"token"`
	StartOffset    int    `json:"start_offset"`
	EndOffset      int    `json:"end_offset"`
	Type           string `json:"type"`
	Position       int    `json:"position"`
	PositionLength int    `json:"positionLength,omitempty"`
	// Explain attributes (nori's names).
	LeftPOS   string `json:"leftPOS,omitempty"`
	RightPOS  string `json:"rightPOS,omitempty"`
	POSType   string `json:"posType,omitempty"`
	Reading   string `json:"reading,omitempty"`
	Morphemes string `json:"morphemes,omitempty"`
}

// SearchEvent is produced by every search and handed to an EventSink.
type SearchEvent struct {
	ID         string              `json:"id"`
	Time       time.Time           `json:"time"`
	Query      string              `json:"query"`
	Normalized string              `json:"normalized"`
	Canonical  string              `json:"canonical"`
	Total      int64               `json:"total"`
	TookMillis float64             `json:"took_ms"`
	Page       int                 `json:"page"`
	Size       int                 `json:"size"`
	Sort       string              `json:"sort"`
	Filters    map[string][]string `json:"filters,omitempty"`
	Match      string              `json:"match"`
	Corrected  string              `json:"corrected,omitempty"`
	// Identity as received at the edge; ingest hashes or truncates these
	// before anything is stored.
	SessionID string `json:"session_id,omitempty"`
	UserID    string `json:"user_id,omitempty"`
	ClientIP  string `json:"client_ip,omitempty"`
	UserAgent string `json:"user_agent,omitempty"`
	// Context is the client's free-form context, raw; ingest caps it.
	Context map[string]any `json:"context,omitempty"`
}

// Ranking policy every engine applies, so that users see the same order
// whichever engine serves them. For comparable documents an exact match
// ranks above a synonym match above a fuzzy one; fuzzy and prefix matches
// expand to a bounded number of indexed terms (the closest, then the most
// frequent), as Elasticsearch's max_expansions and top_terms rewrites do.
// Within the fuzzy/prefix tier the engines may order documents
// differently: the elastic engine scores every expansion; the embedded
// one scores the most frequent expansion per edit distance and matches
// the rest at a constant score (see searchd/engine/bleve/union.go).
const (
	BoostExactTitle     = 40
	BoostExactBody      = 20
	BoostSynonymTitle   = 8
	BoostSynonymBody    = 4
	BoostFuzzy          = 1
	BoostPrefix         = 1
	MaxFuzzyExpansions  = 50
	MaxPrefixExpansions = 16
)
