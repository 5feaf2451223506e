package hangul

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Chosung returns the 초성 form of s, for initial-consonant search
// (삼성전자 → ㅅㅅㅈㅈ):
//
//   - each syllable becomes its initial consonant (까 → ㄲ);
//   - a standalone consonant is kept, a compound one split into its keys
//     (ㄳ → ㄱㅅ: an input method joins ㄱ and ㅅ typed without a vowel, so a
//     user typing the 초성 of 감사 may send ㄳ);
//   - white space is removed, so "삼성 전자" and "삼성전자" both give ㅅㅅㅈㅈ
//     and a 초성 query matches across word boundaries;
//   - every other rune (vowel jamo, Latin, digits, punctuation) is kept, so
//     IsChosungQuery(Chosung(s)) tells whether s was all Hangul.
//
// NFD input gives the same result as NFC input.
func Chosung(s string) string {
	if isASCII(s) && strings.IndexAny(s, " \t\n\v\f\r") < 0 {
		return s
	}
	s = toNFC(s)
	var buf [64]byte // typical words need no heap buffer
	out := buf[:0]
	for _, r := range s {
		if IsSyllable(r) {
			out = utf8.AppendRune(out, initials[(r-syllableBase)/(medialCount*finalCount)])
			continue
		}
		if c := conjoiningToCompat(r); c != 0 {
			r = c
		}
		switch {
		case IsConsonant(r):
			p := splitTable[r-jamoFirst]
			out = utf8.AppendRune(out, p[0])
			if p[1] != 0 {
				out = utf8.AppendRune(out, p[1])
			}
		case unicode.IsSpace(r):
		default:
			out = utf8.AppendRune(out, r) // invalid UTF-8 becomes U+FFFD
		}
	}
	if string(out) == s {
		return s
	}
	return string(out)
}

// IsChosungQuery reports whether s looks like a 초성 query: it has at least
// one compatibility consonant (ㄱ–ㅎ, compound ones included) and nothing
// but compatibility consonants and white space (ㅅㅅㅈㅈ, "ㅅㅅ ㅈㅈ"). Match
// it against Chosung forms after passing it through Chosung, which removes
// the spaces and splits compound consonants.
func IsChosungQuery(s string) bool {
	consonant := false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case IsConsonant(r):
			consonant = true
		case unicode.IsSpace(r):
		default:
			return false
		}
	}
	return consonant
}
