// Package hangul is searchd's Hangul toolkit, written from Unicode's
// syllable arithmetic: decomposition into jamo (typo tolerance at the level
// of keystrokes), 초성 (initial consonant) forms, 두벌식 keyboard-layout
// conversion and an edit distance over jamo.
//
// Every function works on compatibility jamo (U+3131–U+3163, the letters a
// Korean keyboard shows): a precomposed syllable is
//
//	0xAC00 + (initial×21 + medial)×28 + final
//
// with 19 initials, 21 medials and 27 finals (final 0: none). Input in NFD
// (conjoining jamo U+1100–U+11FF, sent by some clients) is normalized to NFC
// first; text without conjoining jamo pays nothing for that.
//
// The functions are safe for concurrent use. They allocate at most the
// string they return (Jamo and Chosung nothing when it equals the input),
// and Distance and DistanceAtMost allocate nothing for terms up to 64 jamo;
// only NFD input pays for normalization.
package hangul

const (
	syllableBase  = 0xAC00
	syllableLast  = 0xD7A3
	medialCount   = 21
	finalCount    = 28
	jamoFirst     = 0x3131 // ㄱ
	consonantLast = 0x314E // ㅎ
	vowelFirst    = 0x314F // ㅏ
	jamoLast      = 0x3163 // ㅣ
)

// initials are the 19 initial consonants in syllable order.
var initials = [19]rune{
	'ㄱ', 'ㄲ', 'ㄴ', 'ㄷ', 'ㄸ', 'ㄹ', 'ㅁ', 'ㅂ', 'ㅃ', 'ㅅ',
	'ㅆ', 'ㅇ', 'ㅈ', 'ㅉ', 'ㅊ', 'ㅋ', 'ㅌ', 'ㅍ', 'ㅎ',
}

// finals are the 27 final consonants in syllable order; index 0 is "none".
var finals = [finalCount]rune{
	0, 'ㄱ', 'ㄲ', 'ㄳ', 'ㄴ', 'ㄵ', 'ㄶ', 'ㄷ', 'ㄹ', 'ㄺ',
	'ㄻ', 'ㄼ', 'ㄽ', 'ㄾ', 'ㄿ', 'ㅀ', 'ㅁ', 'ㅂ', 'ㅄ', 'ㅅ',
	'ㅆ', 'ㅇ', 'ㅈ', 'ㅊ', 'ㅋ', 'ㅌ', 'ㅍ', 'ㅎ',
}

// initialIndex and finalIndex map a compatibility consonant (r-jamoFirst)
// to its index in initials / finals, -1 when it cannot take that place.
var (
	initialIndex = [consonantLast - jamoFirst + 1]int8{
		0, 1, -1, 2, -1, -1, 3, 4, 5, -1, // ㄱㄲㄳㄴㄵㄶㄷㄸㄹㄺ
		-1, -1, -1, -1, -1, -1, 6, 7, 8, -1, // ㄻㄼㄽㄾㄿㅀㅁㅂㅃㅄ
		9, 10, 11, 12, 13, 14, 15, 16, 17, 18, // ㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ
	}
	finalIndex = [consonantLast - jamoFirst + 1]int8{
		1, 2, 3, 4, 5, 6, 7, -1, 8, 9, // ㄱㄲㄳㄴㄵㄶㄷㄸㄹㄺ
		10, 11, 12, 13, 14, 15, 16, 17, -1, 18, // ㄻㄼㄽㄾㄿㅀㅁㅂㅃㅄ
		19, 20, 21, 22, -1, 23, 24, 25, 26, 27, // ㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ
	}
)

// compounds lists every compound jamo with the two keystrokes that type it
// on a 두벌식 keyboard. Tense consonants (ㄲㄸㅃㅆㅉ) and ㅐㅒㅔㅖ are single
// keys, not compounds.
var compounds = [...][3]rune{
	{'ㄳ', 'ㄱ', 'ㅅ'}, {'ㄵ', 'ㄴ', 'ㅈ'}, {'ㄶ', 'ㄴ', 'ㅎ'},
	{'ㄺ', 'ㄹ', 'ㄱ'}, {'ㄻ', 'ㄹ', 'ㅁ'}, {'ㄼ', 'ㄹ', 'ㅂ'},
	{'ㄽ', 'ㄹ', 'ㅅ'}, {'ㄾ', 'ㄹ', 'ㅌ'}, {'ㄿ', 'ㄹ', 'ㅍ'},
	{'ㅀ', 'ㄹ', 'ㅎ'}, {'ㅄ', 'ㅂ', 'ㅅ'},
	{'ㅘ', 'ㅗ', 'ㅏ'}, {'ㅙ', 'ㅗ', 'ㅐ'}, {'ㅚ', 'ㅗ', 'ㅣ'},
	{'ㅝ', 'ㅜ', 'ㅓ'}, {'ㅞ', 'ㅜ', 'ㅔ'}, {'ㅟ', 'ㅜ', 'ㅣ'},
	{'ㅢ', 'ㅡ', 'ㅣ'},
}

// splitTable maps a compatibility jamo (r-jamoFirst) to its two keystrokes;
// the second is 0 for a jamo typed with one key. Built from compounds.
var splitTable = func() (t [jamoLast - jamoFirst + 1][2]rune) {
	for i := range t {
		t[i][0] = rune(jamoFirst + i)
	}
	for _, c := range compounds {
		t[c[0]-jamoFirst] = [2]rune{c[1], c[2]}
	}
	return t
}()

// IsSyllable reports whether r is a precomposed Hangul syllable (가–힣).
func IsSyllable(r rune) bool { return r >= syllableBase && r <= syllableLast }

// IsJamo reports whether r is a modern compatibility jamo (U+3131–U+3163).
func IsJamo(r rune) bool { return r >= jamoFirst && r <= jamoLast }

// IsConsonant reports whether r is a compatibility consonant (ㄱ–ㅎ,
// compound and tense ones included).
func IsConsonant(r rune) bool { return r >= jamoFirst && r <= consonantLast }

// IsVowel reports whether r is a compatibility vowel (ㅏ–ㅣ, compound ones
// included).
func IsVowel(r rune) bool { return r >= vowelFirst && r <= jamoLast }

// Decompose splits a syllable into its initial, medial and final
// compatibility jamo; final is 0 when the syllable has none. Compound
// medials and finals are returned whole (왜 → ㅇ ㅙ 0, 닭 → ㄷ ㅏ ㄺ). ok is
// false, and the jamo are 0, when r is not a syllable.
func Decompose(r rune) (initial, medial, final rune, ok bool) {
	if !IsSyllable(r) {
		return 0, 0, 0, false
	}
	i := int(r - syllableBase)
	return initials[i/(medialCount*finalCount)], vowelFirst + rune(i/finalCount%medialCount), finals[i%finalCount], true
}

// Compose builds a syllable from compatibility jamo: initial must be one of
// the 19 initial consonants, medial one of the 21 vowels, final 0 or one of
// the 27 final consonants (ㄸㅃㅉ cannot end a syllable). ok is false when the
// jamo do not form a syllable.
func Compose(initial, medial, final rune) (rune, bool) {
	if !IsConsonant(initial) || !IsVowel(medial) {
		return 0, false
	}
	ii := initialIndex[initial-jamoFirst]
	if ii < 0 {
		return 0, false
	}
	fi := int8(0)
	if final != 0 {
		if !IsConsonant(final) {
			return 0, false
		}
		if fi = finalIndex[final-jamoFirst]; fi < 0 {
			return 0, false
		}
	}
	return syllableBase + (rune(ii)*medialCount+(medial-vowelFirst))*finalCount + rune(fi), true
}

// Split returns the keystrokes of a compatibility jamo: a compound vowel or
// compound final consonant gives its two parts (ㅘ → ㅗ ㅏ, ㄺ → ㄹ ㄱ), any
// other jamo itself and 0. ok is false when r is not a compatibility jamo.
func Split(r rune) (first, second rune, ok bool) {
	if !IsJamo(r) {
		return 0, 0, false
	}
	p := splitTable[r-jamoFirst]
	return p[0], p[1], true
}

// Join returns the compound jamo typed as a then b (ㅗ ㅏ → ㅘ, ㄹ ㄱ → ㄺ),
// the inverse of Split. ok is false when a and b do not form a compound.
func Join(a, b rune) (rune, bool) {
	for _, c := range compounds {
		if c[1] == a && c[2] == b {
			return c[0], true
		}
	}
	return 0, false
}

// conjoiningToCompat maps a modern conjoining jamo (U+1100–U+1112 initials,
// U+1161–U+1175 medials, U+11A8–U+11C2 finals) to its compatibility jamo. It
// returns 0 for any other rune (archaic jamo, fillers).
func conjoiningToCompat(r rune) rune {
	switch {
	case r >= 0x1100 && r <= 0x1112:
		return initials[r-0x1100]
	case r >= 0x1161 && r <= 0x1175:
		return vowelFirst + (r - 0x1161)
	case r >= 0x11A8 && r <= 0x11C2:
		return finals[r-0x11A7]
	}
	return 0
}
