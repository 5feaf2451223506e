package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/searchd/searchd/searchd/engine"
)

// Default deadlines (see Deps.RequestTimeout and Deps.SearchTimeout).
const (
	DefaultRequestTimeout = 55 * time.Second
	DefaultSearchTimeout  = 2 * time.Second
)

// withDeadline gives every request a deadline below the server's write
// timeout, so work that cannot finish in time is answered with 504
// timeout while the client can still receive it. Event streams are exempt
// (routes ending in /events, or Accept: text/event-stream): they lift the
// write timeout themselves and end when the client leaves.
func (s *Server) withDeadline(c *gin.Context) {
	if s.requestTimeout <= 0 || strings.HasSuffix(c.FullPath(), "/events") || strings.Contains(c.GetHeader("Accept"), "text/event-stream") {
		c.Next()
		return
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), s.requestTimeout)
	defer cancel()
	// Reading the body counts too: a client that stalls mid-body gets the
	// 504 at the deadline instead of holding the request past the write
	// timeout. (Not every ResponseWriter supports it; then the context
	// deadline alone applies.)
	_ = http.NewResponseController(c.Writer).SetReadDeadline(time.Now().Add(s.requestTimeout))
	c.Request = c.Request.WithContext(ctx)
	c.Next()
}

// bodyReadErr classifies a failure to read the request body: past the body
// limit (413), past the request deadline (504 timeout), or unreadable (400).
func bodyReadErr(err error) error {
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return err
	case errors.Is(err, os.ErrDeadlineExceeded):
		return engine.WithCause(err, engine.Timeout, "the request body did not arrive within the request deadline")
	}
	return engine.WithCause(err, engine.Invalid, "the request body could not be read")
}

// requestErr turns the end of a request's own deadline into 504 timeout
// (a client that went away stays 499 canceled).
func (s *Server) requestErr(c *gin.Context, err error) error {
	if errors.Is(err, context.DeadlineExceeded) && engine.ErrorCode(err) == engine.Canceled &&
		errors.Is(c.Request.Context().Err(), context.DeadlineExceeded) {
		return engine.WithCause(err, engine.Timeout, "the request did not finish within its deadline of %s", s.requestTimeout)
	}
	return err
}

// searchContext bounds one search (or autocomplete) by the search timeout.
func (s *Server) searchContext(c *gin.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(c.Request.Context(), s.searchTimeout)
}

// searchErr reports a search that ran out of its own deadline while the
// request was still alive as 504 engine_timeout: the engine is hung or
// overloaded, which is the server's problem, not the client's.
func (s *Server) searchErr(c *gin.Context, ctx context.Context, err error) error {
	if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) && c.Request.Context().Err() == nil &&
		(errors.Is(err, context.DeadlineExceeded) || engine.ErrorCode(err) == engine.EngineUnavailable) {
		return engine.WithCause(err, engine.EngineTimeout, "the search engine did not answer within %s", s.searchTimeout)
	}
	return err
}

// deadWriter records whether writing the response failed (the client or
// the write timeout closed the connection), so the access log never
// reports a status nobody received.
type deadWriter struct {
	gin.ResponseWriter
	err error
}

func (w *deadWriter) Write(b []byte) (int, error) {
	n, err := w.ResponseWriter.Write(b)
	if err != nil && w.err == nil {
		w.err = err
	}
	return n, err
}

func (w *deadWriter) WriteString(v string) (int, error) {
	n, err := w.ResponseWriter.WriteString(v)
	if err != nil && w.err == nil {
		w.err = err
	}
	return n, err
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *deadWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// setupSafety sets up what NewServer adds for safe exposure: the token
// guard, the deadlines and the bulk slots.
func (s *Server) setupSafety(d Deps) error {
	var err error
	if s.auth, err = newAuth(d.AdminToken, d.WriteToken, d.Registry); err != nil {
		return fmt.Errorf("api: metrics: %w", err)
	}
	s.adminGuard, s.writeGuard = s.guard(ScopeAdmin), s.guard(ScopeWrite)
	s.requestTimeout = orDefault(d.RequestTimeout, DefaultRequestTimeout)
	s.searchTimeout = orDefault(d.SearchTimeout, DefaultSearchTimeout)
	s.bulk = make(bulkSlots, s.limits.MaxConcurrentBulk)
	return s.setupStatus(d)
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}
