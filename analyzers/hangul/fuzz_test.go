package hangul_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/searchd/searchd/analyzers/hangul"
)

// checkUTF8 fails when an output is not valid UTF-8.
func checkUTF8(t *testing.T, name, in, out string) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("%s(%q) = %q: invalid UTF-8", name, in, out)
	}
}

// keep returns the runes of s for which ok is true.
func keep(s string, ok func(rune) bool) string {
	var b strings.Builder
	for _, r := range s {
		if r != utf8.RuneError && ok(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isPlainASCII: ASCII except letters, which the keyboard functions convert.
func isPlainASCII(r rune) bool {
	return r < utf8.RuneSelf && !('a' <= r|0x20 && r|0x20 <= 'z')
}

func FuzzJamoRoundTrip(f *testing.F) {
	for _, s := range []string{"", "삼성전자", "닭이 왜 없어", "아이폰15 Pro", "ㄷㅏㄹㄱㅇㅣ", "ㅘㄳ", "\u1100\u1161\u11a8", "가\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		j := hangul.Jamo(s)
		checkUTF8(t, "Jamo", s, j)
		if again := hangul.Jamo(j); again != j {
			t.Fatalf("Jamo not idempotent on %q: %q then %q", s, j, again)
		}
		if n := hangul.JamoLen(s); n != utf8.RuneCountInString(j) {
			t.Fatalf("JamoLen(%q) = %d, Jamo has %d runes", s, n, utf8.RuneCountInString(j))
		}
		c := hangul.ComposeJamo(s)
		checkUTF8(t, "ComposeJamo", s, c)
		if hangul.Jamo(c) != j {
			t.Fatalf("Jamo(ComposeJamo(%q)) = %q, want %q", s, hangul.Jamo(c), j)
		}
		cho := hangul.Chosung(s)
		checkUTF8(t, "Chosung", s, cho)
		// Complete syllables and ASCII survive the round trip exactly.
		plain := keep(s, func(r rune) bool { return hangul.IsSyllable(r) || r < utf8.RuneSelf })
		if got := hangul.ComposeJamo(hangul.Jamo(plain)); got != plain {
			t.Fatalf("ComposeJamo(Jamo(%q)) = %q", plain, got)
		}
		syl := keep(s, hangul.IsSyllable)
		if c := hangul.Chosung(syl); !(syl == "" || hangul.IsChosungQuery(c)) || utf8.RuneCountInString(c) != utf8.RuneCountInString(syl) {
			t.Fatalf("Chosung(%q) = %q", syl, c)
		}
	})
}

func FuzzKeyboardRoundTrip(f *testing.F) {
	for _, s := range []string{"", "tkatjd", "dkdlvhs", "삼성 55인치", "ㅑㅔㅙㅜㄷ", "QWERTOP qwertop", "ekfrdl", "rt-k"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := hangul.ToQwerty(s)
		checkUTF8(t, "ToQwerty", s, q)
		h := hangul.FromQwerty(s)
		checkUTF8(t, "FromQwerty", s, h)
		if hangul.LooksLikeWrongLayout(s) {
			for _, r := range h {
				if !hangul.IsSyllable(r) {
					t.Fatalf("LooksLikeWrongLayout(%q) but FromQwerty gives %q", s, h)
				}
			}
		}
		// Syllables (and ASCII other than letters) round-trip exactly.
		syl := keep(s, func(r rune) bool { return hangul.IsSyllable(r) || isPlainASCII(r) })
		if got := hangul.FromQwerty(hangul.ToQwerty(syl)); got != syl {
			t.Fatalf("FromQwerty(ToQwerty(%q)) = %q", syl, got)
		}
		// Keys come back as typed, with Shift only where it types a
		// different jamo.
		ascii := keep(s, func(r rune) bool { return r < utf8.RuneSelf })
		want := []byte(ascii)
		for i, c := range want {
			if 'A' <= c && c <= 'Z' && !strings.ContainsRune("QWERTOP", rune(c)) {
				want[i] = c | 0x20
			}
		}
		if got := hangul.ToQwerty(hangul.FromQwerty(ascii)); got != string(want) {
			t.Fatalf("ToQwerty(FromQwerty(%q)) = %q, want %q", ascii, got, want)
		}
	})
}

func FuzzDistance(f *testing.F) {
	for _, p := range [][2]string{{"삼송", "삼성"}, {"", ""}, {"닭", "닥"}, {"ca", "abc"}, {"아이폰15", "dkdlvhs15"}, {"ㄷㅏㄹㄱ", "닭"}} {
		f.Add(p[0], p[1], 2)
	}
	f.Fuzz(func(t *testing.T, a, b string, k int) {
		if hangul.JamoLen(a) > 100 || hangul.JamoLen(b) > 100 {
			t.Skip("the quadratic reference is too slow for long input")
		}
		d := hangul.Distance(a, b)
		if want := referenceOSA(a, b); d != want {
			t.Fatalf("Distance(%q, %q) = %d, reference %d", a, b, d, want)
		}
		if back := hangul.Distance(b, a); back != d {
			t.Fatalf("Distance not symmetric on %q, %q: %d vs %d", a, b, d, back)
		}
		if (d == 0) != (hangul.Jamo(a) == hangul.Jamo(b)) {
			t.Fatalf("Distance(%q, %q) = %d, jamo %q vs %q", a, b, d, hangul.Jamo(a), hangul.Jamo(b))
		}
		if got := hangul.DistanceAtMost(a, b, k); got != (d <= k) {
			t.Fatalf("DistanceAtMost(%q, %q, %d) = %v, distance %d", a, b, k, got, d)
		}
	})
}
