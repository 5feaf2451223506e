package api

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/searchd/searchd/searchd/engine"
)

// HeaderRequestID carries the request id in and out.
const HeaderRequestID = "X-Request-ID"

const (
	ctxKeyRequestID = "searchd.request_id"
	ctxKeyErrorCode = "searchd.error_code"
	maxRequestIDLen = 128
	requestIDBytes  = 16 // generated ids: 16 random bytes, hex
	unmatchedRoute  = "unmatched"
)

// saneRequestID accepts ids a client or proxy may send: 1 to 128 characters
// of letters, digits and - _ . : (anything else is replaced, so a header
// cannot inject text into logs).
func saneRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLen {
		return false
	}
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.', r == ':':
		default:
			return false
		}
	}
	return true
}

// withRequestID honours a sane X-Request-ID or generates one, and echoes
// it in the response.
func withRequestID(c *gin.Context) {
	id := c.GetHeader(HeaderRequestID)
	if !saneRequestID(id) {
		id = engine.RandomHex(requestIDBytes)
	}
	c.Set(ctxKeyRequestID, id)
	c.Header(HeaderRequestID, id)
	c.Next()
}

func requestID(c *gin.Context) string { return c.GetString(ctxKeyRequestID) }

// routeOf is the route template of the request, never its raw path.
func routeOf(c *gin.Context) string {
	if p := c.FullPath(); p != "" {
		return p
	}
	return unmatchedRoute
}

// accessLog writes one structured line per request: route template,
// status, latency, request id. The query string (user search text) is
// logged only at debug level.
func (s *Server) accessLog(c *gin.Context) {
	start := time.Now()
	w := &deadWriter{ResponseWriter: c.Writer}
	c.Writer = w
	c.Next()
	status := c.Writer.Status()
	level := zapcore.InfoLevel
	if status >= 500 || w.err != nil {
		level = zapcore.WarnLevel
	}
	ce := s.log.Check(level, "request")
	if ce == nil {
		return
	}
	fields := []zap.Field{
		zap.String("request_id", requestID(c)),
		zap.String("method", c.Request.Method),
		zap.String("route", routeOf(c)),
		zap.Int("status", status),
		zap.Duration("latency", time.Since(start)),
		zap.Int("bytes", c.Writer.Size()),
	}
	if code := c.GetString(ctxKeyErrorCode); code != "" {
		fields = append(fields, zap.String("error", code))
	}
	if w.err != nil {
		// The status was never delivered: say so rather than log a 200.
		fields = append(fields, zap.Bool("delivered", false), zap.NamedError("write_error", w.err))
	}
	if s.log.Core().Enabled(zapcore.DebugLevel) {
		fields = append(fields, zap.String("path", c.Request.URL.Path), zap.String("query", c.Request.URL.RawQuery))
	}
	ce.Write(fields...)
}

// recoverPanic turns a panic into a logged 500 with the JSON error body.
func (s *Server) recoverPanic(c *gin.Context) {
	defer func() {
		v := recover()
		if v == nil {
			return
		}
		if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
			panic(v) // the client is gone; let net/http handle it
		}
		s.log.Error("panic serving request",
			zap.String("request_id", requestID(c)),
			zap.String("route", routeOf(c)),
			zap.Any("panic", v),
			zap.Stack("stack"))
		if c.Writer.Written() {
			c.Abort()
			return
		}
		c.AbortWithStatusJSON(http.StatusInternalServerError,
			ErrorBody{Error: engine.Error{Code: engine.Internal, Message: engine.ErrorMessage(errors.New("panic"))}})
	}()
	c.Next()
}

// httpMetrics are the request counter and latency histogram.
type httpMetrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newHTTPMetrics(reg *prometheus.Registry) (*httpMetrics, error) {
	labels := []string{"method", "route", "status"}
	m := &httpMetrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "searchd", Subsystem: "http", Name: "requests_total",
			Help: "HTTP requests by method, route template and status.",
		}, labels),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "searchd", Subsystem: "http", Name: "request_duration_seconds",
			Help:    "HTTP request latency by method, route template and status.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, labels),
	}
	var err error
	if m.requests, err = register(reg, m.requests); err != nil {
		return nil, err
	}
	if m.latency, err = register(reg, m.latency); err != nil {
		return nil, err
	}
	return m, nil
}

// register adds c to reg, or returns the collector already registered
// under the same description (several servers over one registry).
func register[C prometheus.Collector](reg *prometheus.Registry, c C) (C, error) {
	if err := reg.Register(c); err != nil {
		var are prometheus.AlreadyRegisteredError
		if errors.As(err, &are) {
			if existing, ok := are.ExistingCollector.(C); ok {
				return existing, nil
			}
		}
		return c, err
	}
	return c, nil
}

// observe records every request under its route template ("unmatched"
// for unknown paths), so raw paths never become label values.
func (s *Server) observe(c *gin.Context) {
	start := time.Now()
	c.Next()
	method := c.Request.Method
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodDelete,
		http.MethodPatch, http.MethodOptions:
	default:
		method = "other" // arbitrary methods must not grow the label set
	}
	l := prometheus.Labels{"method": method, "route": routeOf(c), "status": strconv.Itoa(c.Writer.Status())}
	s.metrics.requests.With(l).Inc()
	s.metrics.latency.With(l).Observe(time.Since(start).Seconds())
}

// HeaderAdminUser names the admin who acts (audit trail); "admin" when absent.
const HeaderAdminUser = "X-Admin-User"

// maxAdminUserRunes caps the admin name kept in the audit trail.
const maxAdminUserRunes = 64

// adminActor is the audit identity a request names: X-Admin-User, trimmed,
// valid UTF-8 without control characters, at most maxAdminUserRunes; else
// engine.DefaultActor. The value may be percent-encoded UTF-8 (browsers
// cannot send other non-ASCII header values: 김관리 is %EA%B9%80...).
func adminActor(c *gin.Context) string {
	name := strings.TrimSpace(c.GetHeader(HeaderAdminUser))
	if strings.Contains(name, "%") {
		if dec, err := url.PathUnescape(name); err == nil {
			name = strings.TrimSpace(dec)
		}
	}
	if name == "" || !utf8.ValidString(name) || strings.IndexFunc(name, unicode.IsControl) >= 0 {
		return engine.DefaultActor
	}
	if r := []rune(name); len(r) > maxAdminUserRunes {
		name = string(r[:maxAdminUserRunes])
	}
	return name
}
