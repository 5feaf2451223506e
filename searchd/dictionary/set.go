// Package dictionary is dictionary administration: dictionary sets
// (synonyms and user dictionary) as versioned data with a history, their
// validation, rule-level diffs and previews, the rebuild job that applies
// one with zero downtime, rollback, and the audit trail. It sits above the
// engine and below the API: it drives the engine's version operations
// (CreateVersion, Follow, CopyVersion, MergeSegments, SwapAlias,
// DropVersion) and stores its history through a Store — files under the
// data directory (FileStore) or a small index in the cluster
// (package elasticstore).
package dictionary

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"

	"github.com/searchd/searchd/searchd/engine"
)

// Set is one dictionary set: what one documents index version was built
// with, and who applied it, when and why. Its Version is the number of the
// index version built with it.
type Set struct {
	Version        int       `json:"version"`
	Synonyms       string    `json:"synonyms"`
	UserDictionary string    `json:"user_dictionary"`
	Options        Options   `json:"options"`
	Hash           string    `json:"hash"`
	Author         string    `json:"author"`
	Time           time.Time `json:"time"`
	Message        string    `json:"message"`
	Counts         Counts    `json:"counts"`
	// RolledBackFrom is the version whose texts a rollback rebuilt.
	RolledBackFrom int `json:"rolled_back_from,omitempty"`
}

// Options are the analysis settings a set carries besides its texts; they
// are kept from the live version unless a request changes them.
type Options struct {
	// Expand false makes the first member of a group its target (one-way)
	// instead of expanding every member to every other.
	Expand         *bool    `json:"expand,omitempty"`
	DecompoundMode string   `json:"decompound_mode,omitempty"`
	StopTags       []string `json:"stop_tags,omitempty"`
}

// Counts are a set's rule counts.
type Counts struct {
	SynonymRules        int `json:"synonym_rules"`
	UserDictionaryRules int `json:"user_dictionary_rules"`
}

// Draft is a set not applied yet: the texts an admin edits.
type Draft struct {
	Synonyms       string   `json:"synonyms"`
	UserDictionary string   `json:"user_dictionary"`
	Options        *Options `json:"options,omitempty"`
}

// Analysis returns the engine analysis settings of the texts and options.
func Analysis(synonyms, userDict string, o Options) engine.AnalysisSettings {
	return engine.AnalysisSettings{
		DecompoundMode: o.DecompoundMode,
		StopTags:       o.StopTags,
		Synonyms:       synonyms,
		SynonymsExpand: o.Expand,
		UserDictionary: userDictLines(userDict),
	}
}

// Analysis returns the set's engine analysis settings.
func (s Set) Analysis() engine.AnalysisSettings {
	return Analysis(s.Synonyms, s.UserDictionary, s.Options)
}

// userDictLines splits the user dictionary text into lines, keeping blank
// and comment lines so that problems name the line the admin sees.
func userDictLines(text string) []string {
	text = strings.TrimRight(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	if strings.TrimSpace(text) == "" {
		return nil
	}
	return strings.Split(text, "\n")
}

// SetFromAnalysis describes the settings of an index version as a set's
// texts and options.
func SetFromAnalysis(a engine.AnalysisSettings) (synonyms, userDict string, o Options) {
	ud := strings.Join(a.UserDictionary, "\n")
	if ud != "" {
		ud += "\n"
	}
	return a.Synonyms, ud, Options{DecompoundMode: a.DecompoundMode, StopTags: a.StopTags, Expand: a.SynonymsExpand}
}

// Hash is the content hash of texts and options (hex SHA-256).
func Hash(synonyms, userDict string, o Options) string {
	b, _ := json.Marshal(struct {
		S string  `json:"s"`
		U string  `json:"u"`
		O Options `json:"o"`
	}{synonyms, userDict, o})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
