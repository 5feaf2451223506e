package hangul

import (
	"bytes"
	"flag"
	"fmt"
	"go/format"
	"os"
	"testing"

	"golang.org/x/text/encoding/korean"
)

var update = flag.Bool("update", false, "rewrite generated tables (ksx1001.go)")

// ksx1001FromEUCKR computes the KS X 1001 syllable set from x/text's EUC-KR
// encoder: a syllable is in KS X 1001 when it encodes in the KS X 1001
// Hangul rows (lead byte 0xB0–0xC8, trail byte 0xA1–0xFE); the other
// syllables only exist in the CP949 extension.
func ksx1001FromEUCKR(t *testing.T) (set [175]uint64, n int) {
	enc := korean.EUCKR.NewEncoder()
	for i := rune(0); i <= syllableLast-syllableBase; i++ {
		b, err := enc.Bytes([]byte(string(syllableBase + i)))
		if err != nil {
			t.Fatalf("encode %c: %v", syllableBase+i, err)
		}
		if len(b) == 2 && b[0] >= 0xB0 && b[0] <= 0xC8 && b[1] >= 0xA1 && b[1] <= 0xFE {
			set[i/64] |= 1 << (i % 64)
			n++
		}
	}
	return set, n
}

func TestKSX1001Table(t *testing.T) {
	want, n := ksx1001FromEUCKR(t)
	if n != 2350 {
		t.Fatalf("EUC-KR gives %d KS X 1001 syllables, want 2350", n)
	}
	if *update {
		var b bytes.Buffer
		b.WriteString("package hangul\n\n")
		b.WriteString("// ksx1001 is a bit set over the 11,172 syllables (bit i: U+AC00+i) of the\n")
		b.WriteString("// 2,350 syllables in KS X 1001. Generated from golang.org/x/text's EUC-KR\n")
		b.WriteString("// table by TestKSX1001Table; regenerate with go test -run KSX1001 -update.\n")
		b.WriteString("var ksx1001 = [175]uint64{\n")
		for i, w := range want {
			fmt.Fprintf(&b, "%#016x,", w)
			if i%4 == 3 {
				b.WriteString("\n")
			}
		}
		b.WriteString("\n}\n")
		src, err := format.Source(b.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile("ksx1001.go", src, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if ksx1001 != want {
		t.Fatal("ksx1001.go is out of date: run go test -run KSX1001 -update")
	}
}
