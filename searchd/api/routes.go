package api

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/searchd/searchd/searchd/engine"
)

// AdminPrefix is where the token-guarded admin API lives.
const AdminPrefix = "/api/v1/admin"

// routes registers every route of the API. docs/api.md documents each one
// (a test checks that it does).
func (s *Server) routes(r *gin.Engine, extra []Route) (err error) {
	defer func() {
		if v := recover(); v != nil { // gin panics on conflicting routes
			err = fmt.Errorf("api: routes: %v", v)
		}
	}()
	// Outermost first: the request id is known to everything below; the
	// metrics and access log see the status recovery writes.
	r.Use(withRequestID, s.observe, s.accessLog, s.recoverPanic, s.withDeadline)
	r.NoRoute(func(c *gin.Context) {
		s.fail(c, engine.Errorf(engine.NotFound, "no route for %s %s", c.Request.Method, c.Request.URL.Path))
	})
	r.NoMethod(func(c *gin.Context) {
		c.AbortWithStatusJSON(http.StatusMethodNotAllowed, ErrorBody{Error: engine.Error{
			Code: "method_not_allowed", Message: fmt.Sprintf("%s is not allowed here; see the Allow header", c.Request.Method)}})
	})

	// Operations.
	r.GET("/healthz", s.healthz)
	r.GET("/readyz", s.readyz)
	r.GET("/metrics", s.metricsHandler())
	spec, err := openapi()
	if err != nil {
		return err
	}
	r.GET(OpenAPIPath, spec)

	v1 := r.Group("/api/v1")
	// Search.
	v1.GET("/search", s.search)
	v1.GET("/autocomplete", s.autocomplete)
	v1.POST("/analyze", s.analyze)
	// Documents.
	v1.POST("/documents", s.requireWrite, s.bulkDocuments)
	v1.GET("/documents/:id", s.getDocument)
	v1.PUT("/documents/:id", s.requireWrite, s.putDocument)
	v1.DELETE("/documents/:id", s.requireWrite, s.deleteDocument)
	// Trending keywords (public, cacheable for the snapshot interval).
	v1.GET("/trending", s.trending)

	// Admin (token required).
	admin := r.Group(AdminPrefix, s.requireAdmin)
	admin.GET("/stats", s.adminStats)
	admin.GET("/versions", s.adminVersions)
	admin.POST("/versions/:version/merge", s.mergeVersion)
	admin.GET("/trending/blocklist", s.getBlocklist)
	admin.PUT("/trending/blocklist", s.putBlocklist)
	admin.GET("/trending/candidates", s.trendingCandidates)
	admin.GET("/trending/review", s.reviewQueue)
	admin.POST("/trending/review/:keyword/approve", s.approveKeyword)
	admin.POST("/trending/review/:keyword/block", s.blockKeyword)
	admin.GET("/analytics/top-queries", s.topQueries)
	admin.GET("/analytics/zero-result-queries", s.zeroResultQueries)
	admin.GET("/analytics/volume", s.searchVolume)
	admin.GET("/ingest/dead-letters", s.deadLetters)
	// Dictionaries, rebuild jobs and the audit trail (dictionaries.go).
	admin.GET("/dictionaries", s.liveDictionaries)
	admin.POST("/dictionaries/validate", s.validateDictionaries)
	admin.POST("/dictionaries/preview", s.previewDictionaries)
	admin.POST("/dictionaries/apply", s.applyDictionaries)
	admin.POST("/dictionaries/rollback", s.rollbackDictionaries)
	admin.GET("/dictionaries/history", s.dictionaryHistory)
	admin.GET("/dictionaries/history/:version", s.dictionaryVersion)
	admin.GET("/dictionaries/diff", s.dictionaryDiff)
	admin.GET("/jobs/:id", s.getJob)
	admin.GET("/jobs/:id/events", s.jobEvents)
	admin.POST("/jobs/:id/cancel", s.cancelJob)
	admin.GET("/audit", s.auditTrail)

	for _, e := range extra {
		if e.Handler == nil || e.Method == "" || !strings.HasPrefix(e.Path, "/") {
			return fmt.Errorf("api: extra route %s %q is incomplete", e.Method, e.Path)
		}
		h := gin.WrapH(e.Handler)
		if !e.Admin {
			r.Handle(e.Method, e.Path, h)
			continue
		}
		rel, ok := strings.CutPrefix(e.Path, AdminPrefix+"/")
		if !ok {
			return fmt.Errorf("api: admin route %q must be under %s/", e.Path, AdminPrefix)
		}
		admin.Handle(e.Method, "/"+rel, h)
	}
	return nil
}
