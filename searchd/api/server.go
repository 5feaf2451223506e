// Package api is searchd's HTTP API: a gin router over the search service
// and the engine, with request ids, access logs, panic recovery, Prometheus
// metrics by route template, an admin-token guard and JSON errors. The
// server is built by NewServer from explicit dependencies; routes.go lists
// every route.
package api

import (
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/searchd/searchd/ingest"
	"github.com/searchd/searchd/searchd/dictionary"
	"github.com/searchd/searchd/searchd/engine"
	"github.com/searchd/searchd/searchd/search"
)

// Default limits (see Limits).
const (
	DefaultMaxBodyBytes    = 10 << 20 // 10 MiB
	DefaultMaxBulkItems    = 5000
	DefaultMaxAnalyzeChars = 10_000
	DefaultMaxContextBytes = ingest.MaxContextJSONBytes
)

// Limits bound what one request may ask for. Zero fields take defaults.
type Limits struct {
	// MaxBodyBytes caps every request body (413 too_large beyond it).
	MaxBodyBytes int64
	// MaxBulkItems caps the documents of one bulk request (413 beyond it).
	MaxBulkItems int
	// MaxAnalyzeChars caps the text of an analyze request (400 beyond it).
	MaxAnalyzeChars int
	// MaxContextBytes caps the raw search context JSON (400 beyond it).
	MaxContextBytes int
	// MaxConcurrentBulk bulk requests run at once; more get 429 with
	// Retry-After at once, never a queue.
	MaxConcurrentBulk int
}

// WithDefaults returns l with zero fields set to the defaults.
func (l Limits) WithDefaults() Limits {
	if l.MaxBodyBytes == 0 {
		l.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if l.MaxBulkItems == 0 {
		l.MaxBulkItems = DefaultMaxBulkItems
	}
	if l.MaxAnalyzeChars == 0 {
		l.MaxAnalyzeChars = DefaultMaxAnalyzeChars
	}
	if l.MaxContextBytes == 0 {
		l.MaxContextBytes = DefaultMaxContextBytes
	}
	if l.MaxConcurrentBulk == 0 {
		l.MaxConcurrentBulk = DefaultMaxConcurrentBulk
	}
	return l
}

// Validate reports negative limits.
func (l Limits) Validate() error {
	if l.MaxBodyBytes < 0 || l.MaxBulkItems < 0 || l.MaxAnalyzeChars < 0 || l.MaxContextBytes < 0 || l.MaxConcurrentBulk < 0 {
		return errors.New("limits may not be negative")
	}
	return nil
}

// Route is an extra route mounted by another package (trending, admin
// tools) without touching this one. Path uses gin syntax (/x/:id).
type Route struct {
	Method string
	Path   string
	// Admin routes must live under /api/v1/admin/ and get the token guard.
	Admin   bool
	Handler http.Handler
}

// Deps are what the server is built from.
type Deps struct {
	// Service is the search service; the documents and admin routes use
	// its engine.
	Service *search.Service
	Logger  *zap.Logger
	// Registry receives the HTTP metrics and is what /metrics serves. Nil
	// means a private registry.
	Registry *prometheus.Registry
	// AdminToken guards /api/v1/admin/*; empty disables the admin API
	// (every admin request gets 503 unavailable).
	AdminToken string
	// WriteToken (or the admin token) is required for document writes;
	// empty leaves writes open (development mode). See auth.go.
	WriteToken string
	// TrustedProxies are the proxy addresses or CIDRs whose
	// X-Forwarded-For / X-Real-IP headers are believed for the client IP.
	// Empty trusts no proxy: the client IP is the connection's address.
	TrustedProxies []string
	Limits         Limits
	// Trending serves /api/v1/trending and the trending admin routes; nil
	// answers 503. TrendingMaxAge is the Cache-Control max-age of the
	// public route (the snapshot interval).
	Trending       Trending
	TrendingMaxAge time.Duration
	// Analytics serves the search-analytics admin routes; nil answers 503.
	Analytics Analytics
	// RequestTimeout is every request's deadline (DefaultRequestTimeout);
	// keep it below the http.Server's WriteTimeout so a request that runs
	// out of time is still answered (504 timeout). SearchTimeout bounds each
	// search and autocomplete (DefaultSearchTimeout; 504 engine_timeout).
	RequestTimeout time.Duration
	SearchTimeout  time.Duration
	// Components report their health to /healthz?verbose=1 and the
	// searchd_component_status gauges (the engine is built in).
	Components []engine.StatusReporter
	// Dictionaries serves the dictionary and job admin routes, Audit
	// GET /api/v1/admin/audit; nil answers 503.
	Dictionaries *dictionary.Service
	Audit        dictionary.AuditLog
	// Extra routes, mounted after the built-in ones.
	Extra []Route
}

// Server is the HTTP API. It is an http.Handler.
type Server struct {
	svc      *search.Service
	eng      engine.Engine
	log      *zap.Logger
	registry *prometheus.Registry
	limits   Limits
	metrics  *httpMetrics
	router   *gin.Engine
	ready    atomic.Bool

	trend          Trending
	trendingMaxAge time.Duration
	analytics      Analytics
	dicts          *dictionary.Service
	auditLog       dictionary.AuditLog
	now            func() time.Time

	// Access control, deadlines and bulk slots (auth.go, deadline.go,
	// bulkwrite.go).
	auth                          *auth
	adminGuard, writeGuard        gin.HandlerFunc
	requestTimeout, searchTimeout time.Duration
	bulk                          bulkSlots
	components                    []engine.StatusReporter
}

// NewServer builds the API over its dependencies. The server starts ready
// (readiness still requires engine.Ready); see SetReady.
func NewServer(d Deps) (*Server, error) {
	if d.Service == nil || d.Service.Engine() == nil {
		return nil, errors.New("api: a Service over an engine is required")
	}
	if err := d.Limits.Validate(); err != nil {
		return nil, fmt.Errorf("api: %w", err)
	}
	if d.Logger == nil {
		d.Logger = zap.NewNop()
	}
	if d.Registry == nil {
		d.Registry = prometheus.NewRegistry()
	}
	m, err := newHTTPMetrics(d.Registry)
	if err != nil {
		return nil, fmt.Errorf("api: metrics: %w", err)
	}
	s := &Server{
		svc:      d.Service,
		eng:      d.Service.Engine(),
		log:      d.Logger.With(zap.String("component", "api")),
		registry: d.Registry,
		limits:   d.Limits.WithDefaults(),
		metrics:  m,
		now:      time.Now,

		trend:          d.Trending,
		trendingMaxAge: d.TrendingMaxAge,
		analytics:      d.Analytics,
		dicts:          d.Dictionaries,
		auditLog:       d.Audit,
	}
	if err := s.setupSafety(d); err != nil {
		return nil, err
	}
	s.ready.Store(true)

	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.RemoveExtraSlash = false
	r.RedirectTrailingSlash = false
	if err := r.SetTrustedProxies(d.TrustedProxies); err != nil {
		return nil, fmt.Errorf("api: trusted proxies: %w", err)
	}
	if err := s.routes(r, d.Extra); err != nil {
		return nil, err
	}
	s.router = r
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.router.ServeHTTP(w, r) }

// SetReady opens or closes the readiness gate: /readyz answers 503 while
// it is closed (during startup work and from the start of shutdown).
func (s *Server) SetReady(ok bool) { s.ready.Store(ok) }

// Routes lists the registered routes as "METHOD path" (for docs and tests).
func (s *Server) Routes() []string {
	var out []string
	for _, r := range s.router.Routes() {
		out = append(out, r.Method+" "+r.Path)
	}
	return out
}
