package search

import (
	"context"
	"math"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/searchd/searchd/analyzers/hangul"
	"github.com/searchd/searchd/searchd/engine"
)

// Autocomplete returns up to size suggestions for what the user is typing:
// suggestion phrases (tags, titles, title nouns) whose jamo spelling starts
// with the input's (so 삼ㅅ and 삼성 both find 삼성전자), whose 초성 start
// with a 초성-only input (ㄷㅅㅁㅇ → 독서모임), or that match the input typed
// in the wrong keyboard layout (ehrtj → 독서). Phrases are ranked by how
// many popular documents carry them.
func (s *Service) Autocomplete(ctx context.Context, text string, size int) ([]engine.Suggestion, error) {
	text = normalizeQuery(text)
	if n := utf8.RuneCountInString(text); n > MaxAutocompleteLen {
		return nil, engine.Errorf(engine.Invalid, "autocomplete input is %d characters long; at most %d are allowed", n, MaxAutocompleteLen)
	}
	if size == 0 {
		size = defaultSuggestSize
	}
	if size < 1 || size > MaxAutocompleteSize {
		return nil, engine.Errorf(engine.Invalid, "size must be between 1 and %d", MaxAutocompleteSize)
	}
	out := []engine.Suggestion{}
	if text == "" {
		return out, nil
	}
	compact := strings.ToLower(strings.ReplaceAll(text, " ", ""))
	var sp engine.SuggestPlan
	if hangul.IsChosungQuery(compact) {
		sp.Chosung = hangul.Chosung(compact)
	} else {
		sp.JamoPrefixes = append(sp.JamoPrefixes, hangul.Jamo(compact))
		if alt := keyboardAlternative(compact); alt != "" {
			sp.JamoPrefixes = append(sp.JamoPrefixes, hangul.Jamo(strings.ToLower(strings.ReplaceAll(alt, " ", ""))))
		}
	}
	sp.Size = suggestFetch
	hits, err := s.eng.Suggest(ctx, sp)
	if err != nil {
		return nil, err
	}
	type agg struct {
		score float64
		forms map[string]int
	}
	byKey := map[string]*agg{}
	for _, h := range hits {
		w := 1 + math.Log1p(float64(h.Popularity))
		for _, phrase := range h.Phrases {
			key := strings.ToLower(strings.ReplaceAll(phrase, " ", ""))
			if !suggestMatches(key, sp) {
				continue
			}
			a := byKey[key]
			if a == nil {
				a = &agg{forms: map[string]int{}}
				byKey[key] = a
			}
			a.score += w
			a.forms[phrase]++
		}
	}
	for _, a := range byKey {
		out = append(out, engine.Suggestion{Text: mostCommon(a.forms), Score: math.Round(a.score*1000) / 1000})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		if li, lj := utf8.RuneCountInString(out[i].Text), utf8.RuneCountInString(out[j].Text); li != lj {
			return li < lj
		}
		return out[i].Text < out[j].Text
	})
	if len(out) > size {
		out = out[:size]
	}
	return out, nil
}

func suggestMatches(key string, sp engine.SuggestPlan) bool {
	if sp.Chosung != "" {
		return strings.HasPrefix(hangul.Chosung(key), sp.Chosung)
	}
	j := hangul.Jamo(key)
	for _, p := range sp.JamoPrefixes {
		if strings.HasPrefix(j, p) {
			return true
		}
	}
	return false
}

// mostCommon returns the most frequent surface form (ties: shortest, then
// first in byte order), the display form of a suggestion.
func mostCommon(forms map[string]int) string {
	best, n := "", -1
	for f, c := range forms {
		if c > n || (c == n && (len(f) < len(best) || (len(f) == len(best) && f < best))) {
			best, n = f, c
		}
	}
	return best
}
