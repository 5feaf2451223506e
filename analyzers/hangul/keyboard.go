package hangul

import (
	"strings"
	"unicode/utf8"
)

// keyJamo maps the Latin keys of a standard 두벌식 (KS X 5002) keyboard to
// the jamo they type; 0 for keys that type no jamo. Shift gives the tense
// consonants and ㅒㅖ on Q W E R T O P; other shifted letters type the same
// jamo as unshifted ones, as a real keyboard does.
var keyJamo = [128]rune{
	'q': 'ㅂ', 'w': 'ㅈ', 'e': 'ㄷ', 'r': 'ㄱ', 't': 'ㅅ',
	'y': 'ㅛ', 'u': 'ㅕ', 'i': 'ㅑ', 'o': 'ㅐ', 'p': 'ㅔ',
	'a': 'ㅁ', 's': 'ㄴ', 'd': 'ㅇ', 'f': 'ㄹ', 'g': 'ㅎ',
	'h': 'ㅗ', 'j': 'ㅓ', 'k': 'ㅏ', 'l': 'ㅣ',
	'z': 'ㅋ', 'x': 'ㅌ', 'c': 'ㅊ', 'v': 'ㅍ', 'b': 'ㅠ', 'n': 'ㅜ', 'm': 'ㅡ',
	'Q': 'ㅃ', 'W': 'ㅉ', 'E': 'ㄸ', 'R': 'ㄲ', 'T': 'ㅆ', 'O': 'ㅒ', 'P': 'ㅖ',
	'Y': 'ㅛ', 'U': 'ㅕ', 'I': 'ㅑ',
	'A': 'ㅁ', 'S': 'ㄴ', 'D': 'ㅇ', 'F': 'ㄹ', 'G': 'ㅎ',
	'H': 'ㅗ', 'J': 'ㅓ', 'K': 'ㅏ', 'L': 'ㅣ',
	'Z': 'ㅋ', 'X': 'ㅌ', 'C': 'ㅊ', 'V': 'ㅍ', 'B': 'ㅠ', 'N': 'ㅜ', 'M': 'ㅡ',
}

// jamoKey is the inverse of keyJamo for keystroke jamo (r-jamoFirst): the
// key that types it, uppercase for shifted ones; 0 for compound jamo.
var jamoKey = func() (t [jamoLast - jamoFirst + 1]byte) {
	for k := 'A'; k <= 'z'; k++ { // lowercase last: unshifted keys win
		if j := keyJamo[k]; j != 0 {
			t[j-jamoFirst] = byte(k)
		}
	}
	return t
}()

// KeyJamo returns the jamo typed by key on a 두벌식 keyboard (r → ㄱ,
// R → ㄲ, K → ㅏ); ok is false for keys that type no jamo.
func KeyJamo(key rune) (rune, bool) {
	if key < 0 || key >= 128 || keyJamo[key] == 0 {
		return 0, false
	}
	return keyJamo[key], true
}

// ToQwerty returns the Latin keys typed to write s on a 두벌식 keyboard:
// what s becomes when the keyboard was left in English mode (삼성 → tkatjd,
// 아이폰 → dkdlvhs, ㅑㅔㅙㅜㄷ → iphone). Shifted jamo give uppercase keys
// (ㅃ Q, ㅉ W, ㄸ E, ㄲ R, ㅆ T, ㅒ O, ㅖ P); compound jamo give their two keys
// (ㅘ → hk, ㄺ → fr). Other runes pass through unchanged; invalid UTF-8
// becomes U+FFFD.
func ToQwerty(s string) string {
	if isASCII(s) {
		return s
	}
	s = toNFC(s)
	var b strings.Builder
	b.Grow(len(s))
	var ks [maxKeystrokes]rune
	for _, r := range s {
		k := spell(r, &ks)
		if k == 0 {
			b.WriteRune(r)
			continue
		}
		for _, j := range ks[:k] {
			b.WriteByte(jamoKey[j-jamoFirst])
		}
	}
	return b.String()
}

// FromQwerty returns the Hangul typed by the Latin keys in s on a 두벌식
// keyboard, composed the way an input method composes (tkatjd → 삼성,
// dkdlvhs → 아이폰, rkqt → 값). Q W E R T O P give the shifted jamo
// (ㅃㅉㄸㄲㅆㅒㅖ); other uppercase letters the same jamo as lowercase.
// Any other rune passes through and ends the syllable being composed; jamo
// that form no syllable stay compatibility jamo (see ComposeJamo).
// FromQwerty(ToQwerty(s)) == s for text of complete syllables.
func FromQwerty(s string) string {
	var c composer
	c.b.Grow(3 * len(s))
	for _, r := range s {
		if j, ok := KeyJamo(r); ok {
			c.push(j)
		} else {
			c.other(r)
		}
	}
	return c.String()
}

// LooksLikeWrongLayout reports whether s was probably meant as Hangul but
// typed with the keyboard in English mode. The rule: s is non-empty, only
// ASCII letters (strip spaces first), and FromQwerty(s) is made of complete
// syllables only (no leftover jamo) every one of which is among the 2,350
// common syllables of KS X 1001. The last condition rejects most English
// words that happen to compose (dog → 앻, fix → 랱); short ones still pass
// (go → 해), so use the result to add an alternative, not to replace the
// query.
func LooksLikeWrongLayout(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	h := FromQwerty(s)
	for i := 0; i < len(h); {
		r, size := utf8.DecodeRuneInString(h[i:])
		i += size
		if !IsSyllable(r) || !IsCommonSyllable(r) {
			return false
		}
	}
	return true
}

// IsCommonSyllable reports whether r is one of the 2,350 Hangul syllables
// of KS X 1001 (the EUC-KR set), the syllables in common use.
func IsCommonSyllable(r rune) bool {
	if !IsSyllable(r) {
		return false
	}
	i := r - syllableBase
	return ksx1001[i/64]&(1<<(i%64)) != 0
}
