// Package pii finds personal data in search queries: Korean phone numbers,
// e-mail addresses, resident registration numbers (주민등록번호), card
// numbers and URLs that carry credentials. The search log masks what it
// finds (ingest.Capper) and trending never counts such a query
// (trending.Counter): one detector for both, so what cannot trend is
// exactly what the log does not keep in clear.
//
// The detector errs on the side of masking: any 13–19 digit run that
// passes the Luhn check is a card number, any 01x number with a
// subscriber part is a phone number. Text with no '@' and fewer than 9
// digits is never examined (the fast path of almost every query).
package pii

import (
	"regexp"
	"strings"
)

// Kind names a kind of personal data; it is the label value of the
// metrics that count what was found (as "personal_data_<kind>").
type Kind string

// The kinds, in the order they are looked for (an earlier kind's mask is
// not re-examined by a later one).
const (
	URLCredentials Kind = "url_credentials" // scheme://user:password@host
	Email          Kind = "email"
	ResidentID     Kind = "resident_id" // 주민등록번호 / 외국인등록번호 YYMMDD-NNNNNNN
	Card           Kind = "card"        // 13–19 digits passing the Luhn check
	Phone          Kind = "phone"       // 010-1234-5678, 01012345678, +82 10…, 02-123-4567
)

// Kinds lists every kind in detection order.
var Kinds = []Kind{URLCredentials, Email, ResidentID, Card, Phone}

// Reason is k as a metric label value: "personal_data_" + k.
func (k Kind) Reason() string { return "personal_data_" + string(k) }

// Mask is what replaces a datum of kind k in masked text: "[k]".
func (k Kind) Mask() string { return "[" + string(k) + "]" }

type detector struct {
	kind Kind
	re   *regexp.Regexp
	// ok checks a match (digits only, separators removed) when the
	// pattern alone is not enough; nil accepts every match.
	ok func(digits string) bool
	// keep is a prefix of the match kept in clear (the URL scheme).
	keep func(match string) int
	// at marks the kinds that need an '@' (others need digits).
	at bool
}

// Separators allowed between digit groups: hyphen, dot, space, and the
// dashes people paste.
const sep = `[-. \x{2010}-\x{2015}\x{2212}]`

var detectors = []detector{
	{kind: URLCredentials, re: regexp.MustCompile(`(?i)\b[a-z][a-z0-9+.\-]*://[^\s/?#@\[\]]+@`),
		keep: func(m string) int { return strings.Index(m, "://") + 3 }, at: true},
	{kind: Email, at: true, re: regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}`)},
	{kind: ResidentID, re: regexp.MustCompile(`\d{6}` + sep + `?[1-8]\d{6}`), ok: validBirthDate},
	// Digits with single separators between them (checked by luhn): a
	// character class repeated is much cheaper for RE2 than a repeated group.
	{kind: Card, re: regexp.MustCompile(`\d[0-9 .\-]{11,34}\d`), ok: luhn},
	{kind: Phone, re: regexp.MustCompile(
		// +82 (0)10 1234 5678, +82-2-123-4567
		`\+` + sep + `?82` + sep + `?(?:\(0\)|0)?` + sep + `?(?:1[016789]|[2-6]\d?)` + sep + `?\d{3,4}` + sep + `?\d{4}` +
			// 010-1234-5678, 01012345678, 011-123-4567
			`|01[016789]` + sep + `?\d{3,4}` + sep + `?\d{4}` +
			// 02-123-4567, 031-123-4567, 070-1234-5678 (separators required: bare digit runs are too common)
			`|0(?:2|[3-6][1-5]|70)` + sep + `\d{3,4}` + sep + `\d{4}`)},
}

// Detect returns the first kind of personal data in s, or "" when s has
// none.
func Detect(s string) Kind {
	at, digits := scan(s)
	if !at && !digits {
		return ""
	}
	for _, d := range detectors {
		if (d.at && at || !d.at && digits) && len(d.matches(s)) > 0 {
			return d.kind
		}
	}
	return ""
}

// MaskAll returns s with every datum replaced by its kind's Mask (the
// URL's scheme is kept), and the kinds found, each once, in detection
// order. s without personal data is returned as it is.
func MaskAll(s string) (string, []Kind) {
	at, digits := scan(s)
	if !at && !digits {
		return s, nil
	}
	var found []Kind
	for _, d := range detectors {
		if d.at && !at || !d.at && !digits {
			continue
		}
		ms := d.matches(s)
		if len(ms) == 0 {
			continue
		}
		found = append(found, d.kind)
		var b strings.Builder
		last := 0
		for _, m := range ms {
			start := m[0]
			if d.keep != nil {
				start += d.keep(s[m[0]:m[1]])
			}
			b.WriteString(s[last:start])
			b.WriteString(d.kind.Mask())
			last = m[1]
			if d.kind == URLCredentials {
				b.WriteByte('@')
			}
		}
		b.WriteString(s[last:])
		s = b.String()
	}
	return s, found
}

// minDigits is the fewest digits any digit kind has (a Seoul landline,
// 02-123-4567).
const minDigits = 9

// scan is the fast path: e-mail and URL credentials need an '@', the
// other kinds at least minDigits digits.
func scan(s string) (at, digits bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '@':
			at = true
		case c >= '0' && c <= '9':
			n++
		}
	}
	return at, n >= minDigits
}

// matches returns the accepted matches of d in s: not glued to further
// digits (a longer number is something else) and passing d.ok.
func (d detector) matches(s string) [][]int {
	var out [][]int
	for _, m := range d.re.FindAllStringIndex(s, -1) {
		if d.kind != URLCredentials && d.kind != Email && (digitAt(s, m[0]-1) || digitAt(s, m[1])) {
			continue
		}
		if d.ok != nil && !d.ok(digitsOf(s[m[0]:m[1]])) {
			continue
		}
		out = append(out, m)
	}
	return out
}

func digitAt(s string, i int) bool { return i >= 0 && i < len(s) && s[i] >= '0' && s[i] <= '9' }

func digitsOf(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// validBirthDate checks a resident registration number's YYMMDD (month
// 1–12, day 1–31): a 13-digit run with an impossible date is not one.
func validBirthDate(d string) bool {
	if len(d) != 13 {
		return false
	}
	mm := int(d[2]-'0')*10 + int(d[3]-'0')
	dd := int(d[4]-'0')*10 + int(d[5]-'0')
	return mm >= 1 && mm <= 12 && dd >= 1 && dd <= 31
}

// luhn is the card-number check digit test (13–19 digits).
func luhn(d string) bool {
	if len(d) < 13 || len(d) > 19 {
		return false
	}
	sum := 0
	for i := range len(d) {
		n := int(d[len(d)-1-i] - '0')
		if i%2 == 1 {
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
	}
	return sum%10 == 0
}
