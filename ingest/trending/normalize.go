package trending

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Exclusion reasons (label values of searchd_trending_excluded_total).
const (
	ReasonEmpty       = "empty"
	ReasonTooLong     = "too_long"
	ReasonNoLetters   = "no_letters"
	ReasonNoIdentity  = "no_identity"
	ReasonZeroResults = "zero_results"
)

// maxSurfaceRunes caps a stored display form.
const maxSurfaceRunes = 100

// Surface returns s in display form: NFC, trimmed, runs of white space
// collapsed to one space, control characters removed. Case is kept.
func Surface(s string) string {
	s = norm.NFC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false
	n := 0
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case unicode.IsControl(r) || r == utf8.RuneError:
			continue
		}
		if n >= maxSurfaceRunes {
			break
		}
		if space {
			b.WriteByte(' ')
			n++
			space = false
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// Key returns the counting key of a canonical keyword: NFC, lower case,
// every white space removed (spacing variants merge: "아이폰 15" and
// "아이폰15" are one key), control characters removed.
func Key(canonical string) string {
	s := norm.NFC.String(canonical)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == utf8.RuneError {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	// Lower-casing can change composition in rare scripts; settle it.
	return norm.NFC.String(b.String())
}

// Noise reports why a key is not counted, or "" when it is fine: empty,
// longer than maxRunes, or without any letter (only symbols and digits).
func Noise(key string, maxRunes int) string {
	if key == "" {
		return ReasonEmpty
	}
	if utf8.RuneCountInString(key) > maxRunes {
		return ReasonTooLong
	}
	for _, r := range key {
		if unicode.IsLetter(r) {
			return ""
		}
	}
	return ReasonNoLetters
}
