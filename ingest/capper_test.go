package ingest_test

import (
	"encoding/json"
	"math"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/searchd/searchd/ingest"
	"github.com/searchd/searchd/ingest/ingesttest"
	"github.com/searchd/searchd/searchd/engine"
)

var testSalt = []byte("0123456789abcdef-test-salt")

func newCapper(tb testing.TB, mode string) (*ingest.Capper, *ingest.Metrics, *prometheus.Registry) {
	tb.Helper()
	return ingesttest.NewCapper(tb, ingest.CapperConfig{Salt: testSalt, IPMode: mode})
}

// capped reads searchd_ingest_capped_total{field, reason}.
func capped(tb testing.TB, reg *prometheus.Registry, field, reason string) int {
	tb.Helper()
	return int(ingesttest.Counter(tb, reg, "searchd_ingest_capped_total", map[string]string{"field": field, "reason": reason}))
}

func TestNewCapperRejectsShortSalt(t *testing.T) {
	_, err := ingest.NewCapper(ingest.CapperConfig{Salt: []byte("short")}, nil)
	if engine.ErrorCode(err) != engine.Invalid {
		t.Fatalf("err = %v, want invalid_argument", err)
	}
	_, err = ingest.NewCapper(ingest.CapperConfig{Salt: testSalt, IPMode: "raw"}, nil)
	if engine.ErrorCode(err) != engine.Invalid {
		t.Fatalf("ip mode raw: err = %v, want invalid_argument", err)
	}
}

func TestCapKeepsKnownFields(t *testing.T) {
	c, _, _ := newCapper(t, "")
	at := time.Date(2026, 11, 20, 10, 30, 0, 123456789, time.FixedZone("KST", 9*3600))
	ev := engine.SearchEvent{
		ID: "ev-1", Time: at, Query: "  삼성  전자 ", Normalized: "삼성 전자", Canonical: "삼성전자",
		Total: 0, TookMillis: 3.5, Page: 2, Size: 10, Sort: "recent", Match: "any", Corrected: "삼성",
		Filters:   map[string][]string{"tag": {"b", "a"}, "category": {"meetup"}},
		SessionID: "sess-123", UserID: "user-9", ClientIP: "203.0.113.77",
		UserAgent: "Mozilla/5.0 (Linux; Android 14; SM-S918N) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0 Mobile Safari/537.36",
		Context:   map[string]any{"platform": "android", "screen_w": 412, "beta": true},
	}
	got := c.Cap(ev)
	want := ingest.LogEvent{
		ID: "ev-1", Timestamp: time.Date(2026, 11, 20, 1, 30, 0, 123000000, time.UTC),
		Query: "  삼성  전자 ", QueryKey: "삼성 전자", Normalized: "삼성 전자", Canonical: "삼성전자",
		Total: 0, ZeroResult: true, TookMillis: 3.5, Page: 2, Size: 10, Sort: "recent", Match: "any", Corrected: "삼성",
		Filters:   []string{"category=meetup", "tag=b", "tag=a"},
		ClientNet: "203.0.113.0/24", UAFamily: ingest.UASamsung,
		Context:   map[string]any{"platform": "android", "screen_w": float64(412), "beta": true},
		ContextKV: []string{"beta=true", "platform=android", "screen_w=412"},
	}
	// Hashes: stable, salted, not the raw ids.
	if len(got.SessionHash) != ingest.HashHexLen || strings.Contains(got.SessionHash, "sess") {
		t.Fatalf("session hash %q", got.SessionHash)
	}
	if again := c.Cap(ev); again.SessionHash != got.SessionHash || again.UserHash != got.UserHash {
		t.Fatal("hashes are not stable")
	}
	if got.SessionHash == got.UserHash {
		t.Fatal("session and user hashes share a domain")
	}
	other, _ := ingest.NewCapper(ingest.CapperConfig{Salt: []byte("another-salt-0123456789")}, nil)
	if other.Cap(ev).SessionHash == got.SessionHash {
		t.Fatal("the hash does not depend on the salt")
	}
	want.SessionHash, want.UserHash = got.SessionHash, got.UserHash
	gb, _ := json.Marshal(got)
	wb, _ := json.Marshal(want)
	if string(gb) != string(wb) {
		t.Fatalf("got  %s\nwant %s", gb, wb)
	}
}

func TestCapClientAddress(t *testing.T) {
	tests := []struct{ name, ip, want string }{
		{"ipv4", "198.51.100.200", "198.51.100.0/24"},
		{"ipv4 with port", "198.51.100.200:5123", "198.51.100.0/24"},
		{"ipv4-mapped ipv6", "::ffff:198.51.100.200", "198.51.100.0/24"},
		{"ipv6", "2001:db8:abcd:12:1:2:3:4", "2001:db8:abcd::/48"},
		{"invalid", "not an ip", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _, reg := newCapper(t, "")
			if got := c.Cap(engine.SearchEvent{ID: "x", ClientIP: tt.ip}).ClientNet; got != tt.want {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			wantInvalid := 0
			if tt.name == "invalid" {
				wantInvalid = 1
			}
			if n := capped(t, reg, "client_ip", ingest.ReasonInvalid); n != wantInvalid {
				t.Fatalf("invalid count %d, want %d", n, wantInvalid)
			}
		})
	}
	t.Run("hash mode", func(t *testing.T) {
		c, _, _ := newCapper(t, ingest.IPHash)
		got := c.Cap(engine.SearchEvent{ClientIP: "198.51.100.200"}).ClientNet
		if len(got) != ingest.HashHexLen || strings.Contains(got, "198") {
			t.Fatalf("hashed address %q", got)
		}
	})
}

func TestCapTruncatesAndCounts(t *testing.T) {
	c, _, reg := newCapper(t, "")
	long := strings.Repeat("가", ingest.MaxQueryTextLen+10)
	ev := engine.SearchEvent{
		ID: "has space", Query: long, Normalized: "ok\xff", Total: -1, TookMillis: math.NaN(),
		Page: -3, Size: 1 << 30,
		Context: map[string]any{
			"Bad-Key": "x", "nested": map[string]any{"a": 1}, "list": []any{1},
			"nan": math.Inf(1), "long": strings.Repeat("é", 300),
		},
	}
	got := c.Cap(ev)
	if utf8.RuneCountInString(got.Query) != ingest.MaxQueryTextLen || !strings.HasPrefix(long, got.Query) {
		t.Fatalf("query not cut to %d characters: %d", ingest.MaxQueryTextLen, utf8.RuneCountInString(got.Query))
	}
	if got.Normalized != "ok\uFFFD" {
		t.Fatalf("normalized %q", got.Normalized)
	}
	if got.ID == "has space" || len(got.ID) != 32 {
		t.Fatalf("invalid id kept: %q", got.ID)
	}
	if got.Total != 0 || got.TookMillis != 0 || got.Page != 0 || got.Size != ingest.MaxPageOrSize {
		t.Fatalf("numbers not clamped: %+v", got)
	}
	if len(got.Context) != 1 || utf8.RuneCountInString(got.Context["long"].(string)) != ingest.MaxContextValLen {
		t.Fatalf("context %v", got.Context)
	}
	for _, tc := range []struct {
		field, reason string
		want          int
	}{
		{"query", ingest.ReasonTruncated, 1},
		{"normalized", ingest.ReasonInvalidUTF8, 1},
		{"event_id", ingest.ReasonInvalid, 1},
		{"total", ingest.ReasonOutOfRange, 1},
		{"took_ms", ingest.ReasonOutOfRange, 1},
		{"page", ingest.ReasonOutOfRange, 1},
		{"size", ingest.ReasonOutOfRange, 1},
		{"timestamp", ingest.ReasonGenerated, 1},
		{"context", ingest.ReasonKeyInvalid, 1},
		{"context", ingest.ReasonValueNotScalar, 2},
		{"context", ingest.ReasonValueNotFinite, 1},
		{"context", ingest.ReasonTruncated, 1},
	} {
		if n := capped(t, reg, tc.field, tc.reason); n != tc.want {
			t.Errorf("capped{%s,%s} = %d, want %d", tc.field, tc.reason, n, tc.want)
		}
	}
}

func TestCapContextKeyLimit(t *testing.T) {
	c, _, reg := newCapper(t, "")
	ctx := map[string]any{}
	for i := 0; i < ingest.MaxContextKeys+5; i++ {
		ctx[string(rune('a'+i))+"_k"] = i
	}
	got := c.Cap(engine.SearchEvent{ID: "x", Context: ctx})
	if len(got.Context) != ingest.MaxContextKeys || len(got.ContextKV) != ingest.MaxContextKeys {
		t.Fatalf("kept %d keys", len(got.Context))
	}
	// Keys are taken in sorted order, so the last five are dropped.
	if _, ok := got.Context["a_k"]; !ok {
		t.Fatal("first key dropped")
	}
	if _, ok := got.Context[string(rune('a'+ingest.MaxContextKeys))+"_k"]; ok {
		t.Fatal("key over the limit kept")
	}
	if n := capped(t, reg, "context", ingest.ReasonLimit); n != 5 {
		t.Fatalf("limit drops counted %d, want 5", n)
	}
}

func TestParseContext(t *testing.T) {
	c, _, reg := newCapper(t, "")
	if got := c.ParseContext(`{"platform":"ios","exp":"b"}`); got["platform"] != "ios" || len(got) != 2 {
		t.Fatalf("got %v", got)
	}
	for _, raw := range []string{`{"a":`, `[1,2]`, `"s"`, `{"a":"` + strings.Repeat("x", ingest.MaxContextJSONBytes) + `"}`} {
		if got := c.ParseContext(raw); got != nil {
			t.Fatalf("ParseContext(%.20q) = %v, want nil", raw, got)
		}
	}
	if n := capped(t, reg, "context", ingest.ReasonUnparseableJSON); n != 4 {
		t.Fatalf("unparseable counted %d, want 4", n)
	}
	if c.ParseContext("") != nil || capped(t, reg, "context", ingest.ReasonUnparseableJSON) != 4 {
		t.Fatal("an empty context is not an error")
	}
}

func TestUserAgentFamily(t *testing.T) {
	tests := []struct{ ua, want string }{
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36", ingest.UAChrome},
		{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", ingest.UASafari},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0", ingest.UAFirefox},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.68", ingest.UAEdge},
		{"Mozilla/5.0 (Linux; Android 14; SM-S921N) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36", ingest.UASamsung},
		{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 NAVER(inapp; search; 2000; 12.6.3)", ingest.UANaver},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Whale/3.26.244.21 Safari/537.36", ingest.UANaver},
		{"Mozilla/5.0 (Linux; Android 14; SM-S918N) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0 Mobile Safari/537.36;KAKAOTALK 2410420", ingest.UAKakaoTalk},
		{"Mozilla/5.0 (compatible; Yeti/1.1; +http://naver.me/spd)", ingest.UABot},
		{"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", ingest.UABot},
		{"curl/8.5.0", ingest.UABot},
		{"", ingest.UAOther},
		{"SomethingElse/1.0", ingest.UAOther},
	}
	for _, tt := range tests {
		if got := ingest.UserAgentFamily(tt.ua); got != tt.want {
			t.Errorf("UserAgentFamily(%.60q) = %q, want %q", tt.ua, got, tt.want)
		}
	}
}

var keyPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)

// checkCapped asserts the invariants every capped event satisfies.
func checkCapped(t *testing.T, ev ingest.LogEvent) {
	t.Helper()
	strs := map[string]struct {
		s   string
		max int
	}{
		"query": {ev.Query, ingest.MaxQueryTextLen}, "normalized": {ev.Normalized, ingest.MaxQueryTextLen},
		"canonical": {ev.Canonical, ingest.MaxQueryTextLen}, "corrected": {ev.Corrected, ingest.MaxQueryTextLen},
		"sort": {ev.Sort, ingest.MaxShortLen}, "match": {ev.Match, ingest.MaxShortLen},
	}
	for name, s := range strs {
		if !utf8.ValidString(s.s) || utf8.RuneCountInString(s.s) > s.max {
			t.Fatalf("%s not capped: %q", name, s.s)
		}
	}
	if ev.ID == "" || len(ev.ID) > ingest.MaxEventIDLen || ev.Timestamp.IsZero() {
		t.Fatalf("id/timestamp: %q %v", ev.ID, ev.Timestamp)
	}
	if ev.Total < 0 || ev.Page < 0 || ev.Size < 0 || ev.Page > ingest.MaxPageOrSize || ev.TookMillis < 0 || math.IsNaN(ev.TookMillis) {
		t.Fatalf("numbers: %+v", ev)
	}
	if len(ev.Filters) > ingest.MaxFilters || len(ev.Context) > ingest.MaxContextKeys || len(ev.Context) != len(ev.ContextKV) {
		t.Fatalf("filters/context sizes: %d %d %d", len(ev.Filters), len(ev.Context), len(ev.ContextKV))
	}
	for _, f := range ev.Filters {
		if !utf8.ValidString(f) || utf8.RuneCountInString(f) > ingest.MaxFilterLen {
			t.Fatalf("filter %q", f)
		}
	}
	for k, v := range ev.Context {
		if !keyPattern.MatchString(k) {
			t.Fatalf("context key %q", k)
		}
		switch x := v.(type) {
		case string:
			if !utf8.ValidString(x) || utf8.RuneCountInString(x) > ingest.MaxContextValLen {
				t.Fatalf("context value %q", x)
			}
		case bool:
		case float64:
			if math.IsNaN(x) || math.IsInf(x, 0) {
				t.Fatalf("context value %v", x)
			}
		default:
			t.Fatalf("context value %T", v)
		}
	}
	// The event survives the queue's JSON encoding unchanged.
	b, err := ingest.EncodeEvent(ev)
	if err != nil {
		t.Fatal(err)
	}
	m := ingest.DecodeMessage("1", b)
	if m.Err != nil {
		t.Fatal(m.Err)
	}
	b2, _ := ingest.EncodeEvent(m.Event)
	if string(b) != string(b2) {
		t.Fatalf("round trip changed the event:\n%s\n%s", b, b2)
	}
}

func FuzzCap(f *testing.F) {
	f.Add("ev1", "삼성 전자", "sess", "user", "203.0.113.9", "Mozilla/5.0 Chrome/1", `{"platform":"ios"}`, int64(3), 1, 10)
	f.Add("", "\xff\xfe", "", "", "::1", "", `{"A":1,"b":[1],"c":{"d":1},"e":null}`, int64(-1), -1, 1<<30)
	c, _, _ := newCapper(f, "")
	f.Fuzz(func(t *testing.T, id, query, session, user, ip, ua, ctxJSON string, total int64, page, size int) {
		ev := engine.SearchEvent{
			ID: id, Query: query, Normalized: query, Canonical: query, Corrected: query, Total: total,
			Page: page, Size: size, Sort: query, Match: query, SessionID: session, UserID: user,
			ClientIP: ip, UserAgent: ua, Context: c.ParseContext(ctxJSON),
			Filters: map[string][]string{"tag": {query}, query: {query}},
		}
		got := c.Cap(ev)
		checkCapped(t, got)
		if err := ingest.Validate(got); err != nil {
			t.Fatalf("a capped event does not validate: %v", err)
		}
		if session != "" && strings.Contains(got.SessionHash, session) && len(session) > 3 {
			t.Fatalf("raw session id stored")
		}
		if ip != "" && got.ClientNet != "" && !strings.Contains(got.ClientNet, "/") {
			t.Fatalf("client address not truncated: %q", got.ClientNet)
		}
	})
}

func TestQueryKey(t *testing.T) {
	for in, want := range map[string]string{
		"삼성전자":          "삼성전자",
		"삼성 전자":         "삼성 전자",
		"  삼성   전자 ":    "삼성 전자",
		"iPhone 15":     "iphone 15",
		"a\tb":          "a b",
		"":              "",
		" ":             "",
		"ÄBC":           "äbc",
		"already lower": "already lower",
	} {
		if got := ingest.QueryKey(in); got != want {
			t.Errorf("QueryKey(%q) = %q, want %q", in, got, want)
		}
	}
}
