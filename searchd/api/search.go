package api

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/searchd/searchd/searchd/engine"
	"github.com/searchd/searchd/searchd/search"
)

// Identity headers read by the search handler.
const (
	HeaderSessionID     = "X-Session-ID"
	HeaderUserID        = "X-User-ID"
	HeaderSearchContext = "X-Search-Context"
	// maxIdentityLen caps identity headers before they reach the event.
	maxIdentityLen = 256
)

// search runs GET /api/v1/search.
func (s *Server) search(c *gin.Context) {
	q := engine.Query{
		Text: c.Query("q"),
		Filters: engine.Filters{
			Category: c.Query("category"),
			Region:   c.Query("region"),
			Tags:     nonEmpty(c.QueryArray("tag")),
		},
		Sort: engine.Sort(c.Query("sort")),
	}
	var err error
	if q.AsTyped, err = boolParam(c, "as_typed"); err != nil {
		s.fail(c, err)
		return
	}
	if q.Page, err = intParam(c, "page"); err != nil {
		s.fail(c, err)
		return
	}
	if q.Size, err = intParam(c, "size"); err != nil {
		s.fail(c, err)
		return
	}
	meta, err := s.requestMeta(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	ctx, cancel := s.searchContext(c)
	defer cancel()
	resp, err := s.svc.Search(ctx, q, meta)
	s.reply(c, resp, s.searchErr(c, ctx, err))
}

// autocomplete runs GET /api/v1/autocomplete.
func (s *Server) autocomplete(c *gin.Context) {
	size, err := intParam(c, "size")
	if err != nil {
		s.fail(c, err)
		return
	}
	ctx, cancel := s.searchContext(c)
	defer cancel()
	sugs, err := s.svc.Autocomplete(ctx, c.Query("q"), size)
	s.reply(c, gin.H{"query": c.Query("q"), "suggestions": sugs}, s.searchErr(c, ctx, err))
}

// analyzeRequest is the body of POST /api/v1/analyze.
type analyzeRequest struct {
	Text     string `json:"text"`
	Analyzer string `json:"analyzer"`
	Explain  bool   `json:"explain"`
}

// analyze runs POST /api/v1/analyze; the answer has the shape of
// Elasticsearch's _analyze.
func (s *Server) analyze(c *gin.Context) {
	body, err := s.readBody(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	var req analyzeRequest
	if err := decodeStrict(body, &req); err != nil {
		s.fail(c, err)
		return
	}
	switch {
	case req.Text == "":
		s.invalid(c, "text is required")
		return
	case utf8.RuneCountInString(req.Text) > s.limits.MaxAnalyzeChars:
		s.invalid(c, "text is longer than %d characters", s.limits.MaxAnalyzeChars)
		return
	}
	role, err := engine.AnalyzerRole(req.Analyzer)
	if err != nil {
		s.fail(c, err)
		return
	}
	toks, err := s.eng.Analyze(c.Request.Context(), engine.AnalyzeRequest{Analyzer: role, Text: req.Text, Explain: req.Explain})
	if err != nil {
		s.fail(c, err)
		return
	}
	if toks == nil {
		toks = []engine.Token{}
	}
	c.JSON(http.StatusOK, gin.H{"tokens": toks})
}

// nonEmpty drops empty values (tag= with nothing after it filters nothing).
func nonEmpty(vs []string) []string {
	out := vs[:0:0]
	for _, v := range vs {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

// intParam parses an optional integer query parameter (0 when absent).
func intParam(c *gin.Context, name string) (int, error) {
	v := c.Query(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, engine.Errorf(engine.Invalid, "%s must be an integer", name)
	}
	if n < 1 {
		return 0, engine.Errorf(engine.Invalid, "%s must be 1 or more", name)
	}
	return n, nil
}

// requestMeta collects who asked, for the search event.
func (s *Server) requestMeta(c *gin.Context) (search.RequestMeta, error) {
	meta := search.RequestMeta{
		RequestID: requestID(c),
		SessionID: clip(c.GetHeader(HeaderSessionID)),
		UserID:    clip(c.GetHeader(HeaderUserID)),
		ClientIP:  c.ClientIP(),
		UserAgent: clip(c.Request.UserAgent()),
	}
	raw, from := c.Query("ctx"), "the ctx parameter"
	if raw == "" {
		raw, from = c.GetHeader(HeaderSearchContext), "the "+HeaderSearchContext+" header"
	}
	if raw == "" {
		return meta, nil
	}
	if len(raw) > s.limits.MaxContextBytes {
		return meta, engine.Errorf(engine.Invalid, "%s is longer than %d bytes", from, s.limits.MaxContextBytes)
	}
	var ctx map[string]any
	dec := json.NewDecoder(bytes.NewReader([]byte(raw)))
	if err := dec.Decode(&ctx); err != nil || ctx == nil || dec.More() {
		return meta, engine.Errorf(engine.Invalid, "%s must be a JSON object", from)
	}
	meta.Context = ctx
	return meta, nil
}

// clip truncates an identity header to maxIdentityLen bytes on a rune
// boundary.
func clip(v string) string {
	if len(v) <= maxIdentityLen {
		return v
	}
	v = v[:maxIdentityLen]
	for !utf8.ValidString(v) {
		v = v[:len(v)-1]
	}
	return v
}
