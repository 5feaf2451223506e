package api

import (
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"go.uber.org/zap"

	"github.com/searchd/searchd/searchd/engine"
)

// isNDJSON reports whether a Content-Type announces newline-delimited JSON.
func isNDJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/x-ndjson" || mt == "application/ndjson")
}

// readBody reads the request body up to the body limit; beyond it the
// error maps to 413 too_large.
func (s *Server) readBody(c *gin.Context) ([]byte, error) {
	r := http.MaxBytesReader(c.Writer, c.Request.Body, s.limits.MaxBodyBytes)
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, bodyReadErr(err)
	}
	return b, nil
}

// refreshParam parses ?refresh= (absent: false).
func refreshParam(c *gin.Context) (bool, error) { return boolParam(c, "refresh") }

// boolParam parses a boolean query parameter (absent: false).
func boolParam(c *gin.Context, name string) (bool, error) {
	v := c.Query(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, engine.Errorf(engine.Invalid, "%s must be true or false (or 1 or 0)", name)
	}
	return b, nil
}

// BulkResponse is the answer to POST /api/v1/documents: one result per
// input item, in input order.
type BulkResponse struct {
	Items  []engine.ItemResult `json:"items"`
	Errors bool                `json:"errors"`
}

// itemResult hides internal item errors behind a generic message (logged).
func (s *Server) itemResult(c *gin.Context, r engine.ItemResult) engine.ItemResult {
	if r.Error != nil && r.Error.Code == engine.Internal {
		s.log.Error("bulk item failed", zap.String("request_id", requestID(c)),
			zap.String("id", r.ID), zap.String("error", r.Error.Message))
		r.Error = &engine.Error{Code: engine.Internal, Message: "internal error"}
	}
	return r
}

// withDefaults fills what a client may leave out: created_at defaults to
// the time the document is written.
func (s *Server) withDefaults(d engine.Document) engine.Document {
	if d.CreatedAt.IsZero() {
		d.CreatedAt = s.now().UTC().Truncate(time.Second)
	}
	return d
}

// pathID reads the :id path parameter.
func pathID(c *gin.Context) (string, error) {
	id := c.Param("id")
	if id == "" || len(id) > engine.MaxIDLen {
		return "", engine.Errorf(engine.Invalid, "document id must be 1 to %d bytes", engine.MaxIDLen)
	}
	return id, nil
}

// getDocument runs GET /api/v1/documents/:id.
func (s *Server) getDocument(c *gin.Context) {
	id, err := pathID(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	doc, err := s.eng.Get(c.Request.Context(), id)
	s.reply(c, doc, err)
}

// putDocument runs PUT /api/v1/documents/:id: the id in the path wins and
// an id in the body must match it.
func (s *Server) putDocument(c *gin.Context) {
	id, refresh, err := writeTarget(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	body, err := s.readBody(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	doc, err := decodeDocument(body)
	if err != nil {
		s.fail(c, err)
		return
	}
	switch {
	case doc.ID == "":
		doc.ID = id
	case doc.ID != id:
		s.invalid(c, "the id in the body (%q) does not match the id in the path (%q)", doc.ID, id)
		return
	}
	doc = s.withDefaults(doc)
	if err := engine.ValidateDocument(doc); err != nil {
		s.fail(c, err)
		return
	}
	err = s.eng.Index(c.Request.Context(), doc, refresh)
	s.reply(c, gin.H{"id": id, "result": "indexed"}, err)
}

// deleteDocument runs DELETE /api/v1/documents/:id.
func (s *Server) deleteDocument(c *gin.Context) {
	id, refresh, err := writeTarget(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	err = s.eng.Delete(c.Request.Context(), id, refresh)
	s.reply(c, gin.H{"id": id, "result": "deleted"}, err)
}

// writeTarget reads the document id from the path and ?refresh.
func writeTarget(c *gin.Context) (string, bool, error) {
	id, err := pathID(c)
	if err != nil {
		return "", false, err
	}
	refresh, err := refreshParam(c)
	return id, refresh, err
}
