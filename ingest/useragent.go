package ingest

import "bytes"

// User-agent families stored in LogEvent.UAFamily.
const (
	UABot            = "bot"
	UAKakaoTalk      = "kakaotalk"
	UANaver          = "naver"
	UASamsung        = "samsung_internet"
	UAEdge           = "edge"
	UAFirefox        = "firefox"
	UAChrome         = "chrome"
	UASafari         = "safari"
	UAOther          = "other"
	uaScanLimitBytes = MaxUserAgentBytes
)

// uaRules are checked in order against the lower-cased user agent; the
// first rule with a matching marker names the family. Order matters: in-app
// browsers and Chromium derivatives also say "chrome" and "safari".
var uaRules = []struct {
	family  string
	markers []string
}{
	{UABot, []string{"bot", "crawler", "spider", "slurp", "yeti", "daum", "curl/", "wget/", "python-requests", "go-http-client", "headless"}},
	{UAKakaoTalk, []string{"kakaotalk"}},
	{UANaver, []string{"naver(inapp", "naver/", "whale/"}},
	{UASamsung, []string{"samsungbrowser/"}},
	{UAEdge, []string{"edg/", "edga/", "edgios/", "edge/"}},
	{UAFirefox, []string{"firefox/", "fxios/"}},
	{UAChrome, []string{"chrome/", "crios/", "chromium/"}},
	{UASafari, []string{"safari/"}},
}

// UserAgentFamily classifies a User-Agent header into a small fixed set of
// families; the header itself is never stored.
func UserAgentFamily(ua string) string {
	// Markers are ASCII: lower-case ASCII letters into a stack buffer
	// instead of allocating with strings.ToLower.
	var buf [uaScanLimitBytes]byte
	n := copy(buf[:], ua)
	for i, c := range buf[:n] {
		if c >= 'A' && c <= 'Z' {
			buf[i] = c + ('a' - 'A')
		}
	}
	lower := buf[:n]
	for _, r := range uaRules {
		for _, m := range r.markers {
			if bytes.Contains(lower, []byte(m)) {
				return r.family
			}
		}
	}
	return UAOther
}
