package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/searchd/searchd/ingest"
	"github.com/searchd/searchd/ingest/trending"
	"github.com/searchd/searchd/searchd/engine"
)

// Trending is what the trending routes need (trending.Service).
type Trending interface {
	Snapshot(ctx context.Context) (trending.Snapshot, error)
	CategorySnapshot(ctx context.Context, category string) (trending.Snapshot, error)
	Blocklist(ctx context.Context) (trending.Blocklist, error)
	SetBlocklist(ctx context.Context, b trending.Blocklist) (trending.Blocklist, error)
	Debug(ctx context.Context) ([]trending.Candidate, error)
	// The review queue (trending_review.go).
	ReviewQueue(ctx context.Context) ([]trending.ReviewEntry, error)
	Approve(ctx context.Context, keyword string) (trending.ReviewEntry, error)
	Block(ctx context.Context, keyword string) (trending.ReviewEntry, error)
}

// Analytics is what the search-analytics routes need (ingest.Analytics).
type Analytics interface {
	TopQueries(ctx context.Context, from, to time.Time, size int) ([]ingest.QueryCount, error)
	ZeroResultQueries(ctx context.Context, from, to time.Time, size int) ([]ingest.QueryCount, error)
	DeadLetters(ctx context.Context, n int) ([]ingest.DeadLetter, error)
}

// Limits of the trending and analytics routes.
const (
	defaultTrendingSize = 10
	maxTrendingSize     = 50
	defaultRange        = 24 * time.Hour
	maxBlocklistBytes   = 256 << 10
)

func unavailable(what string) error {
	return engine.Errorf(engine.Unavailable, "%s is not configured on this instance", what)
}

// trending serves GET /api/v1/trending: the last published snapshot, one
// cheap read, cacheable for the snapshot interval.
func (s *Server) trending(c *gin.Context) {
	if !s.hasTrending(c) {
		return
	}
	size, err := sizeParam(c, defaultTrendingSize, maxTrendingSize)
	if err != nil {
		s.fail(c, err)
		return
	}
	explain, err := boolParam(c, "explain")
	if err != nil {
		s.fail(c, err)
		return
	}
	var snap trending.Snapshot
	if cat, ok := c.GetQuery("category"); ok {
		snap, err = s.trend.CategorySnapshot(c.Request.Context(), cat)
	} else {
		snap, err = s.trend.Snapshot(c.Request.Context())
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	if s.trendingMaxAge > 0 {
		c.Header("Cache-Control", "public, max-age="+strconv.Itoa(int(s.trendingMaxAge/time.Second)))
	}
	snap = snap.Top(size)
	if !explain {
		snap = snap.Unexplained()
	}
	c.JSON(http.StatusOK, snap)
}

// reply answers 200 with v, or the error.
func (s *Server) reply(c *gin.Context, v any, err error) {
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

// hasTrending answers 503 when no trending service is configured.
func (s *Server) hasTrending(c *gin.Context) bool {
	if s.trend == nil {
		s.fail(c, unavailable("trending"))
		return false
	}
	return true
}

// sizeParam reads ?size: def when absent, an error outside 1..max.
func sizeParam(c *gin.Context, def, max int) (int, error) { return sizeParamNamed(c, "size", def, max) }

func (s *Server) getBlocklist(c *gin.Context) {
	if s.hasTrending(c) {
		b, err := s.trend.Blocklist(c.Request.Context())
		s.reply(c, b, err)
	}
}

// putBlocklist replaces the blocklist; a blocked keyword leaves the
// trending list at once.
func (s *Server) putBlocklist(c *gin.Context) {
	if !s.hasTrending(c) {
		return
	}
	dec := json.NewDecoder(http.MaxBytesReader(c.Writer, c.Request.Body, maxBlocklistBytes))
	dec.DisallowUnknownFields()
	var b trending.Blocklist
	if err := dec.Decode(&b); err != nil {
		s.fail(c, engine.Errorf(engine.Invalid, "the body must be a blocklist object {\"exact\": [...], \"patterns\": [...]}: %v", err))
		return
	}
	out, err := s.trend.SetBlocklist(c.Request.Context(), b)
	s.reply(c, out, err)
}

// trendingCandidates is the admin debug view: every candidate with its
// recent rate, baseline, distinct users and why it is or is not shown.
func (s *Server) trendingCandidates(c *gin.Context) {
	if s.hasTrending(c) {
		cands, err := s.trend.Debug(c.Request.Context())
		s.reply(c, gin.H{"candidates": cands}, err)
	}
}

// timeRange reads from/to (RFC 3339 or YYYY-MM-DD); the default is the
// last 24 hours.
func (s *Server) timeRange(c *gin.Context) (time.Time, time.Time, error) {
	to := s.now()
	from := to.Add(-defaultRange)
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"from", &from}, {"to", &to}} {
		v := c.Query(p.name)
		if v == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			if t, err = time.Parse(time.DateOnly, v); err != nil {
				return from, to, engine.Errorf(engine.Invalid, "%s must be a date (2026-11-01) or an RFC 3339 time (2026-11-01T09:00:00+09:00)", p.name)
			}
		}
		*p.dst = t
	}
	return from, to, nil
}

func (s *Server) queryCounts(c *gin.Context, f func(context.Context, time.Time, time.Time, int) ([]ingest.QueryCount, error)) {
	from, to, err := s.timeRange(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	size, err := sizeParam(c, ingest.DefaultAnalyticsSize, ingest.MaxAnalyticsSize)
	if err != nil {
		s.fail(c, err)
		return
	}
	counts, err := f(c.Request.Context(), from, to, size)
	if err != nil {
		s.fail(c, err)
		return
	}
	if counts == nil {
		counts = []ingest.QueryCount{}
	}
	c.JSON(http.StatusOK, gin.H{"from": from.UTC(), "to": to.UTC(), "queries": counts})
}

func (s *Server) topQueries(c *gin.Context) {
	if s.analytics == nil {
		s.fail(c, unavailable("search analytics"))
		return
	}
	s.queryCounts(c, s.analytics.TopQueries)
}

func (s *Server) zeroResultQueries(c *gin.Context) {
	if s.analytics == nil {
		s.fail(c, unavailable("search analytics"))
		return
	}
	s.queryCounts(c, s.analytics.ZeroResultQueries)
}

// deadLetters lists search-log events the log index refused, newest first.
func (s *Server) deadLetters(c *gin.Context) {
	if s.analytics == nil {
		s.fail(c, unavailable("search analytics"))
		return
	}
	n, err := sizeParam(c, ingest.DefaultAnalyticsSize, ingest.MaxDeadLetters)
	if err != nil {
		s.fail(c, err)
		return
	}
	dead, err := s.analytics.DeadLetters(c.Request.Context(), n)
	if err != nil {
		s.fail(c, fmt.Errorf("dead letters: %w", err))
		return
	}
	if dead == nil {
		dead = []ingest.DeadLetter{}
	}
	c.JSON(http.StatusOK, gin.H{"dead_letters": dead})
}
