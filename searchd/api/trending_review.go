package api

import (
	"context"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/searchd/searchd/ingest/trending"
	"github.com/searchd/searchd/searchd/engine"
)

// maxReviewKeywordBytes bounds the :keyword of the review routes (trending
// keys are at most 30 runes).
const maxReviewKeywordBytes = 512

// reviewQueue serves GET /api/v1/admin/trending/review: the keywords
// waiting for an admin (-trending-review), oldest first.
func (s *Server) reviewQueue(c *gin.Context) {
	if s.hasTrending(c) {
		q, err := s.trend.ReviewQueue(c.Request.Context())
		s.reply(c, gin.H{"review": q}, err)
	}
}

// approveKeyword serves POST /api/v1/admin/trending/review/:keyword/approve.
func (s *Server) approveKeyword(c *gin.Context) { s.decideKeyword(c, Trending.Approve) }

// blockKeyword serves POST /api/v1/admin/trending/review/:keyword/block.
func (s *Server) blockKeyword(c *gin.Context) { s.decideKeyword(c, Trending.Block) }

func (s *Server) decideKeyword(c *gin.Context, decide func(Trending, context.Context, string) (trending.ReviewEntry, error)) {
	if !s.hasTrending(c) {
		return
	}
	kw := c.Param("keyword")
	if kw == "" || len(kw) > maxReviewKeywordBytes || !utf8.ValidString(kw) {
		s.fail(c, engine.Errorf(engine.Invalid, "the keyword must be valid UTF-8 of 1 to %d bytes", maxReviewKeywordBytes))
		return
	}
	e, err := decide(s.trend, c.Request.Context(), kw)
	s.reply(c, e, err)
}
