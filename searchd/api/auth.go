package api

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"math"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/searchd/searchd/searchd/engine"
)

// Scope is what a route requires of the token a request presents.
type Scope int

const (
	// ScopePublic routes need no token: search, autocomplete, trending,
	// analyze, the pages, health and metrics.
	ScopePublic Scope = iota
	// ScopeWrite routes change documents: the write token or the admin
	// token. Open when no write token is configured (development).
	ScopeWrite
	// ScopeAdmin routes need the admin token.
	ScopeAdmin
)

func (s Scope) String() string {
	switch s {
	case ScopeWrite:
		return "write"
	case ScopeAdmin:
		return "admin"
	}
	return "public"
}

// MinTokenBytes is the shortest admin or write token accepted.
const MinTokenBytes = 16

// CheckToken reports why a configured token is unusable: shorter than
// MinTokenBytes or containing whitespace (a token with a space can never be
// sent in an Authorization header intact). Empty is not checked here.
func CheckToken(flagName, envName, tok string) error {
	switch {
	case strings.IndexFunc(tok, unicode.IsSpace) >= 0:
		return fmt.Errorf("%s (%s) contains whitespace; use a random string such as the output of `openssl rand -hex 32`", flagName, envName)
	case len(tok) < MinTokenBytes:
		return fmt.Errorf("%s (%s) is %d bytes long; it must be at least %d bytes (e.g. `openssl rand -hex 32`)", flagName, envName, len(tok), MinTokenBytes)
	}
	return nil
}

// Failed-authentication limit per client address.
const (
	authFailLimit  = 10
	authFailWindow = time.Minute
	// authMaxClients bounds the limiter's memory; beyond it expired entries
	// are swept and, if still full, an arbitrary one is dropped.
	authMaxClients = 50_000
)

// HeaderAdminToken is the alternative to "Authorization: Bearer <token>".
const HeaderAdminToken = "X-Admin-Token"

// auth holds the configured tokens (as SHA-256 digests, so the compare
// takes the same time whatever the presented token's length), the
// failed-authentication limiter and its metrics.
type auth struct {
	admin, write       [sha256.Size]byte
	hasAdmin, hasWrite bool
	limiter            failLimiter
	failures           *prometheus.CounterVec
}

func newAuth(adminToken, writeToken string, reg *prometheus.Registry) (*auth, error) {
	a := &auth{
		admin: sha256.Sum256([]byte(adminToken)), hasAdmin: adminToken != "",
		write: sha256.Sum256([]byte(writeToken)), hasWrite: writeToken != "",
		limiter: failLimiter{clients: map[string]*failWindow{}},
	}
	var err error
	a.failures, err = register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "searchd", Subsystem: "auth", Name: "failures_total",
		Help: "Requests refused by the token guard, by the scope the route needs and why (wrong_token, rate_limited).",
	}, []string{"scope", "reason"}))
	return a, err
}

// scopeOf is the one token compare: which scope the presented token
// grants. Both digests are always compared, in constant time.
func (a *auth) scopeOf(tok string) Scope {
	if tok == "" {
		return ScopePublic
	}
	have := sha256.Sum256([]byte(tok))
	isAdmin := subtle.ConstantTimeCompare(a.admin[:], have[:]) & b2i(a.hasAdmin)
	isWrite := subtle.ConstantTimeCompare(a.write[:], have[:]) & b2i(a.hasWrite)
	switch {
	case isAdmin == 1:
		return ScopeAdmin
	case isWrite == 1:
		return ScopeWrite
	}
	return ScopePublic
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// presentedToken is the token of "Authorization: Bearer <token>" or, for
// admin clients written before, X-Admin-Token.
func presentedToken(c *gin.Context) string {
	if auth := c.GetHeader("Authorization"); auth != "" {
		scheme, tok, ok := strings.Cut(auth, " ")
		if ok && strings.EqualFold(scheme, "Bearer") {
			return strings.TrimSpace(tok)
		}
	}
	return strings.TrimSpace(c.GetHeader(HeaderAdminToken))
}

// guard is the one middleware for every non-public route: it refuses
// clients over the failed-authentication limit (429 with Retry-After, even
// with the right token), then requires a token granting need. Writes are
// open while no write token is configured (development mode); the admin
// API is disabled (503) while no admin token is.
func (s *Server) guard(need Scope) gin.HandlerFunc {
	return func(c *gin.Context) {
		a := s.auth
		switch {
		case need == ScopeAdmin && !a.hasAdmin:
			s.fail(c, engine.Errorf(engine.Unavailable, "the admin API is disabled: no admin token is configured (set -admin-token or SEARCHD_ADMIN_TOKEN)"))
			return
		case need == ScopeWrite && !a.hasWrite:
			c.Next() // development: writes are open (logged at start)
			return
		}
		client := clientKey(c.ClientIP())
		if wait := a.limiter.blocked(client, s.now()); wait > 0 {
			a.failures.WithLabelValues(need.String(), "rate_limited").Inc()
			c.Header("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
			s.fail(c, engine.Errorf(engine.TooManyRequests, "too many failed authentication attempts from this address; retry after %d seconds", int(math.Ceil(wait.Seconds()))))
			return
		}
		tok := presentedToken(c)
		got := a.scopeOf(tok)
		if got < need {
			if tok != "" && got == ScopePublic {
				n := a.limiter.fail(client, s.now())
				a.failures.WithLabelValues(need.String(), "wrong_token").Inc()
				// Never the presented token: only where it came from.
				s.log.Warn("authentication failed", zap.String("request_id", requestID(c)),
					zap.String("client", client), zap.String("route", routeOf(c)),
					zap.String("scope", need.String()), zap.Int("failures_in_window", n))
			}
			c.Header("WWW-Authenticate", `Bearer realm="searchd `+need.String()+`"`)
			what := "the admin token"
			if need == ScopeWrite {
				what = "the write token (or the admin token)"
			}
			s.fail(c, engine.Errorf(engine.Unauthorized, "this route needs %s: Authorization: Bearer <token>", what))
			return
		}
		if got == ScopeAdmin {
			c.Request = c.Request.WithContext(engine.WithActor(c.Request.Context(), adminActor(c)))
		}
		c.Next()
	}
}

// requireAdmin guards the admin API (the admin route group).
func (s *Server) requireAdmin(c *gin.Context) { s.adminGuard(c) }

// requireWrite guards document writes.
func (s *Server) requireWrite(c *gin.Context) { s.writeGuard(c) }

// clientKey is the limiter's key for a client address: the address for
// IPv4, its /64 for IPv6 (one host usually holds a whole /64).
func clientKey(ip string) string {
	p := net.ParseIP(ip)
	if p == nil || p.To4() != nil {
		return ip
	}
	return p.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

// failLimiter counts failed authentications per client in a fixed window
// that starts at the client's first failure.
type failLimiter struct {
	mu      sync.Mutex
	clients map[string]*failWindow
}

type failWindow struct {
	start time.Time
	n     int
}

// blocked returns how long the client must still wait, or 0.
func (l *failLimiter) blocked(client string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.clients[client]
	if w == nil || w.n < authFailLimit {
		return 0
	}
	if left := w.start.Add(authFailWindow).Sub(now); left > 0 {
		return left
	}
	delete(l.clients, client)
	return 0
}

// fail records one failure and returns the client's count in its window.
func (l *failLimiter) fail(client string, now time.Time) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.clients[client]
	if w == nil || !now.Before(w.start.Add(authFailWindow)) {
		if w == nil && len(l.clients) >= authMaxClients {
			l.sweep(now)
		}
		w = &failWindow{start: now}
		l.clients[client] = w
	}
	w.n++
	return w.n
}

// sweep drops expired windows; when none has expired it drops one entry.
func (l *failLimiter) sweep(now time.Time) {
	for k, w := range l.clients {
		if !now.Before(w.start.Add(authFailWindow)) {
			delete(l.clients, k)
		}
	}
	for k := range l.clients {
		if len(l.clients) < authMaxClients {
			break
		}
		delete(l.clients, k)
	}
}
