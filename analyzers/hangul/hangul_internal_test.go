package hangul

import (
	"testing"

	"golang.org/x/text/unicode/norm"
)

// The hand-written tables must agree with Unicode: compatibility jamo are
// ordered like the conjoining ones, and their compatibility decompositions
// (NFKD) name the conjoining jamo they stand for.
func TestTablesAgreeWithUnicode(t *testing.T) {
	t.Run("initials", func(t *testing.T) {
		for i, r := range initials {
			if got := []rune(norm.NFKD.String(string(r))); len(got) != 1 || got[0] != rune(0x1100+i) {
				t.Errorf("initial %d: %c decomposes to %U, want U+%04X", i, r, got, 0x1100+i)
			}
			if initialIndex[r-jamoFirst] != int8(i) {
				t.Errorf("initialIndex[%c] = %d, want %d", r, initialIndex[r-jamoFirst], i)
			}
		}
	})
	t.Run("finals", func(t *testing.T) {
		prev := rune(0)
		for f := 1; f < finalCount; f++ {
			r := finals[f]
			if r <= prev || !IsConsonant(r) {
				t.Errorf("finals[%d] = %c: not a consonant in code point order", f, r)
			}
			prev = r
			if finalIndex[r-jamoFirst] != int8(f) {
				t.Errorf("finalIndex[%c] = %d, want %d", r, finalIndex[r-jamoFirst], f)
			}
			// Consonants that cannot start a modern syllable decompose to
			// the conjoining final itself (ㅀ and ㅄ to archaic initials).
			if initialIndex[r-jamoFirst] < 0 {
				got := []rune(norm.NFKD.String(string(r)))
				if len(got) != 1 || got[0] >= 0x11A8 && got[0] != rune(0x11A7+f) {
					t.Errorf("final %d: %c decomposes to %U, want U+%04X", f, r, got, 0x11A7+f)
				}
			}
		}
		// Exactly ㄸㅃㅉ cannot end a syllable.
		for r := rune(jamoFirst); r <= consonantLast; r++ {
			cannot := r == 'ㄸ' || r == 'ㅃ' || r == 'ㅉ'
			if (finalIndex[r-jamoFirst] < 0) != cannot {
				t.Errorf("finalIndex[%c] = %d", r, finalIndex[r-jamoFirst])
			}
		}
	})
	t.Run("medials", func(t *testing.T) {
		for m := 0; m < medialCount; m++ {
			r := rune(vowelFirst + m)
			if got := []rune(norm.NFKD.String(string(r))); len(got) != 1 || got[0] != rune(0x1161+m) {
				t.Errorf("medial %d: %c decomposes to %U", m, r, got)
			}
		}
	})
	t.Run("syllables are NFD of their jamo", func(t *testing.T) {
		for s := rune(syllableBase); s <= syllableLast; s++ {
			i, m, f, _ := Decompose(s)
			want := []rune{0x1100 + rune(initialIndex[i-jamoFirst]), 0x1161 + m - vowelFirst}
			if f != 0 {
				want = append(want, 0x11A7+rune(finalIndex[f-jamoFirst]))
			}
			if got := norm.NFD.String(string(s)); got != string(want) {
				t.Fatalf("%c: NFD %U, Decompose gives %U", s, []rune(got), want)
			}
		}
	})
	t.Run("conjoining to compatibility", func(t *testing.T) {
		n := 0
		for r := rune(0x1100); r <= 0x11FF; r++ {
			c := conjoiningToCompat(r)
			if c == 0 {
				continue
			}
			n++
			if r >= 0x11A8 {
				// A final: 아 followed by it composes (NFC) to 아 with c.
				want, ok := Compose('ㅇ', 'ㅏ', c)
				if got := norm.NFC.String("아" + string(r)); !ok || got != string(want) {
					t.Errorf("%U → %c: NFC gives %q, Compose %q", r, c, got, string(want))
				}
				continue
			}
			if got := norm.NFKD.String(string(c)); got != string(r) {
				t.Errorf("%U → %c, which decomposes to %U", r, c, []rune(got))
			}
		}
		if n != 19+21+27 {
			t.Errorf("%d conjoining jamo mapped, want 67", n)
		}
	})
}
