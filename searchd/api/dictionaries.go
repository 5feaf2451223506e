package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/searchd/searchd/searchd/dictionary"
	"github.com/searchd/searchd/searchd/engine"
)

// maxDictionaryBody caps the body of validate, preview and apply: both
// dictionaries at their limits plus room for the rest.
const maxDictionaryBody = dictionary.MaxSynonymBytes + dictionary.MaxUserDictionaryBytes + 64<<10

// SSE: how often a job's state is re-read, and the keep-alive comment.
const (
	jobEventsPoll      = 500 * time.Millisecond
	jobEventsKeepAlive = 15 * time.Second
)

// DictionaryRequest is the body of validate, preview and apply.
type DictionaryRequest struct {
	Synonyms       string              `json:"synonyms"`
	UserDictionary string              `json:"user_dictionary"`
	Options        *dictionary.Options `json:"options,omitempty"`
	Message        string              `json:"message,omitempty"`
	Queries        []string            `json:"queries,omitempty"`
}

// ParseDictionaryRequest decodes a dictionary request body strictly
// (unknown fields rejected) and checks its sizes: too_large (413) beyond
// the byte limits, invalid_argument (400) otherwise.
func ParseDictionaryRequest(body []byte) (DictionaryRequest, error) {
	var r DictionaryRequest
	if len(body) > maxDictionaryBody {
		return r, engine.Errorf(engine.TooLarge, "the request body is larger than %d bytes", maxDictionaryBody)
	}
	if err := decodeStrict(body, &r); err != nil {
		return r, err
	}
	if err := dictionary.CheckSize(r.draft()); err != nil {
		return r, err
	}
	return r, nil
}

func (r DictionaryRequest) draft() dictionary.Draft {
	return dictionary.Draft{Synonyms: r.Synonyms, UserDictionary: r.UserDictionary, Options: r.Options}
}

// problemsBody is a 400 answer that lists a draft's problems.
type problemsBody struct {
	Error    engine.Error        `json:"error"`
	Problems dictionary.Problems `json:"problems"`
}

// busyBody is the 409 answer naming the running job.
type busyBody struct {
	Error engine.Error `json:"error"`
	Job   struct {
		ID string `json:"id"`
	} `json:"job"`
}

// failDictionary answers dictionary errors: problems and a running job
// come with their details.
func (s *Server) failDictionary(c *gin.Context, err error) {
	var ps dictionary.Problems
	var busy *dictionary.BusyError
	switch {
	case errors.As(err, &ps):
		c.AbortWithStatusJSON(http.StatusBadRequest, problemsBody{
			Error: engine.Error{Code: engine.Invalid, Message: ps.Error()}, Problems: ps})
	case errors.As(err, &busy):
		b := busyBody{Error: engine.Error{Code: engine.Conflict, Message: busy.Error()}}
		b.Job.ID = busy.JobID
		c.AbortWithStatusJSON(http.StatusConflict, b)
	default:
		s.fail(c, err)
	}
}

// hasDictionaries answers 503 when dictionary administration is not
// configured.
func (s *Server) hasDictionaries(c *gin.Context) bool {
	if s.dicts == nil {
		s.fail(c, unavailable("dictionary administration"))
		return false
	}
	return true
}

// dictionaryRequest reads and decodes the body (413 beyond the limit);
// false when it has answered (also 503 without dictionary administration).
func (s *Server) dictionaryRequest(c *gin.Context) (DictionaryRequest, bool) {
	if !s.hasDictionaries(c) {
		return DictionaryRequest{}, false
	}
	b, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxDictionaryBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if !errors.As(err, &mbe) {
			err = engine.Errorf(engine.Invalid, "the request body could not be read")
		}
		s.fail(c, err)
		return DictionaryRequest{}, false
	}
	r, err := ParseDictionaryRequest(b)
	if err != nil {
		s.fail(c, err)
		return r, false
	}
	return r, true
}

// liveDictionaries serves GET /api/v1/admin/dictionaries.
func (s *Server) liveDictionaries(c *gin.Context) {
	if s.hasDictionaries(c) {
		set, err := s.dicts.Live(c.Request.Context())
		s.reply(c, set, err)
	}
}

// validateDictionaries serves POST /api/v1/admin/dictionaries/validate.
func (s *Server) validateDictionaries(c *gin.Context) {
	r, ok := s.dictionaryRequest(c)
	if !ok {
		return
	}
	res, err := s.dicts.Validate(c.Request.Context(), r.draft())
	s.reply(c, res, err)
}

// previewDictionaries serves POST /api/v1/admin/dictionaries/preview.
func (s *Server) previewDictionaries(c *gin.Context) {
	r, ok := s.dictionaryRequest(c)
	if !ok {
		return
	}
	p, err := s.dicts.Preview(c.Request.Context(), dictionary.PreviewRequest{Draft: r.draft(), Queries: r.Queries})
	if err == nil && !p.Valid {
		err = p.Problems
	}
	if err != nil {
		s.failDictionary(c, err)
		return
	}
	c.JSON(http.StatusOK, p)
}

// applyDictionaries serves POST /api/v1/admin/dictionaries/apply: 202
// with the job that rebuilds the index.
func (s *Server) applyDictionaries(c *gin.Context) {
	r, ok := s.dictionaryRequest(c)
	if !ok {
		return
	}
	j, err := s.dicts.Apply(c.Request.Context(), dictionary.ApplyRequest{Draft: r.draft(), Message: r.Message, Queries: r.Queries})
	if err != nil {
		s.failDictionary(c, err)
		return
	}
	c.JSON(http.StatusAccepted, gin.H{"job": j})
}

// jobID reads :id; false when it has answered.
func (s *Server) jobID(c *gin.Context) (string, bool) {
	if !s.hasDictionaries(c) {
		return "", false
	}
	id := c.Param("id")
	if id == "" || len(id) > 64 {
		s.invalid(c, "a job id is required")
		return "", false
	}
	return id, true
}

// getJob serves GET /api/v1/admin/jobs/:id.
func (s *Server) getJob(c *gin.Context) {
	id, ok := s.jobID(c)
	if !ok {
		return
	}
	j, err := s.dicts.Job(c.Request.Context(), id)
	s.reply(c, j, err)
}

// cancelJob serves POST /api/v1/admin/jobs/:id/cancel.
func (s *Server) cancelJob(c *gin.Context) {
	id, ok := s.jobID(c)
	if !ok {
		return
	}
	j, err := s.dicts.Cancel(c.Request.Context(), id)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusAccepted, gin.H{"job": j})
}

// jobEvents serves GET /api/v1/admin/jobs/:id/events: the job as
// Server-Sent Events ("progress" whenever it changes, "end" when it has
// finished), until it ends or the client goes away.
func (s *Server) jobEvents(c *gin.Context) {
	id, ok := s.jobID(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	j, err := s.dicts.Job(ctx, id)
	if err != nil {
		s.fail(c, err)
		return
	}
	// The stream outlives the server's write timeout.
	_ = http.NewResponseController(c.Writer).SetWriteDeadline(time.Time{})
	c.Header("Content-Type", "text/event-stream")
	c.Header("Cache-Control", "no-cache")
	c.Header("X-Accel-Buffering", "no")
	c.Status(http.StatusOK)
	var last []byte
	poll := time.NewTicker(jobEventsPoll)
	defer poll.Stop()
	alive := time.NewTicker(jobEventsKeepAlive)
	defer alive.Stop()
	for {
		b, _ := json.Marshal(j)
		if !bytes.Equal(b, last) {
			event := "progress"
			if j.Finished() {
				event = "end"
			}
			if _, err := fmt.Fprintf(c.Writer, "event: %s\ndata: %s\n\n", event, b); err != nil {
				return
			}
			c.Writer.Flush()
			last = b
		}
		if j.Finished() {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-alive.C:
			if _, err := io.WriteString(c.Writer, ": keep-alive\n\n"); err != nil {
				return
			}
			c.Writer.Flush()
			continue
		case <-poll.C:
		}
		if next, err := s.dicts.Job(ctx, id); err == nil {
			j = next
		}
	}
}

// dictionaryHistory serves GET /api/v1/admin/dictionaries/history.
func (s *Server) dictionaryHistory(c *gin.Context) {
	if s.hasDictionaries(c) {
		h, err := s.dicts.History(c.Request.Context())
		s.reply(c, gin.H{"versions": h}, err)
	}
}

// versionParam parses a positive version number.
func versionParam(v, name string) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, engine.Errorf(engine.Invalid, "%s must be a version number (1 or more)", name)
	}
	return n, nil
}

// dictionaryVersion serves GET /api/v1/admin/dictionaries/history/:version.
func (s *Server) dictionaryVersion(c *gin.Context) {
	if !s.hasDictionaries(c) {
		return
	}
	v, err := versionParam(c.Param("version"), "version")
	if err != nil {
		s.fail(c, err)
		return
	}
	set, err := s.dicts.Get(c.Request.Context(), v)
	s.reply(c, set, err)
}

// dictionaryDiff serves GET /api/v1/admin/dictionaries/diff?from=&to=
// (to defaults to the live version).
func (s *Server) dictionaryDiff(c *gin.Context) {
	if !s.hasDictionaries(c) {
		return
	}
	from, err := versionParam(c.Query("from"), "from")
	if err != nil {
		s.fail(c, err)
		return
	}
	to := s.eng.Live().Number
	if v := c.Query("to"); v != "" {
		if to, err = versionParam(v, "to"); err != nil {
			s.fail(c, err)
			return
		}
	}
	d, err := s.dicts.Diff(c.Request.Context(), from, to)
	s.reply(c, d, err)
}

// rollbackRequest is the body of a rollback.
type rollbackRequest struct {
	Version int    `json:"version"`
	Message string `json:"message,omitempty"`
}

// rollbackDictionaries serves POST /api/v1/admin/dictionaries/rollback:
// 200 when the version's index was kept and swapped back, 202 with a job
// when it is rebuilt from its stored texts.
func (s *Server) rollbackDictionaries(c *gin.Context) {
	if !s.hasDictionaries(c) {
		return
	}
	b, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, 64<<10))
	if err != nil {
		s.fail(c, err)
		return
	}
	var r rollbackRequest
	if err := decodeStrict(b, &r); err != nil {
		s.fail(c, err)
		return
	}
	if r.Version < 1 {
		s.invalid(c, "version must be a version number (1 or more)")
		return
	}
	res, err := s.dicts.Rollback(c.Request.Context(), r.Version, r.Message)
	if err != nil {
		s.failDictionary(c, err)
		return
	}
	status := http.StatusOK
	if res.Job != nil {
		status = http.StatusAccepted
	}
	c.JSON(status, res)
}

// auditTrail serves GET /api/v1/admin/audit?limit=&offset= (newest first).
func (s *Server) auditTrail(c *gin.Context) {
	if s.auditLog == nil {
		s.fail(c, unavailable("the audit trail"))
		return
	}
	limit, err := sizeParamNamed(c, "limit", dictionary.DefaultAuditLimit, dictionary.MaxAuditLimit)
	if err != nil {
		s.fail(c, err)
		return
	}
	offset := 0
	if v := c.Query("offset"); v != "" {
		if offset, err = strconv.Atoi(v); err != nil || offset < 0 || offset > maxAuditOffset {
			s.invalid(c, "offset must be between 0 and %d", maxAuditOffset)
			return
		}
	}
	entries, total, err := s.auditLog.List(c.Request.Context(), offset, limit)
	s.reply(c, gin.H{"entries": entries, "total": total, "limit": limit, "offset": offset}, err)
}

// sizeParamNamed reads a positive integer parameter: def when absent, an
// error outside 1..max.
func sizeParamNamed(c *gin.Context, name string, def, max int) (int, error) {
	n, err := intParam(c, name)
	switch {
	case err != nil:
		return 0, err
	case n == 0:
		return def, nil
	case n > max:
		return 0, engine.Errorf(engine.Invalid, "%s must be between 1 and %d", name, max)
	}
	return n, nil
}

// maxAuditOffset: the audit trail pages this deep at most (the elastic
// store's result window).
const maxAuditOffset = 9_000
