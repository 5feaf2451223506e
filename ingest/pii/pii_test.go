package pii_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/searchd/searchd/ingest/pii"
)

func TestMaskAll(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
		kinds          []pii.Kind
	}{
		{"mobile with hyphens", "홍길동 010-1234-5678", "홍길동 [phone]", []pii.Kind{pii.Phone}},
		{"mobile bare", "01012345678 연락주세요", "[phone] 연락주세요", []pii.Kind{pii.Phone}},
		{"mobile dots and spaces", "010.1234.5678 / 010 9876 5432", "[phone] / [phone]", []pii.Kind{pii.Phone}},
		{"old mobile", "011-123-4567", "[phone]", []pii.Kind{pii.Phone}},
		{"international", "+82 10-1234-5678", "[phone]", []pii.Kind{pii.Phone}},
		{"international bare", "+821012345678", "[phone]", []pii.Kind{pii.Phone}},
		{"international (0)", "+82 (0)10 1234 5678", "[phone]", []pii.Kind{pii.Phone}},
		{"seoul landline", "02-123-4567 예약", "[phone] 예약", []pii.Kind{pii.Phone}},
		{"regional landline", "031-1234-5678", "[phone]", []pii.Kind{pii.Phone}},
		{"email", "문의 kim.min-su+tag@example.co.kr 주소", "문의 [email] 주소", []pii.Kind{pii.Email}},
		{"resident id", "주민번호 900101-1234567", "주민번호 [resident_id]", []pii.Kind{pii.ResidentID}},
		{"resident id bare", "9001012234567", "[resident_id]", []pii.Kind{pii.ResidentID}},
		{"card with spaces", "카드 4111 1111 1111 1111", "카드 [card]", []pii.Kind{pii.Card}},
		{"card with hyphens", "5500-0000-0000-0004", "[card]", []pii.Kind{pii.Card}},
		{"card bare", "378282246310005", "[card]", []pii.Kind{pii.Card}},
		{"url credentials", "https://admin:hunter2@intra.example.com/x", "https://[url_credentials]@intra.example.com/x", []pii.Kind{pii.URLCredentials}},
		{"url user only", "ftp://bob@files.example.com", "ftp://[url_credentials]@files.example.com", []pii.Kind{pii.URLCredentials}},
		{"two kinds", "a@b.io 010-1111-2222", "[email] [phone]", []pii.Kind{pii.Email, pii.Phone}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, kinds := pii.MaskAll(tc.in)
			if got != tc.want || !slices.Equal(kinds, tc.kinds) {
				t.Fatalf("MaskAll(%q) = %q %v, want %q %v", tc.in, got, kinds, tc.want, tc.kinds)
			}
			if k := pii.Detect(tc.in); k != tc.kinds[0] {
				t.Fatalf("Detect(%q) = %q, want %q", tc.in, k, tc.kinds[0])
			}
			if k := pii.Detect(got); k != "" {
				t.Fatalf("the masked text %q still holds %q", got, k)
			}
		})
	}
}

// Ordinary queries with numbers stay as they are.
func TestLeavesOrdinaryQueries(t *testing.T) {
	for _, q := range []string{
		"아이폰 15 프로 256GB", "2026-11-22 불꽃축제", "갤럭시 s24", "로또 1150회 당첨번호",
		"2호선 시간표", "010", "1588-1234", "서울 날씨", "https://example.com/path?q=1",
		"4111 1111 1111 1112", // fails Luhn
		"900132-1234567",      // day 32: not a birth date
		"10000명 돌파", "@멘션", "user@localhost", "123-456-7890",
	} {
		if got, kinds := pii.MaskAll(q); got != q || kinds != nil || pii.Detect(q) != "" {
			t.Errorf("MaskAll(%q) = %q %v, want it unchanged", q, got, kinds)
		}
	}
}

// FuzzMaskAll: masking leaves nothing detectable, is idempotent, and
// changes nothing in text without personal data.
func FuzzMaskAll(f *testing.F) {
	for _, s := range []string{"010-1234-5678", "a@b.co", "https://u:p@h", "4111111111111111", "900101-1234567", "날씨", "x@y@z.kr", "+82 2 123 4567"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, kinds := pii.MaskAll(s)
		if k := pii.Detect(m); k != "" {
			t.Fatalf("MaskAll(%q) = %q still holds %q", s, m, k)
		}
		if again, more := pii.MaskAll(m); again != m || more != nil {
			t.Fatalf("masking %q twice: %q then %q %v", s, m, again, more)
		}
		if (len(kinds) == 0) != (m == s) || (len(kinds) == 0) != (pii.Detect(s) == "") {
			t.Fatalf("MaskAll(%q) = %q %v, Detect = %q: inconsistent", s, m, kinds, pii.Detect(s))
		}
		if len(kinds) > 0 && !strings.Contains(m, "[") {
			t.Fatalf("masked %q without a mask: %q", s, m)
		}
	})
}

// BenchmarkDetect: the cost per query on the search path, for a typical
// query (fast path) and for one that holds a phone number.
func BenchmarkDetect(b *testing.B) {
	for _, q := range []string{"검색어 1234", "홍길동 010-1234-5678 연락처"} {
		b.Run(q, func(b *testing.B) {
			for range b.N {
				pii.Detect(q)
			}
		})
	}
}
