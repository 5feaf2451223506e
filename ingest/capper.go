package ingest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"hash"
	"maps"
	"math"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/searchd/searchd/ingest/pii"
	"github.com/searchd/searchd/searchd/engine"
)

// MinSaltLen is the shortest accepted HMAC salt.
const MinSaltLen = 16

// MaxContextJSONBytes bounds a raw context (query parameter ctx or header
// X-Search-Context) before it is even parsed.
const MaxContextJSONBytes = 4096

// eventIDBytes: an event without a valid id gets 16 random bytes, hex.
const eventIDBytes = 16

// IP modes of CapperConfig.IPMode.
const (
	IPTruncate = "truncate" // keep the /24 (IPv4) or /48 (IPv6) network
	IPHash     = "hash"     // keep an HMAC of the address instead
)

// CapperConfig configures a Capper.
type CapperConfig struct {
	// Salt is the secret HMAC-SHA256 key for session and user ids (and
	// addresses in IPHash mode); at least MinSaltLen bytes. Keep it stable:
	// a new salt makes new hashes, so one user looks like two.
	Salt []byte
	// IPMode is IPTruncate (default) or IPHash.
	IPMode string
	// Now is the clock for events without a time; time.Now when nil.
	Now func() time.Time
}

// Capper reduces search events to the fixed LogEvent schema. It is safe for
// concurrent use and does no I/O.
type Capper struct {
	cfg     CapperConfig
	metrics *Metrics
	hashers sync.Pool
}

// NewCapper validates cfg and returns a Capper counting what it cuts in m
// (nil m counts nothing).
func NewCapper(cfg CapperConfig, m *Metrics) (*Capper, error) {
	if len(cfg.Salt) < MinSaltLen {
		return nil, engine.Errorf(engine.Invalid, "ingest: the hashing salt must be at least %d bytes", MinSaltLen)
	}
	switch cfg.IPMode {
	case "":
		cfg.IPMode = IPTruncate
	case IPTruncate, IPHash:
	default:
		return nil, engine.Errorf(engine.Invalid, "ingest: ip mode %q is not %q or %q", cfg.IPMode, IPTruncate, IPHash)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	salt := append([]byte(nil), cfg.Salt...)
	c := &Capper{cfg: cfg, metrics: m}
	c.hashers.New = func() any { return &hasher{mac: hmac.New(sha256.New, salt), buf: make([]byte, 0, 256)} }
	return c, nil
}

// Cap returns the log event for ev. Everything is bounded: see the Max*
// limits. What was cut is counted in searchd_ingest_capped_total.
func (c *Capper) Cap(ev engine.SearchEvent) LogEvent {
	now := c.cfg.Now()
	out := LogEvent{
		ID:         c.eventID(ev.ID),
		Timestamp:  c.timestamp(ev.Time, now),
		Query:      c.queryText("query", ev.Query),
		Normalized: c.queryText("normalized", ev.Normalized),
		Canonical:  c.queryText("canonical", ev.Canonical),
		Corrected:  c.queryText("corrected", ev.Corrected),
		Total:      c.nonNegative("total", ev.Total, math.MaxInt64),
		TookMillis: c.took(ev.TookMillis),
		Page:       c.nonNegative("page", int64(ev.Page), MaxPageOrSize),
		Size:       c.nonNegative("size", int64(ev.Size), MaxPageOrSize),
		Sort:       c.str("sort", ev.Sort, MaxShortLen),
		Match:      c.str("match", ev.Match, MaxShortLen),
		Filters:    c.filters(ev.Filters),
		UAFamily:   UserAgentFamily(ev.UserAgent),
	}
	out.ZeroResult = out.Total == 0
	out.QueryKey = QueryKey(out.Query)
	out.SessionHash = c.hashID("session_id", "session", ev.SessionID)
	out.UserHash = c.hashID("user_id", "user", ev.UserID)
	out.ClientNet = c.clientNet(ev.ClientIP)
	if len(ev.UserAgent) > MaxUserAgentBytes {
		c.metrics.capOne("user_agent", ReasonTruncated)
	}
	out.Context, out.ContextKV = c.context(ev.Context)
	return out
}

// queryText caps one of the query's text fields with personal data
// masked (pii.MaskAll: phone numbers, e-mail addresses, resident
// registration numbers, card numbers, URL credentials), each kind found
// counted as reason personal_data_<kind>. Masking happens before
// truncation, so a datum cut in half is still masked.
func (c *Capper) queryText(field, s string) string {
	s, kinds := pii.MaskAll(s)
	for _, k := range kinds {
		c.metrics.capOne(field, k.Reason())
	}
	return c.str(field, s, MaxQueryTextLen)
}

// QueryKey is how analytics groups queries: lower-cased, runs of white
// space collapsed to one space, trimmed.
func QueryKey(q string) string {
	if isQueryKey(q) {
		return q
	}
	return strings.ToLower(strings.Join(strings.Fields(q), " "))
}

// isQueryKey reports whether q is already its own key (the common case:
// lower case, single inner spaces, no other white space).
func isQueryKey(q string) bool {
	prevSpace := true // a leading space is not allowed
	for _, r := range q {
		switch {
		case r == ' ':
			if prevSpace {
				return false
			}
			prevSpace = true
			continue
		case r == utf8.RuneError, unicode.IsSpace(r), unicode.ToLower(r) != r:
			return false
		}
		prevSpace = false
	}
	return !prevSpace || q == ""
}

// ParseContext parses a client context given as a JSON object (the ctx
// query parameter or the X-Search-Context header) for SearchEvent.Context.
// Malformed or oversized input yields nil and is counted; Cap does the rest.
func (c *Capper) ParseContext(raw string) map[string]any {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil
	}
	var m map[string]any
	if len(raw) > MaxContextJSONBytes || json.Unmarshal([]byte(raw), &m) != nil {
		c.metrics.capOne("context", ReasonUnparseableJSON)
		return nil
	}
	return m
}

func (c *Capper) eventID(id string) string {
	if id == "" {
		c.metrics.capOne("event_id", ReasonGenerated)
		return engine.RandomHex(eventIDBytes)
	}
	if !validEventID(id) {
		c.metrics.capOne("event_id", ReasonInvalid)
		return engine.RandomHex(eventIDBytes)
	}
	return id
}

func validEventID(id string) bool {
	if len(id) == 0 || len(id) > MaxEventIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		b := id[i]
		if !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '-' || b == '_') {
			return false
		}
	}
	return true
}

// earliest is the oldest timestamp accepted; older ones are replaced.
var earliest = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

func (c *Capper) timestamp(t, now time.Time) time.Time {
	switch {
	case t.IsZero():
		c.metrics.capOne("timestamp", ReasonGenerated)
		t = now
	case t.Before(earliest) || t.After(now.Add(24*time.Hour)):
		c.metrics.capOne("timestamp", ReasonOutOfRange)
		t = now
	}
	return t.UTC().Truncate(time.Millisecond)
}

// str makes s valid UTF-8 and at most max characters.
func (c *Capper) str(field, s string, max int) string {
	if !utf8.ValidString(s) {
		c.metrics.capOne(field, ReasonInvalidUTF8)
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if t, cut := truncateRunes(s, max); cut {
		c.metrics.capOne(field, ReasonTruncated)
		return t
	}
	return s
}

// truncateRunes cuts s to at most max runes on a rune boundary.
func truncateRunes(s string, max int) (string, bool) {
	if len(s) <= max { // bytes bound runes
		return s, false
	}
	n := 0
	for i := range s {
		if n == max {
			return s[:i], true
		}
		n++
	}
	return s, false
}

func (c *Capper) nonNegative(field string, v, max int64) int64 {
	switch {
	case v < 0:
		c.metrics.capOne(field, ReasonOutOfRange)
		return 0
	case v > max:
		c.metrics.capOne(field, ReasonOutOfRange)
		return max
	}
	return v
}

func (c *Capper) took(ms float64) float64 {
	if math.IsNaN(ms) || math.IsInf(ms, 0) || ms < 0 || ms > 1e9 {
		c.metrics.capOne("took_ms", ReasonOutOfRange)
		return 0
	}
	return ms
}

func (c *Capper) filters(f map[string][]string) []string {
	if len(f) == 0 {
		return nil
	}
	var out []string
	for _, k := range slices.Sorted(maps.Keys(f)) {
		if !validKey(k) {
			c.metrics.capN("filters", ReasonKeyInvalid, len(f[k]))
			continue
		}
		for _, v := range f[k] {
			if len(out) == MaxFilters {
				c.metrics.capOne("filters", ReasonLimit)
				continue
			}
			out = append(out, c.str("filters", k+"="+v, MaxFilterLen))
		}
	}
	return out
}

// validKey reports whether k matches ^[a-z][a-z0-9_]{0,31}$.
func validKey(k string) bool {
	if len(k) == 0 || len(k) > MaxContextKeyLen || k[0] < 'a' || k[0] > 'z' {
		return false
	}
	for i := 1; i < len(k); i++ {
		b := k[i]
		if !(b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == '_') {
			return false
		}
	}
	return true
}

func (c *Capper) hashID(field, domain, id string) string {
	if id == "" {
		return ""
	}
	if len(id) > 1024 {
		c.metrics.capOne(field, ReasonTruncated)
		id = id[:1024]
	}
	return c.hmacHex(domain, id)
}

// hasher is a keyed HMAC with a scratch buffer, pooled: hashing allocates
// only the hex result.
type hasher struct {
	mac hash.Hash
	buf []byte
	sum [sha256.Size]byte
}

// hmacHex is HMAC-SHA256(salt, domain ":" value), truncated to HashHexLen.
func (c *Capper) hmacHex(domain, value string) string {
	h := c.hashers.Get().(*hasher)
	h.mac.Reset()
	h.buf = append(append(append(h.buf[:0], domain...), ':'), value...)
	h.mac.Write(h.buf)
	sum := h.mac.Sum(h.sum[:0])
	out := hex.EncodeToString(sum[:HashHexLen/2])
	if cap(h.buf) <= 4096 {
		c.hashers.Put(h)
	}
	return out
}

func (c *Capper) clientNet(ip string) string {
	if ip == "" {
		return ""
	}
	addr, err := netip.ParseAddr(strings.TrimSpace(ip))
	if err != nil {
		ap, err2 := netip.ParseAddrPort(strings.TrimSpace(ip))
		if err2 != nil {
			c.metrics.capOne("client_ip", ReasonInvalid)
			return ""
		}
		addr = ap.Addr()
	}
	addr = addr.WithZone("").Unmap()
	if c.cfg.IPMode == IPHash {
		return c.hmacHex("ip", addr.String())
	}
	bits := 48
	if addr.Is4() {
		bits = 24
	}
	p, _ := addr.Prefix(bits) // cannot fail: bits fits both families
	return p.String()
}

// errNotScalar marks context values that are objects, arrays or null.
var errNotScalar = errors.New("not a scalar")

// context caps the client context: keys sorted, invalid keys and
// non-scalar values dropped, at most MaxContextKeys kept, string values cut
// to MaxContextValLen. Numbers become float64 (JSON numbers).
func (c *Capper) context(in map[string]any) (map[string]any, []string) {
	if len(in) == 0 {
		return nil, nil
	}
	out := make(map[string]any, min(len(in), MaxContextKeys))
	kv := make([]string, 0, min(len(in), MaxContextKeys))
	for _, k := range slices.Sorted(maps.Keys(in)) {
		if !validKey(k) {
			c.metrics.capOne("context", ReasonKeyInvalid)
			continue
		}
		v, s, err := scalar(in[k])
		if err != nil {
			if err == errNotScalar {
				c.metrics.capOne("context", ReasonValueNotScalar)
			} else {
				c.metrics.capOne("context", ReasonValueNotFinite)
			}
			continue
		}
		if len(out) == MaxContextKeys {
			c.metrics.capOne("context", ReasonLimit)
			continue
		}
		if str, ok := v.(string); ok {
			str = c.str("context", str, MaxContextValLen)
			v, s = str, str
		}
		out[k] = v
		kv = append(kv, k+"="+s)
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, kv
}

var errNotFinite = errors.New("not finite")

// scalar returns v as a JSON scalar (string, bool or float64) and its
// string form.
func scalar(v any) (any, string, error) {
	var f float64
	switch x := v.(type) {
	case string:
		return x, x, nil
	case bool:
		return x, strconv.FormatBool(x), nil
	case float64:
		f = x
	case float32:
		f = float64(x)
	case int:
		f = float64(x)
	case int32:
		f = float64(x)
	case int64:
		f = float64(x)
	case uint:
		f = float64(x)
	case uint32:
		f = float64(x)
	case uint64:
		f = float64(x)
	case json.Number:
		p, err := x.Float64()
		if err != nil {
			return nil, "", errNotFinite
		}
		f = p
	default:
		return nil, "", errNotScalar
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, "", errNotFinite
	}
	return f, strconv.FormatFloat(f, 'g', -1, 64), nil
}
