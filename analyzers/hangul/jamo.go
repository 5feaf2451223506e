package hangul

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// maxKeystrokes is the most keystrokes one rune spells into: a syllable
// with a compound medial and a compound final (ㄷㅜㅔㄹㄱ would be 5).
const maxKeystrokes = 5

// hasConjoining reports whether s contains a conjoining jamo
// (U+1100–U+11FF, UTF-8 E1 84 80 – E1 87 BF). It looks at bytes only, so
// text without them is checked at memory speed.
func hasConjoining(s string) bool {
	for {
		i := strings.IndexByte(s, 0xE1)
		if i < 0 || i+1 >= len(s) {
			return false
		}
		if b := s[i+1]; b >= 0x84 && b <= 0x87 {
			return true
		}
		s = s[i+1:]
	}
}

// toNFC returns s in NFC when it contains conjoining jamo, else s itself.
// Only such text is normalized: other decomposed text (Latin with combining
// accents) is the caller's to normalize.
func toNFC(s string) string {
	if hasConjoining(s) {
		return norm.NFC.String(s)
	}
	return s
}

// spell writes the keystroke jamo of r into ks and returns how many: a
// syllable gives initial, medial and final with compounds split; a
// compatibility jamo its one or two keystrokes; a modern conjoining jamo
// the same as its compatibility form. It returns 0 for any other rune.
func spell(r rune, ks *[maxKeystrokes]rune) int {
	switch {
	case IsSyllable(r):
		i := int(r - syllableBase)
		ks[0] = initials[i/(medialCount*finalCount)]
		m := splitTable[i/finalCount%medialCount+vowelFirst-jamoFirst]
		ks[1] = m[0]
		n := 2
		if m[1] != 0 {
			ks[2] = m[1]
			n = 3
		}
		if f := finals[i%finalCount]; f != 0 {
			p := splitTable[f-jamoFirst]
			ks[n] = p[0]
			n++
			if p[1] != 0 {
				ks[n] = p[1]
				n++
			}
		}
		return n
	case IsJamo(r):
		return spellJamo(r, ks)
	case r >= 0x1100 && r <= 0x11FF:
		if c := conjoiningToCompat(r); c != 0 {
			return spellJamo(c, ks)
		}
	}
	return 0
}

func spellJamo(r rune, ks *[maxKeystrokes]rune) int {
	p := splitTable[r-jamoFirst]
	ks[0] = p[0]
	if p[1] == 0 {
		return 1
	}
	ks[1] = p[1]
	return 2
}

// isASCII reports whether s is all ASCII, for fast paths.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// Jamo spells s in compatibility jamo, one rune per keystroke on a 두벌식
// keyboard: syllables are decomposed, and compound medials and finals are
// split into their parts (왜 → ㅇㅗㅐ, 의 → ㅇㅡㅣ, 닭 → ㄷㅏㄹㄱ, 값 → ㄱㅏㅂㅅ);
// tense consonants (ㄲㄸㅃㅆㅉ) stay one jamo, as they are one (shifted)
// key. Standalone jamo are split the same way (ㅘ → ㅗㅏ), so Jamo is
// idempotent. Other runes pass through unchanged (no case folding); invalid
// UTF-8 becomes U+FFFD. NFD input gives the same result as NFC input.
func Jamo(s string) string {
	if isASCII(s) {
		return s
	}
	s = toNFC(s)
	var buf [256]byte // typical terms are spelled without a heap buffer
	out := buf[:0]
	var ks [maxKeystrokes]rune
	for _, r := range s {
		k := spell(r, &ks)
		if k == 0 {
			out = utf8.AppendRune(out, r)
			continue
		}
		for _, c := range ks[:k] {
			out = utf8.AppendRune(out, c)
		}
	}
	if string(out) == s {
		return s // already jamo: no allocation
	}
	return string(out)
}

// JamoLen returns the number of runes in Jamo(s) without building it: the
// keystrokes of the Hangul in s plus its other runes.
func JamoLen(s string) int {
	if isASCII(s) {
		return len(s)
	}
	s = toNFC(s)
	var ks [maxKeystrokes]rune
	n := 0
	for _, r := range s {
		if k := spell(r, &ks); k > 0 {
			n += k
		} else {
			n++
		}
	}
	return n
}

// AppendJamo appends the runes of Jamo(s) to dst and returns the extended
// slice; with a large enough dst it does not allocate (unless s holds
// conjoining jamo, which are normalized first).
func AppendJamo(dst []rune, s string) []rune {
	s = toNFC(s)
	var ks [maxKeystrokes]rune
	for _, r := range s {
		if k := spell(r, &ks); k > 0 {
			dst = append(dst, ks[:k]...)
		} else {
			dst = append(dst, r)
		}
	}
	return dst
}

// ComposeJamo assembles jamo into syllables the way a 두벌식 input method
// does, the inverse of Jamo: an initial consonant, a medial (two vowels
// that form a compound are joined: ㅗㅏ → ㅘ) and a final (two consonants
// that form a compound final are joined: ㄹㄱ → ㄺ). A final consonant moves
// to the next syllable when a vowel follows (ㄱㅏㄱㅏ → 가가, ㄷㅏㄹㄱㅇㅣ →
// 닭이, ㄷㅏㄹㄱㅣ → 달기).
//
// Compound jamo in the input are split into keystrokes first, so
// ComposeJamo(Jamo(s)) == s for text of complete syllables and non-Hangul
// runes. Jamo that cannot join a syllable stay compatibility jamo: vowels
// without an initial (joined into a compound vowel when they form one) and
// consonants without a vowel, which are never joined (ㄱㅅ stays ㄱㅅ, not
// ㄳ: a run of consonants is usually a 초성 query). Any other rune, a
// precomposed syllable included, passes through and ends the syllable being
// composed. Conjoining jamo (NFD input) count as their compatibility forms.
func ComposeJamo(s string) string {
	s = toNFC(s)
	var c composer
	c.b.Grow(len(s))
	var ks [maxKeystrokes]rune
	for _, r := range s {
		if IsSyllable(r) {
			c.other(r)
			continue
		}
		k := spell(r, &ks)
		if k == 0 {
			c.other(r)
			continue
		}
		for _, j := range ks[:k] {
			c.push(j)
		}
	}
	return c.String()
}

// composer is the input-method automaton behind ComposeJamo and
// FromQwerty. It is fed keystroke jamo (no compounds) with push and any
// other rune with other.
type composer struct {
	b          strings.Builder
	ini        rune // initial consonant, 0 if none
	med1, med2 rune // medial keystrokes; med2 != 0 only for a compound
	fin1, fin2 rune // final keystrokes; fin2 != 0 only for a compound
}

func (c *composer) push(j rune) {
	if IsVowel(j) {
		c.vowel(j)
	} else {
		c.consonant(j)
	}
}

func (c *composer) consonant(j rune) {
	switch {
	case c.ini != 0 && c.med1 != 0 && c.fin1 == 0 && finalIndex[j-jamoFirst] >= 0:
		c.fin1 = j
		return
	case c.fin1 != 0 && c.fin2 == 0:
		if _, ok := Join(c.fin1, j); ok {
			c.fin2 = j
			return
		}
	}
	c.flush()
	c.ini = j
}

func (c *composer) vowel(j rune) {
	switch {
	case c.fin2 != 0: // 닭 + ㅣ → 달기: the last final starts a syllable
		ini := c.fin2
		c.fin2 = 0
		c.flush()
		c.ini, c.med1 = ini, j
	case c.fin1 != 0: // 각 + ㅏ → 가가
		ini := c.fin1
		c.fin1 = 0
		c.flush()
		c.ini, c.med1 = ini, j
	case c.med1 != 0:
		if _, ok := Join(c.med1, j); ok && c.med2 == 0 {
			c.med2 = j
			return
		}
		c.flush()
		c.med1 = j
	default: // after an initial, or nothing
		c.med1 = j
	}
}

func (c *composer) other(r rune) {
	c.flush()
	c.b.WriteRune(r)
}

// flush writes the syllable or jamo being composed and resets the state.
func (c *composer) flush() {
	med := c.med1
	if c.med2 != 0 {
		med, _ = Join(c.med1, c.med2)
	}
	fin := c.fin1
	if c.fin2 != 0 {
		fin, _ = Join(c.fin1, c.fin2)
	}
	switch {
	case c.ini != 0 && med != 0:
		s, _ := Compose(c.ini, med, fin)
		c.b.WriteRune(s)
	case c.ini != 0:
		c.b.WriteRune(c.ini)
	case med != 0:
		c.b.WriteRune(med)
	}
	c.ini, c.med1, c.med2, c.fin1, c.fin2 = 0, 0, 0, 0, 0
}

func (c *composer) String() string {
	c.flush()
	return c.b.String()
}
