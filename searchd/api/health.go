package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.uber.org/zap"

	"github.com/searchd/searchd/searchd/engine"
)

// readyTimeout bounds the engine check behind /readyz.
const readyTimeout = 2 * time.Second

// readyz is 200 only when the readiness gate is open (startup work done,
// not shutting down) and the engine is ready.
func (s *Server) readyz(c *gin.Context) {
	if !s.ready.Load() {
		s.fail(c, engine.Errorf(engine.Unavailable, "not ready: starting up or shutting down"))
		return
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), readyTimeout)
	defer cancel()
	if err := s.eng.Ready(ctx); err != nil {
		s.log.Warn("engine not ready", zap.String("request_id", requestID(c)), zap.Error(err))
		s.fail(c, engine.Errorf(engine.Unavailable, "not ready: the %s engine is not ready", s.eng.Name()))
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready", "engine": s.eng.Name()})
}

// metricsHandler serves the registry the server was given.
func (s *Server) metricsHandler() gin.HandlerFunc {
	h := promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{Registry: s.registry})
	return gin.WrapH(h)
}

// adminStats describes the live documents index.
func (s *Server) adminStats(c *gin.Context) {
	st, err := s.eng.Stats(c.Request.Context())
	s.reply(c, st, err)
}

// adminVersions lists the documents index versions.
func (s *Server) adminVersions(c *gin.Context) {
	vs, err := s.eng.Versions(c.Request.Context())
	if err != nil {
		s.fail(c, err)
		return
	}
	if vs == nil {
		vs = []engine.Version{}
	}
	c.JSON(http.StatusOK, gin.H{"versions": vs})
}

// mergeVersion runs POST /api/v1/admin/versions/:version/merge: merges a
// version's segments into one (after a bulk load or a rebuild).
func (s *Server) mergeVersion(c *gin.Context) {
	n, err := strconv.Atoi(c.Param("version"))
	if err != nil || n < 1 {
		s.fail(c, engine.Errorf(engine.Invalid, "version must be a positive integer"))
		return
	}
	start := s.now()
	err = s.eng.MergeSegments(c.Request.Context(), n)
	s.reply(c, gin.H{"version": n, "result": "merged", "took_ms": s.now().Sub(start).Milliseconds()}, err)
}
