package engine_test

import (
	"strings"
	"testing"

	"github.com/searchd/searchd/searchd/engine"
)

func TestValidateID(t *testing.T) {
	good := []string{"a", "listing-42", "모임_2026.11", strings.Repeat("a", engine.MaxIDLen), "ü", "이모지😀"}
	for _, id := range good {
		if err := engine.ValidateID(id); err != nil {
			t.Errorf("ValidateID(%q) = %v, want nil", id, err)
		}
	}
	bad := map[string]string{
		"empty":                     "",
		"too long":                  strings.Repeat("a", engine.MaxIDLen+1),
		"invalid UTF-8 (0xff)":      "c\xff",
		"invalid UTF-8 (0xfe)":      "c\xfe",
		"replacement character":     "c\uFFFD",
		"NUL":                       "a\x00b",
		"DEL":                       "a\x7fb",
		"C1 control":                "a\u0085b",
		"zero-width space":          "a\u200bb",
		"zero-width joiner":         "a\u200db",
		"right-to-left override":    "\u202Eevil",
		"left-to-right isolate":     "a\u2066b",
		"byte order mark":           "\uFEFFa",
		"soft hyphen":               "a\u00adb",
		"slash":                     "a/b",
		"percent":                   "a%20b",
		"space":                     "a b",
		"no-break space":            "a\u00a0b",
		"ideographic space":         "a\u3000b",
		"line separator":            "a\u2028b",
		"newline":                   "a\nb",
		"question mark and hash":    "a?b#c",
		"backslash":                 `a\b`,
		"tab":                       "a\tb",
		"mongolian vowel separator": "a\u180eb", // Cf since Unicode 6.3
	}
	for name, id := range bad {
		t.Run(name, func(t *testing.T) {
			err := engine.ValidateID(id)
			if engine.ErrorCode(err) != engine.Invalid {
				t.Fatalf("ValidateID(%q) = %v, want invalid_argument", id, err)
			}
			if msg := engine.ErrorMessage(err); strings.ContainsAny(msg, "\u202E\u2066\u200b\x00") {
				t.Errorf("the message repeats the invisible character raw: %q", msg)
			}
		})
	}
	// ValidateDocument applies the same rule.
	if err := engine.ValidateDocument(engine.Document{ID: "a\u200bb", Title: "t"}); engine.ErrorCode(err) != engine.Invalid {
		t.Errorf("ValidateDocument accepts a zero-width id: %v", err)
	}
}
