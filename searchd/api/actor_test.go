package api

import (
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/searchd/searchd/searchd/engine"
)

// TestAdminActorDecodesPercentEncoding: the console sends a Korean name
// percent-encoded, since browsers cannot put it in a header as is.
func TestAdminActorDecodesPercentEncoding(t *testing.T) {
	for _, tc := range []struct{ header, want string }{
		{"%EA%B9%80%EA%B4%80%EB%A6%AC", "김관리"},
		{"kim", "kim"},
		{"100% sure", "100% sure"},       // not an escape: kept as sent
		{"%00evil", engine.DefaultActor}, // a control character after decoding
		{"", engine.DefaultActor},
	} {
		c, _ := gin.CreateTestContext(httptest.NewRecorder())
		c.Request = httptest.NewRequest("GET", "/", nil)
		c.Request.Header.Set(HeaderAdminUser, tc.header)
		if got := adminActor(c); got != tc.want {
			t.Errorf("X-Admin-User %q = %q, want %q", tc.header, got, tc.want)
		}
	}
}
